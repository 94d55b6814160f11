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

_HOW_MANY = r"了?(?:哪些|什么|几份|几部|多少份?|多少部)(?:政策)?(?P<noun>文件|规章|政府令|行政法规|公文)"
# Asking what the assistant holds ("你收录了哪些文件", "有哪些规章", "文件目录")…
_COLLECTED = re.compile(r"(?:收录|收了|收入|收集|包括|包含|有)" + _HOW_MANY + r"|(?:收录的)?文件(?:清单|目录|列表)")
# …or what someone issued, which needs the issuer or the year ("福建省人民政府办公厅发了哪些文件").
_ISSUED = re.compile(r"(?:发布|发了|发过|印发|出台|下发|颁布|公布|出了)" + _HOW_MANY)
_KINDS = {"规章": ("政府规章",), "政府令": ("政府规章",), "行政法规": ("行政法规",)}
_YEAR = re.compile(r"(20\d{2}|19\d{2})\s*年")
# Words that say nothing about which documents: who is asked, politeness, counting.
_FILLER = re.compile(r"[你您我们请问想知道一下目前现在都一共总共共这里系统助手里已经的了吗呢啊呀哪些份个部和与及、，,。？?！!\s]")
_GOVERNMENT = re.compile(r"(?:人民)?政府(?:办公厅|办公室)?")
SHOWN = 20  # documents listed in an answer; the 文件库 tab holds the rest


@dataclass(frozen=True)
class Listing:
    """The documents a question asks for, and in words what narrowed them."""

    documents: tuple[Document, ...]
    scope: str  # "福建省人民政府办公厅2022年" or ""
    unknown_issuer: str | None = None  # an issuer named that no document has
    noun: str = "文件"  # what was asked for: 文件, or a kind (政府规章, 行政法规)


def read(question: str, documents: Iterable[Document]) -> Listing | None:
    """The listing a question asks for, or None when it is not asking which documents there are."""
    asked = _COLLECTED.search(question)
    issued = asked is None
    asked = asked or _ISSUED.search(question)
    if asked is None:
        return None
    documents = [d for d in documents if d.kind != "说明"]  # a note the gazette prints is no document
    kinds = _KINDS.get(asked.groupdict().get("noun") or "", ())
    rest = question[: asked.start()] + question[asked.end() :]
    issuers = {d.issuer for d in documents if d.issuer}
    issuer, rest = _issuer(rest, documents)
    year = _YEAR.search(rest)
    if year:
        rest = rest[: year.start()] + rest[year.end() :]
    named = _named_issuer(rest) if issuer is None else None
    if named:
        rest = rest.replace(named, "", 1)
    if len(_FILLER.sub("", rest)) >= 2:
        return None  # a topic is named too: retrieval answers it
    if issued and not (issuer or named or year):
        return None  # "发了哪些文件" with no one named: about a topic, or unclear
    chosen = [d for d in documents if issuer is None or d.issuer == issuer or (issuer not in issuers and (d.issuer or "").startswith(issuer))]
    if year:
        chosen = [d for d in chosen if d.date is not None and d.date.year == int(year.group(1))]
    if kinds:
        chosen = [d for d in chosen if d.kind in kinds]
    chosen.sort(key=lambda d: (d.date or date.min, d.doc_id), reverse=True)
    scope = f"{issuer or ''}{year.group(1) + '年' if year else ''}"
    noun = kinds[0] if kinds else "文件"
    if named:
        return Listing((), named, unknown_issuer=named, noun=noun)
    return Listing(tuple(chosen), scope, noun=noun)


def _named_issuer(text: str) -> str | None:
    """A government the text names by its place ("福州市人民政府办公厅", "厦门市政府")."""
    from assistant.places import Gazetteer

    for _, start, end in Gazetteer.load().spans(text):
        government = _GOVERNMENT.match(text, end)
        if government:
            return text[start : government.end()]
    return None


def _issuer(text: str, documents: list[Document]) -> tuple[str | None, str]:
    """The issuer (or the place of issuers) the text names, and the text without it: the
    longest match of an issuer as printed, as people shorten it (福建省政府 for 福建省人民政府),
    or of the place it belongs to (三明市 for 三明市人民政府办公室)."""
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


def answer_text(listing: Listing, total: int, shown: int = SHOWN) -> str:
    """The listing in words: how many, then one line per document (title, 文号, issuer, date)."""
    noun = listing.noun
    if listing.unknown_issuer:
        return f"已收录的文件中没有{listing.unknown_issuer}印发的{noun}。已收录的文件可以在“文件库”中按发文机关查看。"
    if not listing.documents:
        return f"已收录的 {total} 份文件中，没有{listing.scope}印发的{noun}。"
    head = f"已收录{listing.scope}印发的{noun}" if listing.scope else f"已收录的{noun}"
    lines = [f"{head}共 {len(listing.documents)} 份（按成文日期从新到旧）："]
    for number, document in enumerate(listing.documents[:shown], start=1):
        code = document.canonical_number or document.doc_number  # one bracket style throughout
        facts = "，".join(filter(None, (code, document.issuer, document.date.isoformat() if document.date else None)))
        lines.append(f"{number}. 《{document.title}》" + (f"（{facts}）" if facts else ""))
    if len(listing.documents) > shown:
        lines.append(f"……其余 {len(listing.documents) - shown} 份可以在“文件库”中查看和筛选。")
    return "\n".join(lines)
