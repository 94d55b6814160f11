"""Chinese official-document numbering: 第X章, 第X条, 一、, （一）, 1., 第X阶段, 附件.

A heading marker starts a paragraph and opens a level of the outline. The kinds
are listed here once; segmentation decides which of them make clauses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "〇零一二三四五六七八九十百千两"

# Order matters: the first pattern that matches a paragraph start wins.
_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"^第([{CN_DIGITS}]+)章(?=\s|$|[^\d])")),
    ("part", re.compile(rf"^第([{CN_DIGITS}]+)节(?=\s)")),
    ("article", re.compile(rf"^第([{CN_DIGITS}]+)条(?=[\s　])")),
    ("phase", re.compile(rf"^第([{CN_DIGITS}]+)阶段[:：]")),
    ("annex", re.compile(r"^附\s*([件表录])\s*(\d{0,2})\s*[:：]?\s*$")),
    ("column", re.compile(r"^专栏\s*(\d{1,2})\s*[:：]")),
    ("cn", re.compile(r"^([一二三四五六七八九十]{1,3})\s*、")),
    ("paren_cn", re.compile(r"^[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）]")),
    ("arabic", re.compile(r"^(\d{1,2})\s*[.．、](?!\d)")),
    ("paren_arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[)）]")),
    ("circled", re.compile(r"^([①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])")),
)

_TERMINAL = "。；！？!?;"


@dataclass(frozen=True)
class Marker:
    """A numbering marker found at the start of a paragraph."""

    kind: str
    number: str
    end: int  # index just past the marker in the paragraph text
    word: str = "附件"  # an attachment's own word: 附件, 附表, 附录

    @property
    def label(self) -> str:
        """Canonical label used in clause ids: "二", "（一）", "1", "第十六条"."""
        if self.kind == "paren_cn":
            return f"（{self.number}）"
        if self.kind == "paren_arabic":
            return f"（{self.number}）"
        if self.kind == "chapter":
            return f"第{self.number}章"
        if self.kind == "part":
            return f"第{self.number}节"
        if self.kind == "article":
            return f"第{self.number}条"
        if self.kind == "phase":
            return f"第{self.number}阶段"
        if self.kind == "annex":
            return f"{self.word}{self.number}"
        if self.kind == "column":
            return f"专栏{self.number}"
        return self.number


def numeral_value(number: str) -> int | None:
    """The value of a marker's number — "12", "十二", "⑫" — or None when it has none ("附件").

    >>> [numeral_value(n) for n in ("12", "十二", "⑫", "")]
    [12, 12, 12, None]
    """
    if not number:
        return None
    if number in _CIRCLED:
        return _CIRCLED.index(number) + 1
    if number.isascii() and number.isdigit():
        return int(number)
    try:
        return cn_to_int(number)
    except ValueError:
        return None


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def find_marker(text: str) -> Marker | None:
    """Return the numbering marker at the start of ``text``, if any.

    >>> find_marker("(六 )便利市场准入退出").label
    '（六）'
    >>> find_marker("1.5万元") is None
    True
    """
    for kind, pattern in _MARKERS:
        match = pattern.match(text)
        if match:
            if kind == "annex":  # 附件2, 附表, 附录: the word is part of the label
                return Marker(kind=kind, number=match.group(2), end=match.end(), word=f"附{match.group(1)}")
            return Marker(kind=kind, number=match.group(1), end=match.end())
    return None


def heading_of(text: str, marker: Marker, limit: int = 32) -> str:
    """The short heading of a numbered paragraph, for section paths.

    "1. 推行“一网通办”。广泛应用…" → "1. 推行“一网通办”"; a paragraph that is a bare
    heading ("（一）提升数字化营商环境建设水平") is returned whole.
    """
    text = text.strip()
    if marker.kind in ("article", "phase"):
        return marker.label
    body = text[marker.end :].strip()
    cut = len(body)
    for stop in "。；：:":
        position = body.find(stop)
        if 0 <= position < cut:
            cut = position
    head = body[:cut].strip()
    if len(head) > limit:
        head = head[:limit] + "…"
    prefix = text[: marker.end].strip()
    sep = "" if prefix.endswith(("、", "）", ")")) else " "
    return f"{prefix}{sep}{head}".strip() if head else prefix


def is_bare_heading(text: str, marker: Marker | None, limit: int = 36) -> bool:
    """True when a paragraph is only a heading (no sentence after the number)."""
    text = text.strip()
    if marker is None or len(text) > limit:
        return False
    if text.endswith("。") and len(text) <= 16:
        text = text[:-1]  # "（六）待遇水平。" is still only a heading
    return not any(ch in _TERMINAL for ch in text)


def cn_to_int(number: str) -> int:
    """Convert a Chinese numeral up to the thousands ("五十二" → 52)."""
    digits = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, 0
    for ch in number:
        if ch in digits:
            current = digits[ch]
        elif ch in units:
            total += (current or 1) * units[ch]
            current = 0
        else:
            raise ValueError(f"Not a Chinese numeral: {number!r}")
    return total + current


def to_cn(number: int) -> str:
    """Write 1–9999 as a Chinese numeral the way article numbers are printed.

    >>> [to_cn(n) for n in (1, 10, 12, 20, 105, 124, 1000)]
    ['一', '十', '十二', '二十', '一百零五', '一百二十四', '一千']
    >>> all(cn_to_int(to_cn(n)) == n for n in range(1, 2000))
    True
    """
    if not 0 < number < 10000:
        raise ValueError(f"Only 1–9999 are written as article numbers: {number}")
    digits = "零一二三四五六七八九"
    if number < 20:
        return ("十" + digits[number - 10].replace("零", "")) if number >= 10 else digits[number]
    text, pending_zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // value % 10
        if digit:
            text += ("零" if pending_zero and text else "") + digits[digit] + unit
            pending_zero = False
        elif text:
            pending_zero = True
    return text
