"""A calculator answers only questions that retrieval places in the documents it cites
(fake embedder, a one-regulation corpus written by the test)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import settings
from assistant.router import Router
from assistant.service import Assistant
from ingest.embedding import HashingEmbedder
from ingest.index import ClauseIndex, IndexBuilder

EVENTS = """# 大型活动安全样例条例

2007年9月14日 中华人民共和国国务院令第505号公布

<!-- INFO END -->

第一条 为了加强对大型活动的安全管理，制定本条例。

第二条 本条例所称大型活动，是指法人或者其他组织面向社会公众举办的每场次预计参加人数达到1000人以上的活动。

第三条 承办者应当在活动举办日的20日前提出安全许可申请。申请由公安机关受理。
"""

QUESTION = "公司办音乐节，公安那边说人多要审批，多少人以上就算大型活动？"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, tokenizer):
    folder = tmp_path_factory.mktemp("fit")
    corpus = folder / "regs"
    corpus.mkdir()
    (corpus / "大型活动安全样例条例(2007-09-14).md").write_text(EVENTS, encoding="utf-8")
    IndexBuilder(folder / "index", HashingEmbedder(), tokenizer).run([corpus])
    config = settings.load({"index_dir": str(folder / "index"), "min_confidence": "0"}, environ={})
    return Assistant(ClauseIndex.open(folder / "index"), HashingEmbedder(), tokenizer, config)


def test_the_router_alone_reads_the_question_as_window_staffing():
    routed = Router().route(QUESTION, [], date(2026, 11, 30))
    assert routed is not None and routed.calculator == "staffing"


def test_a_calculator_whose_documents_retrieval_does_not_find_does_not_answer(assistant):
    reply = assistant.ask(QUESTION, as_of=date(2026, 11, 30))
    assert reply.calculation is None and reply.kind == "answer"
    assert reply.citations[0].section == "第二条"
    assert "1000人以上" in reply.answer
