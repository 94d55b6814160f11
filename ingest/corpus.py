"""Find and verify the corpus: gazette issues listed in a manifest, or a folder of regulations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ingest.errors import CorpusError
from ingest.gazette import IssueLayout, parse_issue
from ingest.regulations import is_regulation_file, parse_regulation
from ingest.table_layout import load_layouts
from ingest.types import ParsedSource, sha256_of

MANIFEST = "manifest.yaml"
_ENTRY_KEYS = {"issue_id", "publisher", "issue", "date", "file", "sha256", "layout", "furniture", "furniture_patterns", "tables"}
_REQUIRED = {"issue_id", "publisher", "issue", "file", "sha256", "layout"}


@dataclass(frozen=True)
class SourceFile:
    """One file of the corpus, with how to read it."""

    path: Path
    name: str  # as shown in citations and `docs --json` ("gazettes/fujian-2022-11.txt")
    sha256: str
    layout: IssueLayout | None  # None for a regulation file


def discover(corpus_dir: Path) -> list[SourceFile]:
    """List the source files of one corpus folder, checking the manifest's hashes."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"语料目录不存在：{corpus_dir}")
    manifest = corpus_dir / MANIFEST
    if manifest.exists():
        return list(_from_manifest(corpus_dir, manifest))
    files = sorted(p for p in corpus_dir.glob("*.md") if is_regulation_file(p))
    if not files:
        raise CorpusError(
            f"{corpus_dir}: neither a {MANIFEST} (gazette issues) nor Markdown regulations (# TITLE … <!-- INFO END -->) found."
        )
    return [SourceFile(p, str(p), sha256_of(p), None) for p in files]


def _from_manifest(corpus_dir: Path, manifest: Path) -> Iterator[SourceFile]:
    try:
        data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise CorpusError(f"{manifest}: not valid YAML: {error}") from error
    entries = data.get("gazettes")
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{manifest}: expected a 'gazettes:' list of issues.")
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        where = f"{manifest} entry {position}"
        unknown = set(entry) - _ENTRY_KEYS
        if unknown:
            raise CorpusError(f"{where}: unknown keys {sorted(unknown)}. Valid keys: {sorted(_ENTRY_KEYS)}.")
        missing = _REQUIRED - set(entry)
        if missing:
            raise CorpusError(f"{where}: missing keys {sorted(missing)}.")
        if entry["issue_id"] in seen:
            raise CorpusError(f"{where}: duplicate issue_id {entry['issue_id']!r}.")
        seen.add(entry["issue_id"])
        path = corpus_dir / entry["file"]
        if not path.exists():
            raise CorpusError(f"{where}: file {path} does not exist.")
        actual = sha256_of(path)
        if actual != entry["sha256"]:
            raise CorpusError(
                f"{path}: sha256 is {actual}, the manifest says {entry['sha256']}. "
                "The gazette text must stay byte-for-byte as published; restore it, or update the manifest if this is a deliberate new version."
            )
        issue_date = entry.get("date")
        if issue_date is not None and not isinstance(issue_date, date):
            raise CorpusError(f"{where}: date must be YYYY-MM-DD or null, got {issue_date!r}.")
        layout = IssueLayout(
            issue_id=entry["issue_id"],
            publisher=entry["publisher"],
            layout=entry["layout"],
            furniture=tuple(entry.get("furniture") or ()),
            furniture_patterns=tuple(entry.get("furniture_patterns") or ()),
            issue_date=issue_date,
            tables=load_layouts(corpus_dir / entry["tables"]) if entry.get("tables") else (),
        )
        yield SourceFile(path, entry["file"], actual, layout)


def parse(source: SourceFile) -> ParsedSource:
    """Parse one source file into documents and clauses."""
    text = source.path.read_text(encoding="utf-8")
    if source.layout is None:
        documents, clauses = parse_regulation(source.path, text, source.sha256)
    else:
        documents, clauses = parse_issue(text, source.layout, source.name, source.sha256)
    return ParsedSource(source.name, source.sha256, tuple(documents), tuple(clauses))
