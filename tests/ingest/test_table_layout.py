"""Flattened tables laid out from the printed page: checked cell by cell against the clause text."""

from __future__ import annotations

import shutil

import pytest
import yaml

from ingest.corpus import discover, parse
from ingest.errors import CorpusError
from ingest.table_layout import NOT_RECOVERED, TableLayout, check_against, load_layouts
from ingest.types import Clause, TableCell
from tests.conftest import CORPUS

TEXT = "费用如下：\n保险\n责任\n责任一 责任二\n年免赔额 0.5万元 2万元\n赔\n偿\n比\n例\n100% 70%\n其余不变。"
ROWS = [
    [{"th": "保险责任"}, {"th": "责任一"}, {"th": "责任二"}],
    [{"th": "年免赔额"}, "0.5万元", "2万元"],
    [{"th": "赔偿比例"}, "100%", "70%"],
]


def _layout(rows=ROWS, tmp_path=None, **entry) -> TableLayout:
    path = tmp_path / "tables.yaml"
    path.write_text(yaml.safe_dump({"tables": [{"document": "某〔2023〕1号", "section": "二、待遇", "rows": rows, **entry}]}, allow_unicode=True), encoding="utf-8")
    return load_layouts(path)[0]


def test_a_layout_finds_every_cell_and_where_the_table_stands_in_the_text(tmp_path):
    grid = check_against(_layout(tmp_path=tmp_path, note="第二行原文只印两格。"), TEXT)
    assert TEXT[: grid.start] == "费用如下：\n" and TEXT[grid.end :] == "\n其余不变。"
    assert grid.rows[0][0] == TableCell("保险责任", header=True)
    assert grid.note == "第二行原文只印两格。"


def test_a_cell_not_in_the_text_is_named(tmp_path):
    rows = [ROWS[0], [{"th": "年免赔额"}, "0.5万元", "3万元"], ROWS[2]]
    with pytest.raises(CorpusError, match="'3万元' is not in the clause's text"):
        check_against(_layout(rows, tmp_path), TEXT)


def test_a_cell_used_more_often_than_the_text_prints_it_is_refused(tmp_path):
    rows = [ROWS[0], [{"th": "年免赔额"}, "2万元", "2万元"], ROWS[2]]
    with pytest.raises(CorpusError, match="'2万元' is in the text 1 time"):
        check_against(_layout(rows, tmp_path), TEXT)


def test_words_of_the_table_left_out_of_every_cell_are_named(tmp_path):
    rows = [ROWS[0], [{"th": "年免赔额", "cols": 2}, "2万元"], ROWS[2]]
    with pytest.raises(CorpusError, match=r"words of the table are in no cell: \['0.5万元'\]"):
        check_against(_layout(rows, tmp_path), TEXT)


def test_a_short_cell_does_not_take_the_place_of_a_longer_one():
    text = "比例\nB类50%\n50%"
    layout = TableLayout("d", "s", ((TableCell("50%"), TableCell("B类50%")),), where="t")
    grid = check_against(layout, text)
    assert (grid.start, grid.end) == (3, len(text))


@pytest.mark.parametrize(
    "rows, message",
    [
        ([[{"th": "甲", "rows": 2}, "乙"], ["丙", "丁"]], "rows must be equally wide"),
        ([["甲", "乙"], [{"td": "丙", "rows": 2}, "丁"]], "a span reaches row 3 of 2"),
        ([["甲", {"td": "乙", "cols": 0}]], "whole numbers from 1"),
        ([["甲", {"th": "乙", "td": "丙"}]], "exactly one of 'th'/'td'"),
        ([["甲", {"td": "  "}]], "a cell has no text"),
        ("甲乙", "must be a list of non-empty lists"),
    ],
)
def test_a_malformed_grid_is_refused_with_where_it_is(tmp_path, rows, message):
    with pytest.raises(CorpusError, match=message) as raised:
        _layout(rows, tmp_path)
    assert "table 1" in str(raised.value)


def test_the_benefit_table_of_the_sanming_issue_is_laid_out(parsed):
    _, clauses, _ = parsed
    (clause,) = [c for c in clauses if c.table]
    assert clause.doc_id.startswith("明政办规〔2023〕5号") and clause.section.endswith("2. 起付标准")
    assert NOT_RECOVERED not in clause.flags and "table_laid_out" in clause.flags
    assert clause.text[clause.table.start :].startswith("保险\n责任")
    assert clause.text[: clause.table.start].endswith("报销比例如下：\n")
    heads = {c.text for row in clause.table.rows for c in row if c.header}
    assert {"保险金额", "年免赔额", "赔偿比例", "特定既往症人群"} <= heads
    # The clause text and its quotes stay what the gazette prints.
    assert Clause.from_dict(clause.to_dict()) == clause


def test_a_layout_whose_section_no_longer_exists_says_which_sections_hold_tables(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    path = corpus / "tables" / "sanming-2023-04.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2. 起付标准", "2. 起付线"), encoding="utf-8")
    sanming = discover(corpus)[0]
    with pytest.raises(CorpusError, match=r"have the section .*2\. 起付线.* Sections there that hold tables: .*2\. 起付标准"):
        parse(sanming)


def test_a_manifest_naming_a_missing_layout_file_is_refused(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "tables" / "sanming-2023-04.yaml").unlink()
    with pytest.raises(CorpusError, match="table-layout file named in the manifest does not exist"):
        discover(corpus)
