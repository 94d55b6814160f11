"""Adapter for State Council regulations in Markdown (the LawRefBook layout).

A file is ``# TITLE``, promulgation lines, ``<!-- INFO END -->``, then ``## 第X章``
headings and articles starting with ``第X条``. The file name carries the version
date: ``TITLE(YYYY-MM-DD).md``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from ingest.cleaning import Line, join_broken_lines, split_lines
from ingest.errors import CorpusError
from ingest.metadata import read_validity
from ingest.numbering import find_marker
from ingest.segmentation import Segmenter
from ingest.types import Clause, Document, Span, content_hash

_INFO_END = "<!-- INFO END -->"
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_ORDER = re.compile(r"国务院令第\s*(\d+)\s*号")


def is_regulation_file(path: Path) -> bool:
    """True for a Markdown file in the regulations layout."""
    if path.suffix != ".md" or path.name.lower() == "readme.md":
        return False
    with path.open(encoding="utf-8") as handle:
        head = handle.read(4096)
    return head.lstrip().startswith("# ") and _INFO_END in head


def parse_regulation(path: Path, source: str, sha256: str) -> tuple[list[Document], list[Clause]]:
    """Parse one regulation file into a document and its articles."""
    lines = split_lines(source)
    info_end = next((i for i, line in enumerate(lines) if line.text == _INFO_END), None)
    if info_end is None or not lines or not lines[0].text.startswith("# "):
        raise CorpusError(f"{path}: not a regulation file (expected '# TITLE' … '{_INFO_END}').")
    title = lines[0].text[2:].strip()
    info = "\n".join(line.text for line in lines[1:info_end] if line.text)
    body_lines = [_without_heading_marks(line) for line in lines[info_end + 1 :]]
    paragraphs = join_broken_lines(source, body_lines)
    match = _FILE_DATE.search(path.stem)
    version = date.fromisoformat(match.group(1)) if match else None
    orders = _ORDER.findall(info)
    doc_id = path.stem
    body_text = "\n".join(p.text for p in paragraphs)
    validity = read_validity(body_text, version)
    document = Document(
        doc_id=doc_id,
        title=title,
        doc_number=f"国务院令第{orders[-1]}号" if orders else None,
        canonical_number=f"国务院令第{orders[-1]}号" if orders else None,
        issuer="国务院",
        date=version,
        kind="行政法规",
        valid_from=validity.valid_from,
        valid_until=validity.valid_until,
        validity_note=validity.note,
        repeals=validity.repeals,
        attachments=(),
        source=str(path),
        source_sha256=sha256,
        span=Span(lines[0].start, len(source)),
        content_hash=content_hash(body_text, 16),
    )
    article_mode = any((m := find_marker(p.text)) is not None and m.kind == "article" for p in paragraphs)
    lead_lines = [line for line in lines[1:info_end] if line.text]
    lead = [("公布信息", join_broken_lines(source, lead_lines))] if lead_lines else []
    clauses = Segmenter(doc_id, article_mode=article_mode, source=source).run(paragraphs, lead=lead)
    return [document], clauses


def _without_heading_marks(line: Line) -> Line:
    """'## 第一章 总则' → '第一章 总则' with offsets moved past the hashes."""
    stripped = line.raw.lstrip()
    if not stripped.startswith("#"):
        return line
    skip = len(line.raw) - len(stripped.lstrip("#").lstrip())
    return replace(line, start=line.start + skip, raw=line.raw[skip:])
