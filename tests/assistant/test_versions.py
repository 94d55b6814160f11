"""Several dated versions of one regulation: the answer comes from the version the question
means, and says which (fake embedder, a two-version corpus written by the test)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant import settings
from assistant.service import Assistant
from ingest.embedding import HashingEmbedder
from ingest.index import ClauseIndex, IndexBuilder

VERSION = """# 发票样例管理办法

{day} 中华人民共和国国务院令第{number}号公布

<!-- INFO END -->

第一条 为了加强发票样例管理，制定本办法。

第二条 领用发票样例的单位应当缴纳保证金{amount}元。

第三条 本办法自{day}起施行。
"""


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, tokenizer):
    folder = tmp_path_factory.mktemp("versions")
    corpus = folder / "regs"
    corpus.mkdir()
    for day, number, amount in (("2010年12月20日", 587, "一千"), ("2019年3月2日", 709, "五千")):
        stamp = day.replace("年", "-").replace("月", "-").replace("日", "")
        y, m, d = (int(p) for p in stamp.split("-"))
        (corpus / f"发票样例管理办法({y:04d}-{m:02d}-{d:02d}).md").write_text(VERSION.format(day=day, number=number, amount=amount), encoding="utf-8")
    IndexBuilder(folder / "index", HashingEmbedder(), tokenizer).run([corpus])
    config = settings.load({"index_dir": str(folder / "index"), "min_confidence": "0"}, environ={})
    return Assistant(ClauseIndex.open(folder / "index"), HashingEmbedder(), tokenizer, config)


@pytest.mark.parametrize(
    "question, as_of, amount, version",
    [
        ("领用发票样例要缴纳多少保证金？", date(2024, 1, 1), "五千", "2019-03-02"),
        ("领用发票样例要缴纳多少保证金？", date(2015, 1, 1), "一千", "2010-12-20"),
        ("2010年版本里领用发票样例要缴纳多少保证金？", date(2024, 1, 1), "一千", "2010-12-20"),
        ("按2010年公布的办法，领用发票样例要缴纳多少保证金？", date(2024, 1, 1), "一千", "2010-12-20"),
    ],
)
def test_the_version_in_force_or_named_answers_and_is_named(assistant, question, as_of, amount, version):
    reply = assistant.ask(question, as_of=as_of)
    assert reply.kind == "answer"
    assert reply.citations[0].doc_id.endswith(f"({version})")
    assert f"保证金{amount}元" in reply.answer and f"{version}版本作答" in reply.answer


def test_the_words_that_pick_a_version_do_not_pull_in_its_promulgation_note(assistant):
    """"按2019年修订的…" chooses the version; searched for, its year matches the note's dates."""
    reply = assistant.ask("按2019年3月2日修订的版本，领用发票样例要缴纳多少保证金？", as_of=date(2024, 1, 1))
    assert reply.citations[0].section == "第二条"
    assert "保证金五千元" in reply.answer and "2019-03-02版本作答" in reply.answer
