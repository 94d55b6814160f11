"""From raw source lines to clean paragraphs that still know where every character came from.

A :class:`Paragraph` is built from pieces of the source (kept as character ranges)
and, where needed, synthetic whitespace. Page furniture and HTML markup are simply
not copied, broken lines are re-joined, and the ranges let any quote be checked
against the source bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.metadata import DATE_LINE, DOC_NUMBER, ORDER_NUMBER
from ingest.numbering import find_marker, is_bare_heading, numeral_value
from ingest.types import Span

_WS = " \t\u3000\u00a0\ufeff"
_SENTENCE_END = "。；！？：!?;:”’」）)】"
_HTML_TAG = re.compile(r"</?(?:p|h\d|br|span|div|strong|b|i)\b[^>]*>", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One line of the source file with its character range (newline excluded)."""

    number: int  # 1-based, as editors show it
    start: int
    end: int
    raw: str

    @property
    def text(self) -> str:
        return self.raw.strip(_WS)

    @property
    def page_start(self) -> bool:
        """In PDF-extracted text a leading space marks the first line of a page."""
        return self.raw[:1] in (" ", "\u3000") and bool(self.text)

    def stripped_span(self) -> Span:
        left = len(self.raw) - len(self.raw.lstrip(_WS))
        right = len(self.raw.rstrip(_WS))
        return Span(self.start + left, self.start + max(left, right))


def split_lines(source: str) -> list[Line]:
    """Split a source text into lines, keeping offsets."""
    lines, offset = [], 0
    for number, raw in enumerate(source.split("\n"), start=1):
        lines.append(Line(number, offset, offset + len(raw), raw.rstrip("\r")))
        offset += len(raw) + 1
    return lines


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (or table row) assembled from source ranges and synthetic whitespace."""

    parts: tuple[Span | str, ...]
    text: str
    first_line: int
    last_line: int
    cells: tuple[str, ...] = ()

    @property
    def spans(self) -> tuple[Span, ...]:
        return tuple(p for p in self.parts if isinstance(p, Span))

    def split(self, offsets: list[int]) -> list[Paragraph]:
        """Cut the paragraph before each text offset, each piece keeping its own source ranges;
        whitespace at the cuts is dropped.

        >>> p = Paragraph((Span(0, 6),), "甲。 乙。", 1, 1)
        >>> [(q.text, q.spans) for q in p.split([3])]
        [('甲。', (Span(start=0, end=2),)), ('乙。', (Span(start=3, end=5),))]
        """
        bounds = [0, *sorted({o for o in offsets if 0 < o < len(self.text)}), len(self.text)]
        pieces = []
        for start, end in zip(bounds, bounds[1:]):
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
            if start < end:
                pieces.append(Paragraph(self._slice(start, end), self.text[start:end], self.first_line, self.last_line))
        return pieces

    def _slice(self, start: int, end: int) -> tuple[Span | str, ...]:
        """The parts behind text[start:end]."""
        found: list[Span | str] = []
        position = 0
        for part in self.parts:
            length = len(part) if isinstance(part, str) else part.end - part.start
            low, high = max(start, position), min(end, position + length)
            if low < high:
                offset = low - position
                found.append(part[offset : high - position] if isinstance(part, str) else Span(part.start + offset, part.start + high - position))
            position += length
        return tuple(found)


class ParagraphBuilder:
    """Accumulates source ranges and synthetic whitespace into one paragraph."""

    def __init__(self, source: str):
        self._source = source
        self._parts: list[Span | str] = []
        self._text: list[str] = []
        self.first_line = 0
        self.last_line = 0

    def add(self, span: Span, line: int) -> None:
        if span.end <= span.start:
            return
        piece = self._source[span.start : span.end]
        if self._text and _needs_space(self._text[-1], piece):
            self.add_whitespace(" ")
        self._parts.append(span)
        self._text.append(piece)
        self.first_line = self.first_line or line
        self.last_line = max(self.last_line, line)

    def add_whitespace(self, text: str) -> None:
        if text.strip():
            raise ValueError("only whitespace may be synthetic: quotes must stay verbatim")
        self._parts.append(text)
        self._text.append(text)

    def add_markup_free(self, span: Span, line: int) -> None:
        """Add a range of source, leaving out any HTML tags inside it."""
        text = self._source[span.start : span.end]
        cursor = 0
        for tag in _HTML_TAG.finditer(text):
            self.add(Span(span.start + cursor, span.start + tag.start()), line)
            cursor = tag.end()
        self.add(Span(span.start + cursor, span.end), line)

    @property
    def text(self) -> str:
        """The paragraph's text so far."""
        return "".join(self._text)

    @property
    def empty(self) -> bool:
        return not any(isinstance(p, Span) for p in self._parts)

    def build(self, cells: tuple[str, ...] = ()) -> Paragraph:
        return Paragraph(tuple(self._parts), "".join(self._text), self.first_line, self.last_line, cells)


def _needs_space(before: str, after: str) -> bool:
    """Re-joining "GB" + "36886" must not glue two Latin words together."""
    return bool(before) and bool(after) and before[-1].isascii() and before[-1].isalnum() and after[0].isascii() and after[0].isalnum()


def display_width(text: str) -> float:
    """Width in full-width characters: ASCII counts half."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def strip_markup(text: str) -> str:
    """Remove the HTML tags some table cells carry."""
    return _HTML_TAG.sub("", text)


def reflow(source: str, lines: list[Line]) -> list[Paragraph]:
    """Re-join lines into paragraphs, whatever width the text was laid out at.

    Where a paragraph ends is read from what the text says: a line that opens a numbered
    item, a document number, a date, an issuer or a title starts a new paragraph (unless the
    line before stops where a sentence cannot, at 第 or an open bracket); a line that ends a
    sentence and stops short of the right margin ends its paragraph; a line that runs to the
    margin was wrapped. The margin is estimated from the text itself (the commonest long-line
    width); text laid out one paragraph per line has none, and there a long line left without
    closing punctuation is continued by the next ("…不少于5" + "年。"). Tab-separated lines are
    table rows.
    """
    margin = estimated_margin(lines)
    outline = _Outline()
    paragraphs: list[Paragraph] = []
    builder: ParagraphBuilder | None = None
    previous: Line | None = None
    for line in lines:
        if not line.text:
            continue
        if "\t" in line.raw:
            if builder is not None and not builder.empty:
                paragraphs.append(builder.build())
            builder, previous = None, None
            paragraphs.append(table_row(source, line))
            continue
        if builder is not None and previous is not None and _continues(previous.text, line.text, margin, outline) and not _repeats(builder, line.text):
            builder.add_markup_free(line.stripped_span(), line.number)
        else:
            if builder is not None and not builder.empty:
                paragraphs.append(builder.build())
            builder = ParagraphBuilder(source)
            builder.add_markup_free(line.stripped_span(), line.number)
            outline.note(line.text)
        previous = line
    if builder is not None and not builder.empty:
        paragraphs.append(builder.build())
    return paragraphs


def _repeats(builder: ParagraphBuilder, line: str) -> bool:
    """A line that says again, word for word, what its paragraph already said starts a new one:
    the title of an attachment right under the "附件：" line that names it."""
    squashed = re.sub(r"\s+", "", line)
    return len(squashed) >= 8 and squashed in re.sub(r"\s+", "", builder.text)


def estimated_margin(lines: list[Line]) -> float | None:
    """The width at which the text was wrapped, or None when it was not (one paragraph per line).

    The commonest width among lines of 10+ characters is the margin when at least one such
    line in three is within two characters of it. Lines within a tenth of it (at least two
    characters) count as full: punctuation and Latin words make wrapped lines a little shorter.
    """
    widths = [int(display_width(line.text) + 0.5) for line in lines if line.text and "\t" not in line.raw and display_width(line.text) >= 10]
    if len(widths) < 12:
        return None
    counts: dict[int, int] = {}
    for width in widths:
        counts[width] = counts.get(width, 0) + 1
    mode = max(counts, key=lambda w: (counts[w], w))
    near = sum(n for w, n in counts.items() if mode - 2 <= w <= mode + 1)
    if near < len(widths) / 3:
        return None
    return mode - max(2.0, 0.1 * mode)


_ISSUER_LINE = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:人民政府|办公室|办公厅|委员会)令?$")
# Lines that start a paragraph: a title, an attachment (or its list), a table caption, a signer, Markdown.
_STARTS = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,16}(?:人民政府|办公室|办公厅)(?:关于|令)"
    r"|附\s*[件表录]\s*\d{0,2}\s*[:：]?\s*$|附\s*件\s*[:：]|表\s*\d{1,2}\s*[:：]|[省市县区州]\s*长\s|- |<!--|#)"
)


def _own_line(text: str) -> bool:
    """A document or order number, a date, an issuer or order head: lines that stand alone."""
    return bool(DOC_NUMBER.match(text) or ORDER_NUMBER.match(text) or DATE_LINE.match(text) or _ISSUER_LINE.match(text))
# The closing sentence of a plan or rule ("本方案自印发之日起实施…") starts its own paragraph.
_CLOSING_START = re.compile(r"^本(?:实施)?(?:方案|办法|通告|意见|规定|细则|规划|决定|通知|条例|规则)(?:自|由|从|于)")
_OPEN_END = "第，、（(《“‘—"


_KIND_DEPTH = {kind: depth for depth, kind in enumerate(("chapter", "part", "article", "annex", "phase", "column", "cn", "paren_cn", "arabic", "paren_arabic", "circled"))}


class _Outline:
    """The numbering seen so far, to tell an item that starts a line from a wrapped sentence
    whose next line happens to begin like one ("…实行“标准统" + "一、互相授权…")."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[int, int]] = {}  # kind -> (number, when)
        self.clock = 0

    def note(self, line: str) -> None:
        if _own_line(line) or line.startswith("附"):
            self.last.clear()  # a new document or attachment numbers afresh
        marker = find_marker(line)
        number = numeral_value(marker.number) if marker is not None else None
        if marker is not None and number is not None:
            self.clock += 1
            self.last[marker.kind] = (number, self.clock)

    def plausible(self, line: str) -> bool:
        """Whether a marker at the start of ``line`` could open the next item here."""
        marker = find_marker(line)
        number = numeral_value(marker.number) if marker is not None else None
        if marker is None or number is None:
            return True
        previous = self.last.get(marker.kind)
        if previous is None or number == previous[0] + 1:
            return True
        # Numbering restarts at 1 under a new parent: a shallower item came after the last one of this kind.
        depth = _KIND_DEPTH.get(marker.kind, 99)
        return number == 1 and any(_KIND_DEPTH.get(k, 99) < depth and when > previous[1] for k, (_, when) in self.last.items())


def _continues(before: str, line: str, margin: float | None, outline: _Outline | None = None) -> bool:
    if _own_line(before):
        return False
    if _CLOSING_START.match(line) and before[-1] not in _OPEN_END:
        return False
    if _own_line(line) or _STARTS.match(line) or find_marker(line) is not None:
        # A line that stops where no sentence can ("…按本办法第" + "（一）项…") goes on even
        # though the next line starts like a numbered item; so does a wrapped line (it runs to
        # the margin, no sentence end) whose next line starts with a number out of sequence.
        if before[-1] in _OPEN_END:
            return True
        wrapped = margin is not None and display_width(before) >= margin and before[-1] not in _SENTENCE_END
        return wrapped and find_marker(line) is not None and outline is not None and not outline.plausible(line)
    if margin is not None:
        return display_width(before) >= margin
    marker = find_marker(before)
    if before[-1] in _SENTENCE_END or is_bare_heading(before, marker):
        return False
    # A long line, or prose (a comma or a sentence inside) cut off in the middle of a word:
    # "…实物兑换的方式进行;实" + blank line + "行不同品种轮换的，…".
    # (Not before a line that opens with a date: each line of a regulation's history is one entry.)
    mid_word = display_width(before) > 20 and _MID_WORD.search(before) is not None and not _DATED.match(line)
    return display_width(before) > 40 or mid_word


_MID_WORD = re.compile(r"[，,；;。、][^，,；;。、]*[\u4e00-\u9fff]$")
_DATED = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")


def table_row(source: str, line: Line) -> Paragraph:
    """A tab-separated table row: one paragraph whose cells keep their own source ranges."""
    builder = ParagraphBuilder(source)
    cells: list[str] = []
    offset = line.start
    for index, cell in enumerate(line.raw.split("\t")):
        if index:
            builder.add_whitespace("\t")
        left = len(cell) - len(cell.lstrip(_WS))
        right = len(cell.rstrip(_WS))
        before = len(builder._text)
        builder.add_markup_free(Span(offset + left, offset + max(left, right)), line.number)
        cells.append("".join(builder._text[before:]).strip())
        offset += len(cell) + 1
    builder.first_line = builder.first_line or line.number
    builder.last_line = line.number
    return builder.build(cells=tuple(cells))


def span_text(source: str, spans: tuple[Span, ...]) -> str:
    """The source characters behind a clause, whitespace removed (for verbatim checks)."""
    return re.sub(r"\s+", "", "".join(source[s.start : s.end] for s in spans))
