"""Pure formatting for the web chat: answers as chat HTML, documents as a page, clause anchors.

Nothing here decides anything: it turns an ``Answer`` or a ``Document`` into escaped HTML,
so it can be tested without a server or a browser.

Chat messages are rendered by Gradio's Markdown pipeline. Every message built here is one
HTML block with no blank line in it, so Markdown leaves its inside alone, and all text from
the corpus or the user goes through ``html.escape`` first.
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import date
from urllib.parse import quote

from assistant.types import Answer, Citation
from ingest.types import Clause, Document, TableCell

DOC_ROUTE = "/doc"


def clause_anchor(clause_id: str) -> str:
    """A stable, URL-safe HTML id for a clause (ASCII letters, digits and '-').

    >>> clause_anchor("明政办规〔2023〕4号/四/（五）#1a2b3c4d")
    'clause-b1e1f0d803a85410'
    """
    return "clause-" + hashlib.sha256(clause_id.encode("utf-8")).hexdigest()[:16]


QUOTE_IN_URL = 300  # characters of a quote a link carries for the page to highlight


def doc_url(doc_id: str, clause_id: str | None = None, quoted: str | None = None) -> str:
    """Link to a document's page (``/doc/<url-encoded id>``), optionally at one clause and
    with the quoted words to highlight in it (``?hl=``).

    >>> doc_url("闽政〔2022〕24号", "c", "2个工作日")
    '/doc/%E9%97%BD%E6%94%BF%E3%80%942022%E3%80%9524%E5%8F%B7?hl=2%E4%B8%AA%E5%B7%A5%E4%BD%9C%E6%97%A5#clause-2e7d2c03a9507ae2'
    """
    url = f"{DOC_ROUTE}/{quote(doc_id, safe='')}"
    if quoted and quoted.strip():
        url += "?hl=" + quote(" ".join(quoted.split())[:QUOTE_IN_URL], safe="")
    return f"{url}#{clause_anchor(clause_id)}" if clause_id else url


def marked_html(text: str, quoted: str | None) -> str:
    """A clause's text as HTML with the quoted words in <mark> (found whatever the whitespace;
    unmarked when the clause does not hold them).

    A quote that starts or ends with a digit matches whole numbers only: "2万元" is not marked
    inside "12万元".

    >>> marked_html("在 2 个工作日内\\n完成整改。", "2个工作日内完成")
    '在 <mark class="quoted">2 个工作日内<br>完成</mark>整改。'
    >>> marked_html("封顶12万元；达到30%的封顶2万元。", "2万元")
    '封顶12万元；达到30%的封顶<mark class="quoted">2万元</mark>。'
    """
    chars = [re.escape(ch) for ch in re.sub(r"\s+", "", quoted or "")]
    pattern = r"\s*".join(chars)
    if chars and chars[0][-1].isdigit():
        pattern = r"(?<![\d.])" + pattern
    if chars and chars[-1][-1].isdigit():
        pattern += r"(?![\d.]\d)"
    found = re.search(pattern, text) if chars else None
    if found is None:
        return text_html(text)
    inside = "<br>".join(html.escape(line) for line in found.group(0).split("\n"))
    before, after = text_html(text[: found.start()] + "\x00").removesuffix("\x00"), text_html("\x00" + text[found.end() :]).removeprefix("\x00")
    return f'{before}<mark class="quoted">{inside}</mark>{after}'


def text_html(text: str) -> str:
    """Escaped text with line breaks kept (and no blank lines, so Markdown leaves it alone)."""
    lines = [html.escape(line) for line in text.strip().splitlines() if line.strip()]
    return "<br>".join(lines)


def user_html(question: str) -> str:
    """The user's question as shown in the chat."""
    return f'<div class="user-text">{text_html(question) or "&nbsp;"}</div>'


def short_title(title: str) -> str:
    """What people call a document: the plan a notice issues, without "…关于印发" and "的通知".

    >>> short_title("三明市人民政府办公室关于印发2024年三明市全民健康商业补充医疗保险实施方案的通知")
    '2024年三明市全民健康商业补充医疗保险实施方案'
    >>> short_title("福建省地方政府储备粮安全管理办法")
    '福建省地方政府储备粮安全管理办法'
    """
    if "关于印发" in title:
        issued = title.split("关于印发", 1)[1]
        issued = issued[: -len("的通知")] if issued.endswith("的通知") else issued
        return issued.strip("《》") or title
    return title


def coverage_text(documents: list[Document]) -> str:
    """The opening words of the chat: what is covered, and what an answer is and is not.

    >>> from ingest.types import Span
    >>> d = lambda i, day, kind: Document(i, "t", None, None, "x", day, kind, None, None, "", (), (), "s", "", Span(0, 1), "")
    >>> print(coverage_text([d("a", date(2022, 8, 8), "通知"), d("b", date(2023, 7, 12), "通知"), d("c", date(1994, 1, 1), "行政法规")]))
    您好！我根据已收录的 3 份文件回答政策问题：2 份政府公报文件（2022-08-08 至 2023-07-12）、1 部国务院行政法规。每个回答都引用原文条款，点开可核对出处；回答仅供参考，不能代替主管部门的正式答复。请在下方输入问题，或点一个示例问题。
    """
    gazette = [d for d in documents if d.kind not in ("行政法规", "说明")]  # a note the gazette prints is no document
    regulations = [d for d in documents if d.kind == "行政法规"]
    parts = []
    if gazette:
        dates = sorted(d.date for d in gazette if d.date)
        span = f"（{dates[0].isoformat()} 至 {dates[-1].isoformat()}）" if dates else ""
        parts.append(f"{len(gazette)} 份政府公报文件{span}")
    if regulations:
        parts.append(f"{len(regulations)} 部国务院行政法规")
    return (
        f"您好！我根据已收录的 {len(gazette) + len(regulations)} 份文件回答政策问题：{'、'.join(parts)}。"
        "每个回答都引用原文条款，点开可核对出处；回答仅供参考，不能代替主管部门的正式答复。"
        "请在下方输入问题，或点一个示例问题。"
    )


def citation_summary(citation: Citation) -> str:
    """The one-line label of a source: 《short title》 number · section."""
    return citation_summary_of(citation.title, citation.doc_number, citation.section)


def citation_summary_of(title: str, doc_number: str | None, section: str) -> str:
    """《short title》 number · section, from its parts."""
    number = f" {doc_number}" if doc_number else ""
    return f"《{short_title(title)}》{number}" + (f" · {section}" if section else "")


def citation_html(citation: Citation, number: int | None = None) -> str:
    """One source as a collapsible box: [n] label, the verbatim quote, a link to the clause in its document."""
    marker = f'<span class="source-number">[{number}]</span> ' if number is not None else ""
    return (
        '<details class="citation">'
        f"<summary>{marker}{html.escape(citation_summary(citation))}</summary>"
        f"<blockquote>{text_html(citation.quote)}</blockquote>"
        f'<a href="{html.escape(doc_url(citation.doc_id, citation.clause_id, citation.quote))}" target="_blank" rel="noopener">查看原文</a>'
        "</details>"
    )


# The state of a reply as a citizen reads it: (css key, label).
STATES = {
    "answer": ("answer", "回答"),
    "partial": ("partial", "部分回答"),
    "calculation": ("calculation", "计算结果"),
    "clarify": ("clarify", "需要补充信息"),
    "not_found": ("not_found", "未找到"),
}
SURE = 0.8  # below this calibrated confidence an answer opens with "不太确定" (``assistant.answering``)


def answer_state(answer: Answer) -> tuple[str, str]:
    """回答 / 部分回答 / 计算结果 / 需要补充信息 / 未找到 for one reply."""
    if answer.kind == "answer" and answer.confidence is not None and answer.confidence < SURE:
        return STATES["partial"]
    return STATES.get(answer.kind, STATES["answer"])


def confidence_words(answer: Answer) -> str:
    """How sure the assistant is, in words (the calibrated confidence of ``ask --json``)."""
    if answer.kind == "calculation":
        return "按文件规定的数值计算，实际以经办机构核定为准"
    if answer.kind == "clarify":
        return "回答前需要您补充一项信息"
    if answer.confidence is None:
        return ""
    if answer.kind == "not_found":
        return "已收录的文件似乎没有涉及这个问题，下面的条款只是字面上最接近的"
    percent = f"（{round(answer.confidence * 100)}%）"
    if answer.confidence >= SURE:
        return "把握较大，引用的原文可核对" + percent
    if answer.confidence >= 0.5:
        return "把握一般，请核对原文" + percent
    return "把握较小，仅供参考，请核对原文" + percent


def sources(answer: Answer) -> list[Citation]:
    """The answer's sources, each clause once, in the order first cited."""
    seen: dict[str, Citation] = {}
    for citation in answer.citations:
        seen.setdefault(citation.clause_id, citation)
    return list(seen.values())


_NEAREST = "最接近的条款"


def answer_html(answer: Answer) -> str:
    """An assistant reply: its state and how sure it is, the answer with numbered source
    markers, then one de-duplicated list of sources (a refusal links its nearest clauses)."""
    key, label = answer_state(answer)
    words = confidence_words(answer)
    badge = f'<div class="state state-{key}"><span class="state-label">{label}</span>' + (
        f'<span class="state-words">{html.escape(words)}</span></div>' if words else "</div>"
    )
    cited = sources(answer)
    text = answer.answer
    nearest = ""
    if answer.kind == "not_found" and answer.retrieved and _NEAREST in text:
        text = text.split(_NEAREST, 1)[0].rstrip("\n")
        links = "".join(
            f'<li><a href="{html.escape(doc_url(r.doc_id, r.clause_id))}" target="_blank" rel="noopener">'
            f"{html.escape(citation_summary(Citation(r.clause_id, r.doc_id, r.doc_number, r.title, r.section, '')))}</a></li>"
            for r in answer.retrieved[:3]
        )
        nearest = f'<div class="nearest">{_NEAREST}（仅供参考，未必相关）：<ol>{links}</ol></div>'
    body = text_html(text)
    for number, citation in enumerate(cited, start=1):
        if citation.section:  # the marker goes where the answer names the clause
            named = html.escape(citation.section)
            if named in body and f"{named} [" not in body:
                body = body.replace(named, f'{named}<sup class="marker">[{number}]</sup>', 1)
    if answer.understood:  # right under the value: what it was computed from, before the steps
        lines = body.split("<br>")
        at = next((i for i, line in enumerate(lines) if line.startswith("计算结果")), 0) + 1
        body = "<br>".join(lines[:at]) + understood_html(answer) + "<br>".join(lines[at:])
    parts = [badge, f'<div class="answer-text answer-{html.escape(answer.kind)}">{body}</div>', nearest]
    if cited:
        parts.append(
            f'<div class="citations"><div class="sources-title">依据（{len(cited)} 处）</div>'
            + "".join(citation_html(c, number) for number, c in enumerate(cited, start=1))
            + "</div>"
        )
    # What the copy button puts on the clipboard (``ui.app.PLAIN_COPY`` reads it): text, not markup.
    plain = html.escape(plain_text(answer), quote=True).replace("\n", "&#10;")  # one line: Markdown leaves the block alone
    parts.append(f'<div class="plain" hidden data-plain="{plain}"></div>')
    return "".join(parts)


def understood_html(answer: Answer) -> str:
    """A calculation's inputs as the assistant read them, to check (and correct with 修改条件)."""
    if not answer.understood:
        return ""
    items = "".join(f"<li>{html.escape(label)}：{html.escape(value)}</li>" for label, value in answer.understood)
    return f'<div class="understood"><div class="understood-title">按以下情况计算（不对可点“修改条件”改后重算）：</div><ul>{items}</ul></div>'


def plain_text(answer: Answer) -> str:
    """The reply as plain text with its sources: what a copy should give.

    >>> print(plain_text(Answer("问", "answer", "差评2个工作日内整改。", (Citation("c", "d", "明政办规〔2023〕4号", "三明市政务服务“好差评”管理办法", "四、（五）", "2个工作日内整改"),))))
    差评2个工作日内整改。
    <BLANKLINE>
    依据：
    [1] 《三明市政务服务“好差评”管理办法》 明政办规〔2023〕4号 · 四、（五）
    “2个工作日内整改”
    """
    lines = [answer.answer.strip()]
    if answer.understood:
        lines += ["", "按以下情况计算："] + [f"· {label}：{value}" for label, value in answer.understood]
    cited = sources(answer)
    if cited:
        lines += ["", "依据："]
        for number, citation in enumerate(cited, start=1):
            lines += [f"[{number}] {citation_summary(citation)}", f"“{' '.join(citation.quote.split())}”"]
    return "\n".join(lines)


def message_html(text: str) -> str:
    """A plain message from the assistant (an error or a notice), escaped."""
    return f'<div class="answer-text answer-message">{text_html(text)}</div>'


# -- the document page --------------------------------------------------------

_PAGE_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.8; color: #1f2328; }
h1 { font-size: 1.5rem; line-height: 1.5; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; background: #f6f8fa;
          padding: .8rem 1rem; border-radius: 6px; }
dl.meta dt { color: #57606a; }
dl.meta dd { margin: 0; }
section.clause { padding: .4rem .8rem; margin: .6rem 0; border-left: 3px solid transparent; scroll-margin-top: 1rem; }
section.clause h2 { font-size: 1rem; margin: 0; color: #57606a; }
a.permalink { color: #57606a; text-decoration: none; font-weight: 400; }
a.permalink:hover, a.permalink:focus { color: #0969da; text-decoration: underline; }
section.clause p { margin: .2rem 0 0; }
section.clause:target, tr.clause:target { background: #fff8c5; border-left-color: #d4a72c; }
mark.quoted { background: #ffd33d; color: inherit; padding: 0 .1em; border-radius: 2px; }
details.contents { background: #f6f8fa; padding: .4rem 1rem; border-radius: 6px; margin: .8rem 0; }
details.contents summary { cursor: pointer; font-weight: 600; }
section.table, div.table { margin: .8rem 0; overflow-x: auto; }
section.table h2 { font-size: 1rem; color: #57606a; }
table.rows { border-collapse: collapse; font-size: .9rem; }
table.rows th, table.rows td { border: 1px solid #d0d7de; padding: .25rem .45rem; vertical-align: top; text-align: left; }
table.rows th { background: #f6f8fa; }
tr.clause { scroll-margin-top: 1rem; }
nav a { color: #0969da; }
table.library { border-collapse: collapse; width: 100%; font-size: .95rem; }
table.library th, table.library td { border-bottom: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.library th { background: #f6f8fa; }
"""


_NAV = '<nav aria-label="页面导航"><a href="/">← 返回问答</a> · <a href="/doc/">全部文件</a></nav>'


def _page(title: str, main: str) -> str:
    """A whole page: the navigation, then everything else in its one <main> landmark."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_PAGE_CSS}</style></head>\n"
        f"<body>\n{_NAV}\n<main>\n{main}\n</main>\n</body></html>\n"
    )


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def validity_text(document: Document) -> str:
    """The validity period as printed in the document's metadata."""
    if document.valid_from and document.valid_until:
        text = f"{_iso(document.valid_from)} 起至 {_iso(document.valid_until)}"
    elif document.valid_from:
        text = f"{_iso(document.valid_from)} 起施行，未载明截止日期"
    elif document.valid_until:
        text = f"有效期至 {_iso(document.valid_until)}"
    else:
        text = "未载明"
    if document.validity_note:
        text += f"（{document.validity_note}）"
    return text


def document_page(document: Document, clauses: list[Clause], quoted: str | None = None) -> str:
    """The whole document: metadata and repeals, a table of contents, then every clause in order
    with an anchor and its section path; table rows are shown as tables; the ``quoted`` words
    (a chat answer's quote) are highlighted where they stand."""
    meta = [
        ("文号", document.doc_number or "无"),
        ("发文机关", document.issuer or "未载明"),
        ("成文日期", _iso(document.date) or "未载明"),
        ("有效期", validity_text(document)),
    ]
    if document.attachments:
        meta.append(("附件", "；".join(document.attachments)))
    if document.repeals:
        meta.append(("同时废止", "、".join(document.repeals)))
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in meta)
    body = (
        f"<h1>{html.escape(document.title)}</h1>\n"
        f'<dl class="meta">{rows}</dl>\n'
        f"{_contents(clauses)}"
        f"<article>\n{_clauses_html(clauses, quoted) or '<p>此文件没有可显示的条款。</p>'}\n</article>"
    )
    return _page(f"{document.title} {document.doc_number or ''}".strip(), body)


def _contents(clauses: list[Clause]) -> str:
    """Links to the first clause of each top-level part (一、…, 第一章…, 附件…)."""
    firsts: dict[str, Clause] = {}
    for clause in clauses:
        if clause.path:
            firsts.setdefault(clause.path[0], clause)
    if len(firsts) < 2:
        return ""
    items = "".join(f'<li><a href="#{clause_anchor(c.clause_id)}">{html.escape(name)}</a></li>' for name, c in firsts.items())
    return f'<details class="contents" open><summary>目录</summary><ol>{items}</ol></details>\n'


def _clauses_html(clauses: list[Clause], quoted: str | None = None) -> str:
    parts: list[str] = []
    index = 0
    while index < len(clauses):
        clause = clauses[index]
        if clause.kind == "table_row":
            table = _table_key(clause)
            end = index
            while end < len(clauses) and clauses[end].kind == "table_row" and _table_key(clauses[end]) == table:
                end += 1
            parts.append(_table_html(clauses[index:end]))
            index = end
            continue
        parts.append(
            f'<section class="clause" id="{clause_anchor(clause.clause_id)}">'
            f"<h2>{html.escape(clause.section or '正文')}"
            f' <a class="permalink" href="#{clause_anchor(clause.clause_id)}" title="本条的固定链接" aria-label="本条的固定链接">#</a></h2>'
            + ('<p class="note">此处原文是表格，提取的文本把它拆成了一格一行，行列未能还原，请以公报原件为准。</p>' if "table_not_recovered" in clause.flags else "")
            + (_laid_out_html(clause, quoted) if clause.table else f"<p>{marked_html(clause.text, quoted)}</p>")
            + "</section>"
        )
        index += 1
    return "\n".join(parts)


def _laid_out_html(clause: Clause, quoted: str | None) -> str:
    """A clause whose flattened table was laid out again: its text before, the grid, its text after."""
    grid = clause.table
    before, after = clause.text[: grid.start], clause.text[grid.end :]
    squeezed_quote = re.sub(r"\s+", "", quoted or "")

    def cell_html(cell: TableCell) -> str:
        tag = "th" if cell.header else "td"
        spans = (f' rowspan="{cell.rows}"' if cell.rows > 1 else "") + (f' colspan="{cell.cols}"' if cell.cols > 1 else "")
        words = re.sub(r"\s+", "", cell.text)
        content = text_html(cell.text)
        if squeezed_quote and len(words) > 1 and words in squeezed_quote:
            content = f'<mark class="quoted">{content}</mark>'
        return f"<{tag}{spans}>{content}</{tag}>"

    rows = "".join("<tr>" + "".join(cell_html(cell) for cell in row) + "</tr>" for row in grid.rows)
    label = html.escape(clause.section or "表格", quote=True)
    return (
        (f"<p>{marked_html(before, quoted)}</p>" if before.strip() else "")
        + '<p class="note">此处原文是表格，提取的文本把它拆成了一格一行；下表按公报原件的版式重新排列，表中文字与原文一致。'
        + html.escape(grid.note)
        + "</p>"
        + f'<div class="table" tabindex="0" role="region" aria-label="{label}"><table class="rows"><tbody>{rows}</tbody></table></div>'
        + (f"<p>{marked_html(after, quoted)}</p>" if after.strip() else "")
    )


def _table_key(row: Clause) -> tuple[str, ...]:
    at = next((i for i, label in enumerate(row.labels) if label.startswith("表")), len(row.labels) - 1)
    return row.labels[: at + 1]


def _table_html(rows: list[Clause]) -> str:
    """Consecutive rows of one table as an HTML table; each row keeps its clause anchor."""
    caption = rows[0].context.split("｜", 1)[0] if "｜" in rows[0].context else " › ".join(rows[0].path[:-1])
    cells = [row.text.split("\t") for row in rows]
    width = max(len(c) for c in cells)
    # The column names most rows agree on (a cell holding "：" can make one row's list longer).
    headers = [tuple(_header_of(row)) for row in rows]
    full = [h for h in headers if len(h) == width]
    header = max(set(full), key=full.count) if full else ()
    head = "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>" if header else ""
    body = "".join(
        f'<tr class="clause" id="{clause_anchor(row.clause_id)}">'
        + "".join(f"<td>{text_html(cell)}</td>" for cell in row_cells + [""] * (width - len(row_cells)))
        + "</tr>"
        for row, row_cells in zip(rows, cells)
    )
    # A wide table scrolls sideways in its own box, which a keyboard user can focus to scroll.
    return (
        f'<section class="table" tabindex="0" role="region" aria-label="{html.escape(caption, quote=True)}">'
        f'<h2>{html.escape(caption)}</h2><table class="rows">{head}<tbody>{body}</tbody></table></section>'
    )


def _header_of(row: Clause) -> list[str]:
    """The column names a row's context lists ("表1｜主要指标：…；目标值：…")."""
    if "｜" not in row.context:
        return []
    pairs = [p for p in row.context.split("｜", 1)[1].split("；") if "：" in p]
    return [p.split("：", 1)[0] for p in pairs]


def not_found_page(doc_id: str) -> str:
    """The page for an unknown document id."""
    body = (
        "<h1>未找到该文件</h1>\n"
        f"<p>已收录的文件中没有编号为“{html.escape(doc_id)}”的文件。请在<a href=\"/doc/\">全部文件</a>中查找，或从问答中的“查看原文”链接进入。</p>"
    )
    return _page("未找到该文件", body)


def library_page(documents: list[Document]) -> str:
    """Every indexed document, newest first: 文号, title, issuer, date, validity, each linked to its page."""
    ordered = sorted(documents, key=lambda d: (d.date or date.min, d.doc_id), reverse=True)
    rows = "\n".join(
        "<tr>"
        f"<td>{html.escape(d.doc_number or '无')}</td>"
        f'<td><a href="{html.escape(doc_url(d.doc_id))}">{html.escape(d.title)}</a></td>'
        f"<td>{html.escape(d.issuer or '未载明')}</td>"
        f"<td>{_iso(d.date) or '未载明'}</td>"
        f"<td>{html.escape(validity_text(d).split('（')[0])}</td>"
        "</tr>"
        for d in ordered
    )
    body = (
        f"<h1>已收录的文件（{len(ordered)} 份）</h1>\n"
        '<table class="library"><thead><tr><th>文号</th><th>标题</th><th>发文机关</th><th>成文日期</th><th>有效期</th></tr></thead>'
        f"<tbody>\n{rows}\n</tbody></table>"
    )
    return _page("已收录的文件", body)
