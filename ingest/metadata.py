"""Document metadata read from the text: document numbers, dates, kind and validity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.numbering import cn_to_int

DOC_NUMBER = re.compile(r"^\s*((?:明|闽)政[^\s〔\[\]〕]{0,3})\s*[〔\[]\s*(\d{4})\s*[〕\]]\s*(\d{1,4})\s*号\s*$")
ORDER_NUMBER = re.compile(r"^\s*第\s*(\d{1,4})\s*号\s*$")
DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_VALID_UNTIL = re.compile(r"有效期至\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_VALID_YEARS = re.compile(r"有效期\s*([\d一二三四五六七八九十两]+)\s*年")
_IN_FORCE_FROM_DATE = re.compile(r"自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起\s*(?:施行|实施|试行|执行)")
_IN_FORCE_ON_ISSUE = re.compile(r"自(?:印发|公布|颁布|发布)之日起\s*(?:施行|实施|试行|执行)")
_REPEALS = re.compile(r"(《[^》]{2,60}》\s*[（(]?\s*((?:明|闽)政[^\s）)]{0,3}\s*[〔\[]\d{4}[〕\]]\s*\d+\s*号)?\s*[）)]?)\s*同时废止")


def canonical_number(printed: str) -> str:
    """Normalise a printed document number for matching: 〔〕 brackets, no spaces.

    >>> canonical_number("闽政[2022]23号")
    '闽政〔2022〕23号'
    """
    text = re.sub(r"\s+", "", printed)
    return text.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕")


def parse_cn_date(text: str) -> date | None:
    """The first "YYYY 年 M 月 D 日" in a text, as a date."""
    match = _DATE_IN_TEXT.search(text)
    if not match:
        return None
    return _date(match.groups())


def _date(groups: tuple[str, ...]) -> date | None:
    year, month, day = (int(g) for g in groups)
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Validity:
    """When a document takes effect and lapses, with the words it was read from."""

    valid_from: date | None
    valid_until: date | None
    note: str
    repeals: tuple[str, ...]


def read_validity(text: str, issued: date | None) -> Validity:
    """Read validity from a document's text; ``issued`` is its signing/publication date.

    "有效期N年" runs from publication: the last valid day is the day before the N-th
    anniversary. Nothing stated → both ends None and the note says so.
    """
    squashed = re.sub(r"[ \t\u3000]+", "", text)  # keep line breaks: they end sentences too
    valid_from: date | None = None
    valid_until: date | None = None
    notes: list[str] = []
    explicit = _IN_FORCE_FROM_DATE.search(squashed)
    if explicit:
        valid_from = _date(explicit.groups())
        notes.append(_sentence_around(squashed, explicit.start()))
    elif _IN_FORCE_ON_ISSUE.search(squashed) and issued:
        valid_from = issued
        notes.append(_sentence_around(squashed, _IN_FORCE_ON_ISSUE.search(squashed).start()))
    until = _VALID_UNTIL.search(squashed)
    years = _VALID_YEARS.search(squashed)
    if until:
        valid_until = _date(until.groups())
        notes.append(_sentence_around(squashed, until.start()))
    elif years and (valid_from or issued):
        count = int(years.group(1)) if years.group(1).isdigit() else cn_to_int(years.group(1))
        start = valid_from or issued
        valid_until = _add_years(start, count) - timedelta(days=1)
        notes.append(_sentence_around(squashed, years.start()))
    repeals = tuple(dict.fromkeys(_repealed(squashed)))
    note = "；".join(dict.fromkeys(notes)) if notes else "文件未载明施行日期或有效期"
    return Validity(valid_from, valid_until, note, repeals)


def _repealed(squashed: str) -> list[str]:
    found = []
    for match in _REPEALS.finditer(squashed):
        found.append(canonical_number(match.group(2)) if match.group(2) else match.group(1).strip())
    return found


def _sentence_around(text: str, index: int) -> str:
    start = max(text.rfind("。", 0, index), text.rfind("\n", 0, index)) + 1
    end = text.find("。", index)
    sentence = text[start : end + 1 if end >= 0 else len(text)]
    return re.sub(r"^第[一二三四五六七八九十百]+条|^[（(][一二三四五六七八九十]+[)）]", "", sentence).replace("\n", "")


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def kind_of(title: str, doc_number: str | None) -> str:
    """A coarse document kind from its number and title (规章, 通知, 通告, 批复, 意见…)."""
    if doc_number and "令" in doc_number:
        return "政府规章"
    for word, kind in (("批复", "批复"), ("通告", "通告"), ("指导意见", "意见"), ("实施意见", "意见"), ("通知", "通知"), ("意见", "意见")):
        if title.endswith(word) or title.endswith(word + "》"):
            return kind
    return "其他"
