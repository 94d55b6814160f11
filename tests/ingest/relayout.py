"""Re-lay a gazette issue the way a PDF extractor would: the same words, other line breaks.

Each paragraph of the canonical parse is wrapped at a fixed display width (a full-width
character counts 1, ASCII ½; closing punctuation is never put at the start of a line, as
typesetters do), pages of 28–40 lines get the issue's running header and a page number,
and the first line of each page starts with a space (as pdftotext marks it). Table rows
stay whole tab-separated lines, as extractors that keep tables emit them. A 文号 or a title
may be broken across lines like any other text. Used by the property tests: ingestion must read the same documents and
clauses from every such layout.
"""

from __future__ import annotations

import random
from dataclasses import replace

from ingest.gazette import IssueLayout, parse_paragraphs

_NO_LINE_START = "。，、；：！？）》”’」』】,.;:!?)"


def wrap(text: str, width: float) -> list[str]:
    """Break one paragraph into lines of at most ``width``, never starting a line with closing punctuation."""
    lines: list[str] = []
    current, used = "", 0.0
    for ch in text:
        w = 0.5 if ord(ch) < 128 else 1.0
        if current and used + w > width and ch not in _NO_LINE_START:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += w
    if current:
        lines.append(current)
    return lines


def relayout(source: str, layout: IssueLayout, width: float, seed: int, header: tuple[str, ...]) -> tuple[str, IssueLayout]:
    """The issue re-laid at ``width`` with ``header`` lines and a page number on every page;
    returns the new text and the manifest entry that reads it (layout ``pdf``)."""
    rng = random.Random(seed)
    lines: list[str] = []
    for paragraph in parse_paragraphs(source, layout):
        if paragraph.cells:
            lines.append("\t".join(paragraph.cells))
            continue
        for piece in paragraph.text.split("\n"):
            lines.extend(wrap(piece.strip(), width) if piece.strip() else [])
    out: list[str] = []
    page, left = 1, rng.randint(28, 40)
    for line in lines:
        if left == 0:
            page += 1
            out.extend([*header, str(page)])
            out.append(" " + line)  # pdftotext starts a page with a space
            left = rng.randint(28, 40)
        else:
            out.append(line)
        left -= 1
    new_layout = replace(layout, layout="pdf", furniture=tuple(dict.fromkeys(layout.furniture + header)))
    return "\n".join(out) + "\n", new_layout

