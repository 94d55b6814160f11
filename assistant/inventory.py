"""Questions about the corpus itself: which documents it holds.

"你收录了哪些文件", "福建省人民政府办公厅发了哪些文件", "2023年三明市印发了哪些文件" are answered
from the documents' metadata (title, 文号, issuer, date), narrowed by the issuer and year the
question names. A question that also names a topic ("储备粮有哪些规章") is not one of these: it
goes to retrieval like any other.

Usage::

    listing = read(question, documents)
    if listing is not None:
        listing.documents  # newest first
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ingest.types import Document

_ASKS = re.compile(
    r"(?:收录|收了|包括|包含|有|发布|发了|发过|印发|出台|下发|颁布|公布|出了)了?(?:哪些|什么|几份|多少份?|几个)(?:政策)?(?:文件|规章|政府令|公文)"
    r"|(?:收录|覆盖|涵盖)了?(?:哪些|什么|多少)(?:内容|东西|资料)?"
    r"|哪些(?:政策)?文件"
    r"|文件(?:清单|目录|列表)"
)
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
# Words that say nothing about which documents: who is asked, politeness, counting.
_FILLER = re.compile(r"[你您我们请问目前现在都一共总共共这里系统助手里已经的了吗呢啊呀哪些份个和与及、，,。？?！!\s]")
_NAMED_ISSUER = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:人民政府|政府)(?:办公厅|办公室)?")


@dataclass(frozen=True)
class Listing:
    """The documents a question asks for, and in words what narrowed them."""

    documents: tuple[Document, ...]
    scope: str  # "福建省人民政府办公厅2022年印发的" or ""
    unknown_issuer: str | None = None  # an issuer named that no document has


def read(question: str, documents: Iterable[Document]) -> Listing | None:
    """The listing a question asks for, or None when it is not asking which documents there are."""
    asked = _ASKS.search(question)
    if asked is None:
        return None
    documents = [d for d in documents if d.kind != "说明"]  # a note the gazette prints is no document
    rest = question[: asked.start()] + question[asked.end() :]
    issuers = {d.issuer for d in documents if d.issuer}
    issuer, rest = _issuer(rest, documents)
    year = _YEAR.search(rest)
    if year:
        rest = rest[: year.start()] + rest[year.end() :]
    named = _NAMED_ISSUER.search(rest) if issuer is None else None
    if named:
        rest = rest[: named.start()] + rest[named.end() :]
    if len(_FILLER.sub("", rest)) >= 2:
        return None  # a topic is named too: retrieval answers it
    chosen = [d for d in documents if issuer is None or (d.issuer or "") == issuer or (issuer not in issuers and (d.issuer or "").startswith(issuer))]
    if year:
        chosen = [d for d in chosen if d.date is not None and d.date.year == int(year.group(1))]
    chosen.sort(key=lambda d: (d.date or date.min, d.doc_id), reverse=True)
    scope = f"{issuer or ''}{year.group(1) + '年' if year else ''}"
    if named:
        return Listing((), named.group(0), unknown_issuer=named.group(0))
    return Listing(tuple(chosen), scope)


def _issuer(text: str, documents: list[Document]) -> tuple[str | None, str]:
    """The issuer (or the place of issuers) the text names, and the text without it: the
    longest match of an issuer as printed, as people shorten it (省政府 for 省人民政府), or of
    the place it belongs to (三明市 for 三明市人民政府办公室)."""
    candidates: dict[str, str] = {}
    for issuer in {d.issuer for d in documents if d.issuer}:
        candidates[issuer] = issuer
        candidates[_plain(issuer)] = issuer
        place = re.match(r"[\u4e00-\u9fff]+?(?:省|市|县|区)", issuer)
        if place:
            candidates.setdefault(place.group(0), place.group(0))
    for written in sorted(candidates, key=len, reverse=True):
        at = text.find(written)
        if at >= 0:
            return candidates[written], text[:at] + text[at + len(written) :]
    return None, text


def _plain(issuer: str) -> str:
    return issuer.replace("人民政府", "政府")


SHOWN = 20  # documents listed in an answer; the 文件库 tab holds the rest


def answer_text(listing: Listing, total: int, shown: int = SHOWN) -> str:
    """The listing in words: how many, then one line per document (title, 文号, issuer, date)."""
    if listing.unknown_issuer:
        return f"已收录的文件中没有{listing.unknown_issuer}印发的文件。已收录的文件可以在“文件库”中按发文机关查看。"
    if not listing.documents:
        return f"已收录的 {total} 份文件中，没有{listing.scope}印发的文件。"
    head = f"已收录{listing.scope}印发的文件共 {len(listing.documents)} 份" if listing.scope else f"已收录的文件共 {len(listing.documents)} 份"
    lines = [head + "（按成文日期从新到旧）："]
    for number, document in enumerate(listing.documents[:shown], start=1):
        facts = "，".join(filter(None, (document.doc_number, document.issuer, document.date.isoformat() if document.date else None)))
        lines.append(f"{number}. 《{document.title}》" + (f"（{facts}）" if facts else ""))
    if len(listing.documents) > shown:
        lines.append(f"……其余 {len(listing.documents) - shown} 份可以在“文件库”中查看和筛选。")
    return "\n".join(lines)
