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

from ingest.cleaning import Line, reflow, split_lines
from ingest.errors import CorpusError
from ingest.metadata import Validity, read_validity
from ingest.numbering import find_marker
from ingest.segmentation import Segmenter
from ingest.types import Clause, Document, Span, content_hash

_INFO_END = "<!-- INFO END -->"
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")
_STATE_COUNCIL_ORDER = re.compile(r"国务院令第\s*(\d+)\s*号")
# Any promulgating body's order: "交通部令第8号", "国务院、中央军事委员会令第22号", "…委员会第14号令".
_ORDER = re.compile(r"([^\s\d《》〈〉（）()，,]{2,40}?)(?:令第\s*(\d+)\s*号|第\s*(\d+)\s*号令)")
_IN_FORCE_LINE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起\s*)?施行$")


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
    paragraphs = reflow(source, body_lines)
    match = _FILE_DATE.search(path.stem)
    version = date.fromisoformat(match.group(1)) if match else None
    number = order_number(info)
    doc_id = path.stem
    body_text = "\n".join(p.text for p in paragraphs)
    validity = read_validity(body_text, version)
    if validity.valid_from is None:
        validity = _in_force_from_info(info, validity)
    document = Document(
        doc_id=doc_id,
        title=title,
        doc_number=number,
        canonical_number=number,
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
        date_sources=((("date", f"文件名中的版本日期：{path.name}"),) if version else ()) + validity.sources,
    )
    article_mode = any((m := find_marker(p.text)) is not None and m.kind == "article" for p in paragraphs)
    lead_lines = [line for line in lines[1:info_end] if line.text]
    lead = [("公布信息", reflow(source, lead_lines))] if lead_lines else []
    clauses = Segmenter(doc_id, article_mode=article_mode, source=source).run(paragraphs, lead=lead)
    return [document], clauses


def order_number(info: str) -> str | None:
    r"""The order a regulation was promulgated or last revised by, from its promulgation lines:
    the last 国务院令 when there is one, else the last order of any body.

    >>> order_number("1996年10月3日 中华人民共和国交通部令第8号发布")
    '交通部令第8号'
    >>> order_number("1988年9月23日 中华人民共和国国务院、中华人民共和国中央军事委员会第14号令发布")
    '国务院、中央军事委员会令第14号'
    >>> order_number("2005年 国务院令第442号公布\n2016年 中华人民共和国国务院令第666号修订")
    '国务院令第666号'
    """
    state_council = _STATE_COUNCIL_ORDER.findall(info)
    if state_council:
        return f"国务院令第{state_council[-1]}号"
    found = [(issuer.replace("中华人民共和国", "").strip("、"), a or b) for issuer, a, b in _ORDER.findall(info)]
    found = [(issuer, number) for issuer, number in found if issuer]
    return f"{found[-1][0]}令第{found[-1][1]}号" if found else None


def _in_force_from_info(info: str, validity: Validity) -> Validity:
    """A promulgation line "2022年3月1日 施行" when the body states no in-force date."""
    for line in info.splitlines():
        match = _IN_FORCE_LINE.match(line.strip())
        if match:
            start = date(*(int(g) for g in match.groups()))
            return replace(validity, valid_from=start, note=line.strip(), sources=(("valid_from", line.strip()), *validity.sources))
    return validity


def _without_heading_marks(line: Line) -> Line:
    """'## 第一章 总则' → '第一章 总则' with offsets moved past the hashes."""
    stripped = line.raw.lstrip()
    if not stripped.startswith("#"):
        return line
    skip = len(line.raw) - len(stripped.lstrip("#").lstrip())
    return replace(line, start=line.start + skip, raw=line.raw[skip:])
