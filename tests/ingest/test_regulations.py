"""The Markdown regulations corpus goes through the same clause model."""

from __future__ import annotations

import re
from datetime import date

import pytest

from ingest.cleaning import span_text
from ingest.corpus import discover, parse
from ingest.numbering import cn_to_int, to_cn
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


def _parsed(name: str):
    return parse(next(s for s in discover(REGULATIONS) if s.path.name == name))


def _article_number(label: str) -> int:
    return cn_to_int(label[1:-1])


def test_article_numbers_run_without_gaps_the_source_does_not_have():
    for source in discover(REGULATIONS):
        result = parse(source)
        numbers = [_article_number(c.labels[-1]) for c in result.clauses if c.kind == "article"]
        text = source.path.read_text(encoding="utf-8")
        expected = list(range(1, max(numbers, default=0) + 1))
        missing = [n for n in expected if n not in numbers]
        for number in missing:  # a gap is only allowed where the file itself has no such article
            assert not re.search(rf"(^|[。；]\s*)第{to_cn(number)}条\s", text, flags=re.M), (source.name, number)
        assert numbers == sorted(numbers), source.name


def test_a_short_article_is_an_article_not_a_heading():
    clauses = _parsed("城镇国有土地使用权出让和转让暂行条例(2020-11-29).md").clauses
    assert any(c.labels[-1] == "第三十二条" and c.text == "第三十二条 土地使用权可以抵押。" for c in clauses)
    clauses = _parsed("血液制品管理条例(2016-02-06).md").clauses
    assert any(c.labels[-1] == "第十九条" and "国家禁止出口原料血浆" in c.text for c in clauses)


def test_articles_run_together_on_one_line_are_separate_clauses():
    result = _parsed("飞行基本规则(2007-10-18).md")
    articles = [c for c in result.clauses if c.kind == "article"]
    assert len(articles) == 124
    assert articles[1].text == "第二条 凡辖有航空器的单位、个人和与飞行有关的人员及其飞行活动，必须遵守本规则。"
    assert articles[1].section == "第一章 总则 › 第二条"


def test_an_attachment_after_the_last_article_is_not_part_of_it():
    clauses = _parsed("导弹及相关物项和技术出口管制条例(2002-08-22).md").clauses
    last = next(c for c in clauses if c.labels[-1] == "第二十四条")
    assert last.text == "第二十四条 本条例自公布之日起施行。"
    annex = [c for c in clauses if c.kind == "annex"]
    assert len(annex) > 20 and max(len(c.text) for c in annex) < 2000
    assert any(c.labels[:2] == ("附件", "一") for c in annex)


def test_a_licence_validity_is_not_the_regulations_own():
    for name in ("化妆品卫生监督条例(2019-03-02).md", "乳品质量安全监督管理条例(2008-10-09).md", "护士条例(2020-03-27).md"):
        assert _parsed(name).documents[0].valid_until is None, name
    assert all(parse(s).documents[0].valid_until is None for s in discover(REGULATIONS))  # none of them states its own end


@pytest.mark.parametrize(
    ("name", "valid_from", "words"),
    [
        ("中药品种保护条例(2018-09-18).md", date(1993, 1, 1), "本条例自一九九三年一月一日起施行"),
        ("劳动就业服务企业管理规定(1990-11-22).md", date(1990, 11, 22), "本规定从发布之日起施行"),
        ("国务院关于在我国统一实行法定计量单位的命令(1984-02-27).md", date(1984, 2, 27), "本命令自发布之日起生效"),
        ("城市维护建设税暂行条例(2011-01-08).md", date(1985, 1, 1), "本条例自1985年度起施行"),
        ("飞行基本规则(2007-10-18).md", date(2001, 8, 1), "本规则自2001年8月1日零时起施行"),
        ("国务院关于在香港特别行政区同时升挂使用国旗区旗的规定(1997-06-05).md", date(1997, 7, 1), "1997年7月1日 施行"),
    ],
)
def test_in_force_dates_in_every_wording(name, valid_from, words):
    document = _parsed(name).documents[0]
    assert document.valid_from == valid_from
    assert words.replace(" ", "") in document.validity_note.replace(" ", "")


def test_order_numbers_of_any_promulgating_body():
    assert _parsed("上海航运交易所管理规定(1996-10-03).md").documents[0].doc_number == "交通部令第8号"
    numbers = [parse(s).documents[0].doc_number for s in discover(REGULATIONS)]
    assert sum(1 for n in numbers if n) >= 520
