"""The corpus model every stage passes around: documents, clauses and index chunks.

Offsets are character offsets into the decoded source file (UTF-8 text, as Python
indexes it). A clause keeps the source ranges its text was built from, so any quote
can be traced back to the bytes of the gazette it came from.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

PATH_SEPARATOR = " › "


@dataclass(frozen=True)
class Span:
    """A half-open range [start, end) of characters in a source file."""

    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One official document inside a gazette issue (or one regulation file).

    ``doc_number`` is the number as printed; ``canonical_number`` normalises the
    brackets to 〔〕 so that "闽政[2022]23号" and "闽政〔2022〕23号" match.
    """

    doc_id: str
    title: str
    doc_number: str | None
    canonical_number: str | None
    issuer: str
    date: date | None
    kind: str
    valid_from: date | None
    valid_until: date | None
    validity_note: str
    repeals: tuple[str, ...]
    attachments: tuple[str, ...]
    source: str
    source_sha256: str
    span: Span
    content_hash: str
    date_sources: tuple[tuple[str, str], ...] = ()  # (field, the words it was read from): date, valid_from, valid_until

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "doc_number": self.doc_number,
            "canonical_number": self.canonical_number,
            "title": self.title,
            "issuer": self.issuer,
            "date": _iso(self.date),
            "kind": self.kind,
            "valid_from": _iso(self.valid_from),
            "valid_until": _iso(self.valid_until),
            "validity_note": self.validity_note,
            "repeals": list(self.repeals),
            "attachments": list(self.attachments),
            "source": self.source,
            "source_sha256": self.source_sha256,
            "span": [self.span.start, self.span.end],
            "content_hash": self.content_hash,
            "date_sources": [{"field": name, "sentence": words} for name, words in self.date_sources],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Document:
        return cls(
            doc_id=data["doc_id"],
            title=data["title"],
            doc_number=data["doc_number"],
            canonical_number=data["canonical_number"],
            issuer=data["issuer"],
            date=_parse_iso(data["date"]),
            kind=data["kind"],
            valid_from=_parse_iso(data["valid_from"]),
            valid_until=_parse_iso(data["valid_until"]),
            validity_note=data["validity_note"],
            repeals=tuple(data["repeals"]),
            attachments=tuple(data["attachments"]),
            source=data["source"],
            source_sha256=data["source_sha256"],
            span=Span(*data["span"]),
            content_hash=data["content_hash"],
            date_sources=tuple((d["field"], d["sentence"]) for d in data.get("date_sources", ())),
        )


@dataclass(frozen=True)
class TableCell:
    """One cell of a laid-out table: its text as printed (line breaks kept), a heading or data, its spans."""

    text: str
    header: bool = False
    rows: int = 1
    cols: int = 1

    def to_dict(self) -> dict:
        return {"text": self.text, "header": self.header, "rows": self.rows, "cols": self.cols}


@dataclass(frozen=True)
class TableGrid:
    """A table the source flattened, laid out again from the printed page (see ingest.table_layout).

    ``start``/``end`` are where the table's words begin and end in the clause's text, so a reader
    can show the text before and after it; ``note`` says what the layout could not decide.
    """

    rows: tuple[tuple[TableCell, ...], ...]
    start: int
    end: int
    note: str = ""

    def to_dict(self) -> dict:
        return {"rows": [[c.to_dict() for c in row] for row in self.rows], "start": self.start, "end": self.end, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict) -> TableGrid:
        rows = tuple(tuple(TableCell(**cell) for cell in row) for row in data["rows"])
        return cls(rows=rows, start=data["start"], end=data["end"], note=data.get("note", ""))


@dataclass(frozen=True)
class Clause:
    """The unit people cite: an article, a numbered item or task, or a table row.

    ``labels`` are the bare numbers of the section path ("二", "（一）", "1."),
    ``path`` the same levels with their headings, for display. ``text`` is the
    source text with page furniture and markup removed and broken lines re-joined;
    ``spans`` are the source ranges it was taken from, in order. ``context`` holds
    what a reader needs to understand a table row (its header) and is indexed, not
    quoted. ``flags`` say what a reader should know about the text itself: a
    "table_not_recovered" clause holds a table its source flattened into one cell per
    line, kept in reading order because its rows could not be rebuilt; a "table_laid_out"
    one has the same text plus ``table``, its grid written down from the printed page.
    """

    clause_id: str
    doc_id: str
    labels: tuple[str, ...]
    path: tuple[str, ...]
    text: str
    spans: tuple[Span, ...]
    kind: str = "item"
    context: str = ""
    ordinal: int = 0
    flags: tuple[str, ...] = ()  # e.g. "table_not_recovered": a table the source flattened to one cell per line
    table: TableGrid | None = None

    @property
    def section(self) -> str:
        return PATH_SEPARATOR.join(self.path)

    def to_dict(self) -> dict:
        return {
            "clause_id": self.clause_id,
            "doc_id": self.doc_id,
            "labels": list(self.labels),
            "path": list(self.path),
            "text": self.text,
            "spans": [[s.start, s.end] for s in self.spans],
            "kind": self.kind,
            "context": self.context,
            "ordinal": self.ordinal,
            "flags": list(self.flags),
            **({"table": self.table.to_dict()} if self.table else {}),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Clause:
        return cls(
            clause_id=data["clause_id"],
            doc_id=data["doc_id"],
            labels=tuple(data["labels"]),
            path=tuple(data["path"]),
            text=data["text"],
            spans=tuple(Span(*s) for s in data["spans"]),
            kind=data["kind"],
            context=data["context"],
            ordinal=data["ordinal"],
            flags=tuple(data.get("flags", ())),
            table=TableGrid.from_dict(data["table"]) if data.get("table") else None,
        )


@dataclass(frozen=True)
class Chunk:
    """A piece of a clause as indexed: the clause id plus the text the retrievers see.

    ``indexed_text`` carries the document title and section path so a chunk taken
    out of its document still says where it is from.
    """

    chunk_id: str
    clause_id: str
    doc_id: str
    part: int
    text: str
    indexed_text: str


@dataclass(frozen=True)
class ParsedSource:
    """Everything parsed out of one corpus file."""

    source: str
    sha256: str
    documents: tuple[Document, ...]
    clauses: tuple[Clause, ...] = field(default=())


def content_hash(text: str, length: int = 8) -> str:
    """Short, stable hash of a text with whitespace ignored (re-wrapping keeps ids)."""
    squashed = re.sub(r"\s+", "", text)
    return hashlib.sha256(squashed.encode("utf-8")).hexdigest()[:length]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_clause_id(doc_id: str, labels: tuple[str, ...], text: str) -> str:
    """A clause id stable across re-ingests: document, section labels, content hash.

    >>> make_clause_id("明政规〔2023〕5号", ("二", "（一）", "1"), "推行“一网通办”。").split("#")[0]
    '明政规〔2023〕5号/二/（一）/1'
    >>> make_clause_id("d", (), "推行 “一网通办”。") == make_clause_id("d", (), "推行“一网通办”。")
    True
    """
    path = "/".join(labels) if labels else "-"
    return f"{doc_id}/{path}#{content_hash(text)}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
