"""Ingestion reads the structure, not the line widths: the same gazette laid out at any width,
with page headers and numbers, gives the same documents and clauses."""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest

from ingest.corpus import discover
from ingest.gazette import IssueLayout, parse_issue
from tests.conftest import CORPUS
from tests.ingest.relayout import relayout, wrap

HEADERS = {"sanming-2023-04": ("2023.4", "市政府文件"), "fujian-2022-11": ("福建省人民政府公报", "2022年第11期")}
_VOLATILE = {"span", "source_sha256", "source"}  # where the text sits, not what it says
_WIDTHS = sorted({25, 60, *random.Random(7).sample(range(26, 60), 10)})


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def canonical():
    parsed = {}
    for source in discover(CORPUS):
        text = source.path.read_text(encoding="utf-8")
        parsed[source.layout.issue_id] = (source, text, parse_issue(text, source.layout, source.name, source.sha256))
    return parsed


def test_wrap_keeps_every_character_and_never_starts_a_line_with_closing_punctuation():
    lines = wrap("本方案自印发之日起实施，有效期至2024年12月31日。", 6)
    assert "".join(lines) == "本方案自印发之日起实施，有效期至2024年12月31日。"
    assert not any(line[0] in "，。" for line in lines)


@pytest.mark.parametrize("issue", sorted(HEADERS))
@pytest.mark.parametrize("width", _WIDTHS)
def test_any_width_gives_the_same_documents_and_clauses(canonical, issue, width):
    source, text, (documents, clauses) = canonical[issue]
    relaid, layout = relayout(text, source.layout, width, seed=width, header=HEADERS[issue])
    assert relaid != text
    got_documents, got_clauses = parse_issue(relaid, layout, source.name, source.sha256)

    def metadata(docs):
        return {d.doc_id: {k: v for k, v in d.to_dict().items() if k not in _VOLATILE} for d in docs}

    assert metadata(got_documents) == metadata(documents)
    expected = {c.clause_id: _squash(c.text) for c in clauses}
    got = {c.clause_id: _squash(c.text) for c in got_clauses}
    same = sum(1 for clause_id, body in expected.items() if got.get(clause_id) == body)
    assert same >= 0.99 * len(expected), [k for k in expected if got.get(k) != expected[k]][:5]
    assert sum(c.kind == "table_row" for c in got_clauses) == sum(c.kind == "table_row" for c in clauses)
    assert not [c.clause_id for c in got_clauses if re.search(r"</?(?:p|td|tr|br|span|div)\b", c.text)]
    # Page headers and numbers are furniture, never text.
    assert not [c.clause_id for c in got_clauses if any(h in c.text.split("\n") for h in HEADERS[issue])]


_OTHER_CITY = """\
南平市人民政府关于印发南平市
城乡居民临时救助实施办法的通知
南政综〔2024〕12号
各县（市、区）人民政府，市直各单位：
现将《南平市城乡居民临时救助实施办法》印发给你们，请认真贯彻执
行。
南平市人民政府
2024 年 3 月 8 日
南平市城乡居民临时救助实施办法
一、救助对象
（一）因火灾、交通事故等意外事件，家庭财产遭受重大损失，基本生活
暂时出现严重困难的家庭。
（二）因家庭成员患重大疾病，自付医疗费用超过家庭年收入百分之五十
的家庭。
二、救助标准
 市政府文件
 7
救助金额一般不超过当地月最低生活保障标准的6倍，特殊情况可提高至
12倍。
三、附则
本办法自印发之日起施行，有效期5年。原《南平市临时救助暂行办法》
（南政综〔2019〕3号）同时废止。
南平市人民政府令
第15号
南平市电动自行车管理办法
（2024年4月1日南平市人民政府第30次常务会议通过）
市 长 张某某
2024年4月12日
第一条 为了加强电动自行车管理，根据有关法律法规，结合本市实际，制
定本办法。
第二条 电动自行车应当依法登记，取得号牌后方可上道路行驶。
第三条 本办法自2024年6月1日起施行。
"""


def test_a_gazette_from_another_city_in_another_layout_needs_only_a_manifest_entry(tmp_path):
    layout = IssueLayout(issue_id="nanping-2024-02", publisher="南平市人民政府", layout="pdf", furniture=("市政府文件",))
    documents, clauses = parse_issue(_OTHER_CITY, layout, "gazettes/nanping-2024-02.txt", "0" * 64)
    by_id = {d.doc_id: d for d in documents}
    notice = by_id["南政综〔2024〕12号"]
    assert notice.title == "南平市人民政府关于印发南平市城乡居民临时救助实施办法的通知"
    assert (notice.issuer, str(notice.date), str(notice.valid_until)) == ("南平市人民政府", "2024-03-08", "2029-03-07")
    assert notice.repeals == ("南政综〔2019〕3号",)
    order = by_id["南平市人民政府令第15号"]
    assert (order.title, order.issuer, str(order.date), str(order.valid_from)) == ("南平市电动自行车管理办法", "南平市人民政府", "2024-04-12", "2024-06-01")
    texts = {c.clause_id.split("#")[0]: c.text for c in clauses}
    assert _squash(texts["南政综〔2024〕12号/一/（一）"]).endswith("基本生活暂时出现严重困难的家庭。")
    assert _squash(texts["南政综〔2024〕12号/二"]) == "二、救助标准救助金额一般不超过当地月最低生活保障标准的6倍，特殊情况可提高至12倍。"
    assert [k for k in texts if k.startswith("南平市人民政府令第15号/第")] == [f"南平市人民政府令第15号/第{n}条" for n in "一二三"]
    assert not any("市政府文件" in t or "\n7\n" in t for t in texts.values())


def test_an_unknown_layout_is_named():
    from ingest.errors import CorpusError

    layout = replace(IssueLayout(issue_id="x", publisher="y", layout="scan"))
    with pytest.raises(CorpusError, match="unknown layout 'scan'"):
        parse_issue(_OTHER_CITY, layout, "x.txt", "")
