"""Rendering of answers and document pages, without a server."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import unquote

from assistant.types import Answer, Citation
from ingest.types import Clause, Document, Span
from ui import render

DOC_ID = "明政办规〔2023〕4号"
CLAUSE_ID = f"{DOC_ID}/四/（五）#1a2b3c4d"


def _citation(**overrides) -> Citation:
    values = dict(
        clause_id=CLAUSE_ID,
        doc_id=DOC_ID,
        doc_number="明政办规〔2023〕4号",
        title="三明市政务服务“好差评”管理办法",
        section="四、工作机制 › （五）差评处理机制",
        quote="对实名差评，要在 2 个工作日内完成整改反馈。",
    )
    values.update(overrides)
    return Citation(**values)


def _answer(*citations: Citation, kind="answer", text="根据《办法》：\n“2 个工作日内完成整改反馈。”") -> Answer:
    return Answer(question="差评多久内要完成整改反馈？", kind=kind, answer=text, citations=citations)


def _document(**overrides) -> Document:
    values = dict(
        doc_id=DOC_ID,
        title="三明市政务服务“好差评”管理办法",
        doc_number="明政办规〔2023〕4号",
        canonical_number="明政办规〔2023〕4号",
        issuer="三明市人民政府办公室",
        date=date(2023, 3, 1),
        kind="办法",
        valid_from=date(2023, 4, 1),
        valid_until=date(2028, 3, 31),
        validity_note="",
        repeals=(),
        attachments=(),
        source="gazettes/2023-04.md",
        source_sha256="0" * 64,
        span=Span(0, 10),
        content_hash="abcd1234",
    )
    values.update(overrides)
    return Document(**values)


def _clause(labels, path, text, ordinal, doc_id=DOC_ID) -> Clause:
    return Clause(
        clause_id=f"{doc_id}/{'/'.join(labels)}#{ordinal:08x}",
        doc_id=doc_id,
        labels=tuple(labels),
        path=tuple(path),
        text=text,
        spans=(Span(0, 1),),
        ordinal=ordinal,
    )


class _Tags(HTMLParser):
    """Collects (tag, attrs) pairs and the text, to check the HTML is well formed enough to parse."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def _parse(markup: str) -> _Tags:
    parser = _Tags()
    parser.feed(markup)
    parser.close()
    return parser


# -- anchors and links ----------------------------------------------------------


def test_clause_anchor_is_stable_and_url_safe():
    first = render.clause_anchor(CLAUSE_ID)
    assert first == render.clause_anchor(CLAUSE_ID)
    assert re.fullmatch(r"[a-z][a-z0-9-]*", first)
    assert render.clause_anchor(CLAUSE_ID + "x") != first


def test_doc_url_encodes_chinese_and_brackets():
    url = render.doc_url(DOC_ID, CLAUSE_ID)
    path, anchor = url.split("#")
    assert path == "/doc/" + "%E6%98%8E%E6%94%BF%E5%8A%9E%E8%A7%84%E3%80%942023%E3%80%954%E5%8F%B7"
    assert unquote(path) == f"/doc/{DOC_ID}"
    assert anchor == render.clause_anchor(CLAUSE_ID)
    assert url.isascii()
    assert render.doc_url("a/b c") == "/doc/a%2Fb%20c"


# -- answers --------------------------------------------------------------------


def test_citation_box_has_summary_quote_and_link():
    markup = render.answer_html(_answer(_citation()))
    parsed = _parse(markup)
    tags = [t for t, _ in parsed.tags]
    assert "details" in tags and "summary" in tags and "blockquote" in tags
    summary = re.search(r"<summary>(.*?)</summary>", markup).group(1)
    assert summary.startswith('<span class="source-number">[1]</span> ')
    assert "《三明市政务服务“好差评”管理办法》" in summary
    assert "明政办规〔2023〕4号" in summary
    assert "（五）差评处理机制" in summary
    links = [a for t, a in parsed.tags if t == "a"]
    assert links == [
        {"href": render.doc_url(DOC_ID, CLAUSE_ID, _citation().quote), "target": "_blank", "rel": "noopener"}
    ]
    assert "查看原文" in parsed.text


def test_quote_is_verbatim_and_escaped():
    quote = "凡<p>标签</p>与 A&B 公司、\"引号\"及 <script>alert(1)</script> 均原样显示"
    markup = render.answer_html(_answer(_citation(quote=quote)))
    assert "<p>" not in markup and "<script>" not in markup
    assert "&lt;p&gt;标签&lt;/p&gt;" in markup
    assert "A&amp;B" in markup
    blockquote = re.search(r"<blockquote>(.*?)</blockquote>", markup).group(1)
    assert _parse(blockquote).text == quote  # unescaped by a browser, it is the quote exactly


def test_title_and_section_are_escaped():
    markup = render.answer_html(_answer(_citation(title="A<b>&", section="一、<i>x</i>")))
    summary = re.search(r"<summary>(.*?)</summary>", markup).group(1)
    assert summary.endswith("《A&lt;b&gt;&amp;》 明政办规〔2023〕4号 · 一、&lt;i&gt;x&lt;/i&gt;")


def test_citation_without_number_or_section():
    assert render.citation_summary(_citation(doc_number=None, section="")) == "《三明市政务服务“好差评”管理办法》"


def test_answer_text_keeps_lines_and_has_no_blank_line():
    markup = render.answer_html(_answer(_citation(), _citation(clause_id=CLAUSE_ID + "2"), text="第一行\n\n第二行 <b>\n"))
    assert "第一行<br>第二行 &lt;b&gt;" in markup
    assert "\n\n" not in markup  # one HTML block: Markdown leaves it alone
    assert markup.count("<details") == 2


def test_not_found_shows_text_and_no_citations():
    text = "已收录的文件中没有找到能回答这个问题的条款。\n最接近的条款是（仅供参考，未必相关）：\n· 《甲》 一、"
    markup = render.answer_html(_answer(kind="not_found", text=text))
    assert "<details" not in markup
    assert "answer-not_found" in markup
    assert _parse(markup).text == "未找到" + text.replace("\n", "")
    assert markup.count("<br>") == 2


def test_user_and_plain_messages_are_escaped():
    assert render.user_html("<img src=x onerror=alert(1)>") == '<div class="user-text">&lt;img src=x onerror=alert(1)&gt;</div>'
    assert "&amp;" in render.message_html("A&B")


# -- the document page ------------------------------------------------------------


def test_document_page_lists_metadata_and_every_clause_in_order():
    clauses = [
        _clause(["一"], ["一、总则"], "第一条内容。", 1),
        _clause(["四", "（五）"], ["四、工作机制", "（五）差评处理机制"], "在 2 个工作日内完成整改反馈 & <回访>。", 2),
    ]
    page = render.document_page(_document(), clauses)
    parsed = _parse(page)
    assert page.startswith("<!DOCTYPE html>")
    for expected in ("三明市政务服务“好差评”管理办法", "明政办规〔2023〕4号", "三明市人民政府办公室", "2023-03-01", "2023-04-01 起至 2028-03-31"):
        assert expected in parsed.text
    ids = [a["id"] for t, a in parsed.tags if t == "section"]
    assert ids == [render.clause_anchor(c.clause_id) for c in clauses]
    assert "四、工作机制 › （五）差评处理机制" in parsed.text
    assert "在 2 个工作日内完成整改反馈 & <回访>。" in parsed.text
    assert "&lt;回访&gt;" in page
    assert ":target" in page
    assert parsed.text.index("第一条内容") < parsed.text.index("完成整改反馈")


def test_document_page_escapes_metadata():
    page = render.document_page(_document(title="<script>x</script>", issuer="A&B", doc_number=None), [])
    assert "<script>x" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "A&amp;B" in page


def test_validity_text_variants():
    assert render.validity_text(_document(valid_from=None, valid_until=None)) == "未载明"
    assert render.validity_text(_document(valid_until=None)) == "2023-04-01 起施行，未载明截止日期"
    assert render.validity_text(_document(valid_from=None, validity_note="有效期5年")) == "有效期至 2028-03-31（有效期5年）"


def test_not_found_page_is_chinese_and_escaped():
    page = render.not_found_page("<x>〔2099〕")
    assert "未找到该文件" in page
    assert "&lt;x&gt;〔2099〕" in page


# -- the chat handler's formatting of replies and errors (no server) -------------------


class _FakeAssistant:
    validity = None  # the forms read the configured corpus

    def __init__(self, result=None, error=None):
        from assistant import settings

        self.result, self.error, self.calls = result, error, []
        self.config = settings.load({}, environ={})  # the app opens its feedback store from it (no file until a rating)
        self.index = type("Index", (), {"documents": {DOC_ID: _document()}})()  # the opening message counts documents

    def ask(self, question, history=None, as_of=None):
        self.calls.append((question, history, as_of))
        if self.error:
            raise self.error
        return self.result


def test_reply_passes_history_and_date_and_renders_answer():
    from assistant.types import Turn
    from ui.app import _reply

    fake = _FakeAssistant(result=_answer(_citation()))
    turns = [{"role": "user", "text": "第一阶段呢？", "html": "x"}, {"role": "assistant", "text": "答", "html": "y"}]
    text, markup, answer = _reply(fake, "那第二阶段呢？", "2024-09-13", turns)
    assert answer == _answer(_citation())
    assert fake.calls == [("那第二阶段呢？", [Turn("user", "第一阶段呢？"), Turn("assistant", "答")], date(2024, 9, 13))]
    assert text == _answer().answer
    assert markup == render.answer_html(_answer(_citation()))


def test_reply_defaults_to_today_and_rejects_bad_dates():
    from ui.app import _reply

    fake = _FakeAssistant(result=_answer())
    _reply(fake, "问", "  ", [])
    assert fake.calls[0][2] == date.today()
    text, markup, answer = _reply(fake, "问", "2024-13-45", [])
    assert answer is None
    assert "2024-13-45" in text and "年" in text and "-" in text  # says which forms it reads
    assert len(fake.calls) == 1
    _reply(fake, "问", "2024年6月1日", [])
    _reply(fake, "问", "2024/6/1", [])
    assert [call[2] for call in fake.calls[1:]] == [date(2024, 6, 1), date(2024, 6, 1)]


def test_reply_shows_user_errors_and_hides_tracebacks(capsys):
    from assistant.errors import AssistantError, IndexMissingError
    from ui.app import APOLOGY, _reply

    for error in (AssistantError("设置有误：<x>"), IndexMissingError("索引不存在，请先运行 ingest")):
        text, markup, _ = _reply(_FakeAssistant(error=error), "问", "", [])
        assert text == str(error)
        assert html.escape(str(error)) in markup
    text, markup, _ = _reply(_FakeAssistant(error=RuntimeError("secret internals")), "问", "", [])
    assert text == APOLOGY and "secret" not in markup and "Traceback" not in markup
    assert "RuntimeError: secret internals" in capsys.readouterr().err


def test_document_page_says_when_a_table_could_not_be_rebuilt():
    from dataclasses import replace

    flat = replace(_clause(["二"], ["二、待遇"], "责任一\n责任二\n150万元", 1), flags=("table_not_recovered",))
    plain = _clause(["三"], ["三、保障"], "加强保障。", 2)
    text = _parse(render.document_page(_document(), [flat, plain])).text
    assert text.count("行列未能还原") == 1
    assert text.index("行列未能还原") < text.index("责任一")


def test_a_laid_out_table_is_shown_as_a_grid_with_the_text_around_it():
    from dataclasses import replace

    from ingest.types import TableCell, TableGrid

    text = "费用如下：\n责任一\n150万元\n其余不变。"
    grid = TableGrid(rows=((TableCell("责任一", header=True, cols=2),), (TableCell("150万元"), TableCell("/"))), start=6, end=15, note="此格原文只印一格。")
    clause = replace(_clause(["二"], ["二、待遇"], text, 1), table=grid, flags=("table_laid_out",))
    markup = render.document_page(_document(), [clause], quoted="150万元")
    page = _parse(markup)
    assert [attrs.get("colspan") for tag, attrs in page.tags if tag == "th"] == ["2"]
    assert re.findall(r"<td[^>]*>(.*?)</td>", markup) == ['<mark class="quoted">150万元</mark>', "/"]
    text = page.text
    assert text.index("费用如下") < text.index("按公报原件的版式重新排列") < text.index("责任一") < text.index("其余不变")
    assert "此格原文只印一格。" in text and "行列未能还原" not in text
    assert re.search(r'<div class="table" tabindex="0" role="region"[^>]*><table', markup)


# -- answer states and the sources panel ---------------------------------------------


def _with(answer: Answer, **changes) -> Answer:
    from dataclasses import replace

    return replace(answer, **changes)


def test_each_kind_of_reply_shows_its_state_in_words():
    cases = [
        (_with(_answer(_citation()), confidence=0.91), "回答", "把握较大"),
        (_with(_answer(_citation()), confidence=0.62), "部分回答", "把握一般"),
        (_with(_answer(_citation()), confidence=0.31), "部分回答", "把握较小"),
        (_answer(kind="calculation", text="计算结果：33,600 元"), "计算结果", "实际以经办机构核定为准"),
        (_answer(kind="clarify", text="请问被保人有这类病史吗？"), "需要补充信息", "补充一项信息"),
        (_with(_answer(kind="not_found", text="已收录的文件中没有找到能回答这个问题的条款。"), confidence=0.2), "未找到", "没有涉及"),
    ]
    for answer, label, words in cases:
        parsed = _parse(render.answer_html(answer))
        assert parsed.text.startswith(label), (label, parsed.text)
        assert words in parsed.text
    assert "91%" in _parse(render.answer_html(cases[0][0])).text


def test_sources_are_listed_once_numbered_and_marked_where_the_answer_names_them():
    other = _citation(clause_id=CLAUSE_ID + "b", section="四、工作机制 › （六）监督考核", quote="纳入绩效考核。")
    text = "根据《办法》四、工作机制 › （五）差评处理机制：\n“2 个工作日内完成整改反馈。”"
    markup = render.answer_html(_answer(_citation(), _citation(), other, _citation(), text=text))
    assert markup.count("<details") == 2  # the same clause cited three times is one source
    assert "依据（2 处）" in markup
    assert "（五）差评处理机制<sup class=\"marker\">[1]</sup>" in markup
    numbers = re.findall(r'<span class="source-number">\[(\d)\]</span>', markup)
    assert numbers == ["1", "2"]


def test_a_refusal_links_its_nearest_clauses():
    from assistant.types import Retrieved

    nearest = [Retrieved(CLAUSE_ID, DOC_ID, "明政办规〔2023〕4号", "三明市人民政府办公室关于印发甲方案的通知", "四、工作机制", 0.4, "…")]
    text = "已收录的文件中没有找到能回答这个问题的条款。\n最接近的条款是（仅供参考，未必相关）：\n· 《甲》 四、工作机制"
    markup = render.answer_html(_with(_answer(kind="not_found", text=text), retrieved=tuple(nearest), confidence=0.2))
    parsed = _parse(markup)
    links = [a["href"] for t, a in parsed.tags if t == "a"]
    assert links == [render.doc_url(DOC_ID, CLAUSE_ID)]
    assert "《甲方案》 明政办规〔2023〕4号 · 四、工作机制" in parsed.text
    assert parsed.text.count("最接近的条款") == 1


def test_a_reply_keeps_exactly_what_its_rating_stores():
    from ui.app import RATED_FIELDS, _rated

    rated = _rated(_answer(_citation(), _citation()), "问", "2024年6月1日")
    assert set(rated) == set(RATED_FIELDS)
    assert rated["clause_ids"] == (CLAUSE_ID,) and rated["as_of"] == "2024-06-01"


def test_a_calculation_shows_what_it_understood_right_under_the_value():
    from dataclasses import replace

    answer = replace(
        _answer(kind="calculation", text="（按 2024 年度计算）\n计算结果：33,600 元\n计算过程：\n1. 第一步"),
        understood=(("医保报销后自付", "38,600 元"), ("特定既往症", "无")),
        restated="住院自付3.86万 没有",
    )
    markup = render.answer_html(answer)
    assert markup.index("计算结果：33,600 元") < markup.index("医保报销后自付：38,600 元") < markup.index("计算过程")
    assert "\n\n" not in markup


def test_copy_gives_plain_text_with_the_sources():
    from html.parser import HTMLParser

    markup = render.answer_html(_answer(_citation(quote="2 个工作日内\n完成整改<b>")))

    class Plain(HTMLParser):
        found = None

        def handle_starttag(self, tag, attrs):
            self.found = dict(attrs).get("data-plain", self.found)

    parser = Plain()
    parser.feed(markup)
    assert parser.found.splitlines() == [
        "根据《办法》：", "“2 个工作日内完成整改反馈。”", "", "依据：",
        "[1] 《三明市政务服务“好差评”管理办法》 明政办规〔2023〕4号 · 四、工作机制 › （五）差评处理机制", "“2 个工作日内 完成整改<b>”",
    ]
    assert "<b>" not in markup.split("data-plain=", 1)[1].split('"', 2)[1]


def test_quick_replies_are_offered_only_under_the_last_reply():
    from assistant.calculators.result import Clarification
    from ui.app import EDIT, _messages, _offered

    asked = Answer("问", "clarify", "有既往症吗？", clarification=Clarification("preexisting", "有既往症吗？", ("有", "没有")))
    turns = [{"role": "user", "text": "问", "html": "问"}, {"role": "assistant", "text": "有既往症吗？", "html": "x", **_offered(asked)}]
    assert _messages(turns)[-1]["options"] == [{"value": v, "label": v} for v in ("有", "没有")]
    later = turns + [{"role": "user", "text": "有", "html": "有"}]
    assert all("options" not in m for m in _messages(later))
    computed = Answer("问", "calculation", "计算结果：1 元", restated="问 有")
    assert _offered(computed) == {"options": [EDIT], "restated": "问 有"}
    assert _offered(_answer()) == {}
