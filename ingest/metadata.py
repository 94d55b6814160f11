"""Document metadata read from the text: document numbers, dates, kind and validity."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.numbering import cn_to_int

# A document number on a line of its own, any issuer's prefix: 明政规〔2023〕5号, 闽政[2022]23号, 厦府办〔2024〕7号.
DOC_NUMBER = re.compile(r"^\s*([\u4e00-\u9fff]{1,8})\s*[〔\[［]\s*(\d{4})\s*[〕\]］]\s*(\d{1,4})\s*号\s*$")
ORDER_NUMBER = re.compile(r"^\s*第\s*(\d{1,4})\s*号\s*$")
DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_DATE_IN_TEXT = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_NUM = "〇○零一二三四五六七八九十"
_YEAR = rf"(\d{{4}}|[〇○零一二三四五六七八九]{{4}})"
_MONTH_DAY = rf"(\d{{1,2}}|[{_CN_NUM}]{{1,3}})"
_DATE_ANY = rf"{_YEAR}\s*年\s*{_MONTH_DAY}\s*月\s*{_MONTH_DAY}\s*日"
_TAKES_EFFECT = r"(?:施行|实施|试行|执行|生效)"
_VALID_UNTIL = re.compile(rf"有效期至\s*{_DATE_ANY}")
_VALID_YEARS = re.compile(r"有效期\s*(?:为)?\s*([\d一二三四五六七八九十两]+)\s*年")
_IN_FORCE_FROM_DATE = re.compile(rf"(?:自|从|于)\s*{_DATE_ANY}\s*(?:零时)?\s*(?:起)?\s*{_TAKES_EFFECT}")
_IN_FORCE_FROM_YEAR = re.compile(rf"(?:自|从|于)\s*{_YEAR}\s*年度?\s*起\s*{_TAKES_EFFECT}")
_IN_FORCE_ON_ISSUE = re.compile(
    rf"(?:自|从)(?:印发|公布|颁布|发布|修订发布|国务院批准|批准)之日起\s*{_TAKES_EFFECT}|(?:公布|发布|颁布)\s*{_TAKES_EFFECT}"
)
# A validity sentence governs the document only when the document is its subject ("本方案…有效期至",
# "本条例自…起施行"), not a licence or certificate it regulates ("许可证有效期五年").
_LEADING_NUMBER = re.compile(r"^(?:第[一二三四五六七八九十百零〇]+条|[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[.．、])")
_SELF = re.compile(r"本[\u4e00-\u9fff]{0,4}(?:办法|规定|方案|意见|通知|细则|条例|规则|决定|通告|措施|规划|命令|政策|准则|纲要)")
_REPEALS = re.compile(r"(《[^》]{2,60}》\s*[（(]?\s*([\u4e00-\u9fff]{1,8}\s*[〔\[［]\d{4}[〕\]］]\s*\d+\s*号)?\s*[）)]?)\s*同时废止")


def canonical_number(printed: str) -> str:
    """Normalise a printed document number for matching: 〔〕 around its year, no spaces.

    >>> canonical_number("闽政[2022]23号"), canonical_number("闽政（2022）24号"), canonical_number("闽政【2022】 22号")
    ('闽政〔2022〕23号', '闽政〔2022〕24号', '闽政〔2022〕22号')
    """
    text = re.sub(r"\s+", "", printed)
    text = text.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕")
    return re.sub(r"[（(【]((?:19|20)\d{2})[）)】]", r"〔\1〕", text)


def parse_cn_date(text: str) -> date | None:
    """The first "YYYY 年 M 月 D 日" in a text, as a date (Chinese numerals too).

    >>> parse_cn_date("本条例自一九九三年十一月一日起施行"), parse_cn_date("2023 年 7 月 5 日")
    (datetime.date(1993, 11, 1), datetime.date(2023, 7, 5))
    """
    match = re.search(_DATE_ANY, text)
    return _date(match.groups()) if match else None


def _date(groups: tuple[str, ...]) -> date | None:
    try:
        year, month, day = (_numeral(g, digit_by_digit=(i == 0)) for i, g in enumerate(groups))
        return date(year, month, day)
    except ValueError:
        return None


def _numeral(text: str, digit_by_digit: bool = False) -> int:
    """'1993', '一九九三' (read digit by digit), '十一' → an int."""
    if text.isdigit():
        return int(text)
    if digit_by_digit:
        return int("".join(str("〇一二三四五六七八九".index(ch)) if ch in "〇一二三四五六七八九" else "0" for ch in text))
    return cn_to_int(text)


@dataclass(frozen=True)
class Validity:
    """When a document takes effect and lapses, with the words it was read from."""

    valid_from: date | None
    valid_until: date | None
    note: str
    repeals: tuple[str, ...]
    sources: tuple[tuple[str, str], ...] = ()  # (field, the sentence it was read from)


def read_validity(text: str, issued: date | None) -> Validity:
    r"""Read validity from a document's text; ``issued`` is its signing/publication date.

    Only sentences whose subject is the document itself count ("本条例自…起施行", "本方案…有效期
    至…"); a licence's "有效期五年" does not. "有效期N年" runs from the start date: the last valid
    day is the day before the N-th anniversary. A year alone ("自1985年度起施行") starts on
    1 January. Nothing stated → both ends None and the note says so.

    >>> read_validity("第十条 许可证有效期五年。\n第十一条 本条例自一九九〇年一月一日起施行。", None).valid_until is None
    True
    >>> v = read_validity("本通告自公布之日起施行，有效期 5 年。", date(2023, 7, 1))
    >>> v.valid_from, v.valid_until
    (datetime.date(2023, 7, 1), datetime.date(2028, 6, 30))
    """
    squashed = re.sub(r"[ \t\u3000]+", "", text)  # keep line breaks: they end sentences too
    valid_from: date | None = None
    valid_until: date | None = None
    notes: list[str] = []
    explicit = _governing(_IN_FORCE_FROM_DATE, squashed)
    year_only = _governing(_IN_FORCE_FROM_YEAR, squashed)
    on_issue = _governing(_IN_FORCE_ON_ISSUE, squashed)
    if explicit:
        valid_from = _date(explicit.groups())
        notes.append(_sentence_around(squashed, explicit.start()))
    elif year_only:
        valid_from = date(_numeral(year_only.group(1), digit_by_digit=True), 1, 1)
        notes.append(_sentence_around(squashed, year_only.start()))
    elif on_issue and issued:
        valid_from = issued
        notes.append(_sentence_around(squashed, on_issue.start()))
    sources = [("valid_from", notes[-1])] if notes else []
    until = _governing(_VALID_UNTIL, squashed)
    years = _governing(_VALID_YEARS, squashed)
    if until:
        valid_until = _date(until.groups())
        notes.append(_sentence_around(squashed, until.start()))
        sources.append(("valid_until", notes[-1]))
    elif years and (valid_from or issued):
        count = int(years.group(1)) if years.group(1).isdigit() else cn_to_int(years.group(1))
        start = valid_from or issued
        valid_until = _add_years(start, count) - timedelta(days=1)
        notes.append(_sentence_around(squashed, years.start()))
        sources.append(("valid_until", notes[-1]))
    repeals = tuple(dict.fromkeys(_repealed(squashed)))
    note = "；".join(dict.fromkeys(notes)) if notes else "文件未载明施行日期或有效期"
    return Validity(valid_from, valid_until, note, repeals, tuple(sources))


def _governing(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``pattern`` in a sentence whose subject is the document itself."""
    for match in pattern.finditer(text):
        start = max(text.rfind(stop, 0, match.start()) for stop in "。；\n") + 1
        sentence = _LEADING_NUMBER.sub("", text[start : match.start()], count=1)
        if _SELF.match(sentence):
            return match
    return None


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
