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
from datetime import date
from urllib.parse import quote

from assistant.types import Answer, Citation
from ingest.types import Clause, Document

DOC_ROUTE = "/doc"


def clause_anchor(clause_id: str) -> str:
    """A stable, URL-safe HTML id for a clause (ASCII letters, digits and '-').

    >>> clause_anchor("明政办规〔2023〕4号/四/（五）#1a2b3c4d")
    'clause-b1e1f0d803a85410'
    """
    return "clause-" + hashlib.sha256(clause_id.encode("utf-8")).hexdigest()[:16]


def doc_url(doc_id: str, clause_id: str | None = None) -> str:
    """Link to a document's page (``/doc/<url-encoded id>``), optionally at one clause."""
    url = f"{DOC_ROUTE}/{quote(doc_id, safe='')}"
    return f"{url}#{clause_anchor(clause_id)}" if clause_id else url


def text_html(text: str) -> str:
    """Escaped text with line breaks kept (and no blank lines, so Markdown leaves it alone)."""
    lines = [html.escape(line) for line in text.strip().splitlines() if line.strip()]
    return "<br>".join(lines)


def user_html(question: str) -> str:
    """The user's question as shown in the chat."""
    return f'<div class="user-text">{text_html(question) or "&nbsp;"}</div>'


def citation_summary(citation: Citation) -> str:
    """The one-line label of a citation: 《title》 number · section."""
    number = f" {citation.doc_number}" if citation.doc_number else ""
    section = f" · {citation.section}" if citation.section else ""
    return f"《{citation.title}》{number}{section}"


def citation_html(citation: Citation) -> str:
    """One citation as a collapsible box: label, verbatim quote, link to the full document."""
    return (
        '<details class="citation">'
        f"<summary>{html.escape(citation_summary(citation))}</summary>"
        f"<blockquote>{text_html(citation.quote)}</blockquote>"
        f'<a href="{html.escape(doc_url(citation.doc_id, citation.clause_id))}" target="_blank" rel="noopener">查看全文</a>'
        "</details>"
    )


def answer_html(answer: Answer) -> str:
    """An assistant reply: the answer text, then each citation as a collapsible box."""
    parts = [f'<div class="answer-text answer-{html.escape(answer.kind)}">{text_html(answer.answer)}</div>']
    if answer.citations:
        parts.append('<div class="citations">' + "".join(citation_html(c) for c in answer.citations) + "</div>")
    return "".join(parts)


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
section.clause p { margin: .2rem 0 0; }
section.clause:target { background: #fff8c5; border-left-color: #d4a72c; }
nav a { color: #0969da; }
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_PAGE_CSS}</style></head>\n"
        f"<body>\n{body}\n</body></html>\n"
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


def document_page(document: Document, clauses: list[Clause]) -> str:
    """The whole document: metadata, then every clause in order with an anchor and its section path."""
    meta = [
        ("文号", document.doc_number or "无"),
        ("发文机关", document.issuer or "未载明"),
        ("成文日期", _iso(document.date) or "未载明"),
        ("有效期", validity_text(document)),
    ]
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in meta)
    sections = "\n".join(
        f'<section class="clause" id="{clause_anchor(c.clause_id)}">'
        f"<h2>{html.escape(c.section or '正文')}</h2>"
        + ('<p class="note">此处原文是表格，提取的文本把它拆成了一格一行，行列未能还原，请以公报原件为准。</p>' if "table_not_recovered" in c.flags else "")
        + f"<p>{text_html(c.text)}</p></section>"
        for c in clauses
    )
    body = (
        '<nav><a href="/">← 返回问答</a></nav>\n'
        f"<h1>{html.escape(document.title)}</h1>\n"
        f'<dl class="meta">{rows}</dl>\n'
        f"<main>\n{sections or '<p>此文件没有可显示的条款。</p>'}\n</main>"
    )
    return _page(f"{document.title} {document.doc_number or ''}".strip(), body)


def not_found_page(doc_id: str) -> str:
    """The page for an unknown document id."""
    body = (
        '<nav><a href="/">← 返回问答</a></nav>\n'
        "<h1>未找到该文件</h1>\n"
        f"<p>索引中没有编号为“{html.escape(doc_id)}”的文件。请从问答中的“查看全文”链接进入。</p>"
    )
    return _page("未找到该文件", body)
