"""The Markdown regulations corpus goes through the same clause model."""

from __future__ import annotations

import re

import pytest

from ingest.cleaning import span_text
from ingest.corpus import discover, parse
from tests.conftest import REGULATIONS

pytestmark = pytest.mark.skipif(not REGULATIONS.is_dir(), reason="../shared/corpora/cn-regulations is not beside the repository")


def test_every_regulation_parses_into_verbatim_clauses():
    sources = discover(REGULATIONS)
    assert len(sources) == 683
    for source in sources:
        result = parse(source)
        text = source.path.read_text(encoding="utf-8")
        assert len(result.documents) == 1 and result.clauses, source.name
        for clause in result.clauses:
            assert span_text(text, clause.spans) == re.sub(r"\s+", "", clause.text), clause.clause_id


def test_articles_match_the_article_lines_of_the_file():
    path = REGULATIONS / "个体工商户条例(2016-02-06).md"
    source = next(s for s in discover(REGULATIONS) if s.path == path)
    result = parse(source)
    printed = re.findall(r"^第[一二三四五六七八九十百]+条", path.read_text(encoding="utf-8"), flags=re.M)
    articles = [c for c in result.clauses if c.kind == "article"]
    assert [c.labels[-1] for c in articles] == printed
    document = result.documents[0]
    assert (document.doc_id, document.title, document.issuer) == ("个体工商户条例(2016-02-06)", "个体工商户条例", "国务院")
    assert document.doc_number == "国务院令第596号"


def test_chapters_appear_in_section_paths():
    path = REGULATIONS / "专利代理条例(2018-11-06).md"
    source = next(s for s in discover(REGULATIONS) if s.path == path)
    clauses = parse(source).clauses
    first = next(c for c in clauses if c.kind == "article")
    assert first.section == "第一章 总则 › 第一条"
