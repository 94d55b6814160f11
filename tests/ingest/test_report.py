"""The ingest report: every source character is in a clause or skipped for a stated reason."""

from __future__ import annotations

import json

import pytest

from cli.main import main
from ingest.corpus import discover, parse
from ingest.report import LONG_CLAUSE, build_report, report_for, warnings
from ingest.types import Clause, Document, Span
from tests.conftest import CORPUS, REGULATIONS


def test_gazette_text_outside_clauses_is_only_furniture_cover_titles_headings_and_headers():
    report = report_for([CORPUS])
    reasons = {s.why for s in report.skipped}
    assert reasons <= {"furniture", "page number", "cover", "title block", "signature", "heading", "table header", "markup"}
    furniture = [s.text for s in report.skipped if s.why in ("furniture", "page number", "cover")]
    assert furniture and not [t for t in furniture if "。" in t]  # page furniture never holds a sentence
    warned = {d["doc_id"]: d["warnings"] for d in report.documents if d["warnings"]}
    # The only anomalies: tables the PDF extraction flattened to one cell per line, flagged as such,
    # except the benefit table, which corpus/tables/ lays out again.
    assert all(w.startswith("表格被拆成一格一行") for ws in warned.values() for w in ws)
    assert any("附件1" in w for w in warned["明政办规〔2023〕6号"])
    assert not any("起付标准" in w for w in warned.get("明政办规〔2023〕5号", []))


def test_skipped_headings_and_headers_are_kept_where_readers_see_them():
    report = report_for([CORPUS])
    headings = [s for s in report.skipped if s.why == "heading"]
    assert any(s.text == "（六）待遇水平。" for s in headings)
    headers = [s for s in report.skipped if s.why == "table header"]
    assert any(s.text.startswith("序号\t事项内容") for s in headers)


@pytest.mark.skipif(not REGULATIONS.is_dir(), reason="../shared/corpora/cn-regulations is not beside the repository")
def test_regulations_lose_nothing_unexplained_and_long_clauses_are_flagged():
    report = report_for([REGULATIONS])
    assert not [s for s in report.skipped if s.why == "unaccounted"]
    for document in report.documents:
        for clause in document["clauses"]:
            if len(clause["text"]) > LONG_CLAUSE:
                assert any(clause["section"] in w for w in document["warnings"]), clause["clause_id"]
    # The known anomalies of the corpus: attachments whose table is missing from the file,
    # and lists laid out one cell per line.
    warnings_by_doc = {d["doc_id"]: d["warnings"] for d in report.documents if d["warnings"]}
    assert any(w.startswith("附件几乎没有正文") for w in warnings_by_doc["印花税暂行条例(2011-01-08)"])
    assert all(w.startswith(("附件几乎没有正文", "表格被拆成一格一行")) for ws in warnings_by_doc.values() for w in ws)
    assert len(warnings_by_doc) <= 6


def _clause(label: str, text: str, kind: str = "article") -> Clause:
    return Clause(f"d/{label}#0", "d", (label,), (label,), text, (Span(0, len(text)),), kind=kind)


def _document(**changes) -> Document:
    fields = dict(
        doc_id="d", title="某条例", doc_number=None, canonical_number=None, issuer="国务院", date=None, kind="行政法规",
        valid_from=None, valid_until=None, validity_note="", repeals=(), attachments=(), source="d.md", source_sha256="",
        span=Span(0, 1), content_hash="",
    )
    fields.update(changes)
    return Document(**fields)


def test_warnings_name_jumps_in_article_numbers_long_clauses_and_unread_dates():
    clauses = [_clause("第一条", "第一条 为了……制定本条例。"), _clause("第三条", "第三条 " + "甲" * (LONG_CLAUSE + 1)), _clause("第四条", "第四条 本条例自公布之日起施行。")]
    found = warnings(_document(), clauses, [], source=None)
    assert any("从第一条跳到第三条" in w for w in found)
    assert any("超过 2,000 字" in w and "第三条" in w for w in found)
    assert any("施行日期" in w and "本条例自公布之日起施行" in w for w in found)
    assert not warnings(_document(valid_from=__import__("datetime").date(2020, 1, 1)), clauses[:1], [], source=None)


def test_dry_run_writes_the_report_contract_and_touches_no_index(tmp_path, capsys):
    index = tmp_path / "index"
    out = tmp_path / "report.json"
    assert main(["ingest", "--corpus", str(CORPUS), "--index", str(index), "--dry-run", "--report", str(out)]) == 0
    assert not index.exists()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["documents"]) == 19
    document = next(d for d in data["documents"] if d["doc_id"] == "闽政〔2022〕23号")
    for key in ("doc_id", "doc_number", "title", "issuer", "date", "valid_from", "valid_until", "kind", "repeals", "source", "warnings", "clauses"):
        assert key in document
    assert document["repeals"] == ["闽政〔2018〕3号"]
    assert {"field": "valid_from", "sentence": document["dates"][1]["sentence"]} in document["dates"]
    assert set(document["clauses"][0]) >= {"clause_id", "section", "kind", "text"}
    assert {"source", "text", "why"} <= set(data["skipped"][0])
    assert "解析：19 份文件" in capsys.readouterr().out


def test_report_to_a_folder_is_refused_before_any_work(tmp_path, capsys):
    assert main(["ingest", "--corpus", str(CORPUS), "--dry-run", "--report", str(tmp_path)]) == 2
    assert "文件夹" in capsys.readouterr().err


def test_build_report_counts_clauses_by_kind_and_tables():
    sources = discover(CORPUS)
    report = build_report((s, parse(s)) for s in sources)
    plan = next(d for d in report.documents if d["doc_id"] == "闽政〔2022〕24号")
    assert plan["tables"] >= 1 and plan["clause_counts"]["table_row"] > 80
    assert plan["longest_clause"]["characters"] < LONG_CLAUSE
