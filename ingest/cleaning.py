"""From raw source lines to clean paragraphs that still know where every character came from.

A :class:`Paragraph` is built from pieces of the source (kept as character ranges)
and, where needed, synthetic whitespace. Page furniture and HTML markup are simply
not copied, broken lines are re-joined, and the ranges let any quote be checked
against the source bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.numbering import find_marker, is_bare_heading
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


def reflow_pdf(source: str, lines: list[Line], full_width: float = 37.0) -> list[Paragraph]:
    """Re-join PDF lines into paragraphs.

    A line continues the previous one when the previous line ran to the full page
    width (so it was wrapped, not ended) and the new line does not open a numbered
    item. Short lines (headings, table cells, signatures, paragraph ends) end their
    paragraph, which keeps flattened tables one cell per line.
    """
    paragraphs: list[Paragraph] = []
    builder: ParagraphBuilder | None = None
    previous: Line | None = None
    for line in lines:
        if not line.text:
            continue
        if builder is not None and previous is not None and _continues(previous, line, full_width):
            builder.add(line.stripped_span(), line.number)
        else:
            if builder is not None and not builder.empty:
                paragraphs.append(builder.build())
            builder = ParagraphBuilder(source)
            builder.add(line.stripped_span(), line.number)
        previous = line
    if builder is not None and not builder.empty:
        paragraphs.append(builder.build())
    return paragraphs


_DOCUMENT_TITLE = re.compile(r"^\S{2,12}人民政府(办公室|办公厅)?关于")


def _continues(previous: Line, line: Line, full_width: float) -> bool:
    if display_width(previous.text) < full_width or _DOCUMENT_TITLE.match(line.text):
        return False
    if find_marker(line.text) is None:
        return True
    # A full line that stops mid-sentence is wrapped even when the next line
    # happens to start like "1." — the sentence is not over yet.
    return previous.text[-1] not in _SENTENCE_END


def join_broken_lines(source: str, lines: list[Line]) -> list[Paragraph]:
    """Paragraphs for text that is mostly one paragraph per line (the Fujian gazette).

    A line that stops without closing punctuation and is not a heading is continued
    by the next prose line ("…不少于5" + "年。").
    """
    paragraphs: list[Paragraph] = []
    builder: ParagraphBuilder | None = None
    open_sentence = False
    for line in lines:
        text = line.text
        if not text:
            continue
        if "\t" in line.raw:
            if builder is not None and not builder.empty:
                paragraphs.append(builder.build())
            builder = None
            paragraphs.append(table_row(source, line))
            open_sentence = False
            continue
        starts_new = (
            builder is None
            or not open_sentence
            or find_marker(text) is not None
            or text.startswith(("- ", "<!--", "#"))
        )
        if starts_new:
            if builder is not None and not builder.empty:
                paragraphs.append(builder.build())
            builder = ParagraphBuilder(source)
        builder.add_markup_free(line.stripped_span(), line.number)
        marker = find_marker(text)
        open_sentence = (
            text[-1] not in _SENTENCE_END
            and not is_bare_heading(text, marker)
            and display_width(text) > 40
        )
    if builder is not None and not builder.empty:
        paragraphs.append(builder.build())
    return paragraphs


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
