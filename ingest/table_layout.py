"""Tables the extracted text flattened to one cell per line, laid out again from the printed issue.

A PDF's text extraction keeps a table's words but not its grid: the cells come out one per
line, in an order no reader can undo without the page. Where an issue's table matters, a person
reads the printed page once and writes its grid down as data (``tables:`` in the manifest entry,
a YAML file beside the issue). Ingestion then checks that layout against the clause it belongs
to: every cell's words must be found in the clause's text, each place used by one cell only,
and no words between the table's first and last cell may be left out. A laid-out table therefore
shows only gazette words, all of them, and fails loudly when the text or the parser changes
under it.

The file lists tables by document number and section path::

    tables:
      - document: 明政办规〔2023〕5号
        section: 三、主要内容 › （六）待遇水平 › 2. 起付标准
        note: what the layout could not decide, said plainly (optional)
        rows:
          - [{th: 保险责任, rows: 2}, {th: 责任一}, {th: 责任二}]
          - [统筹区内…保险金, {td: 统筹区外…保险金}]

A cell is a string (a data cell) or a mapping with ``th`` (a heading) or ``td`` (data) and
optional ``rows``/``cols`` spans; line breaks inside a cell's text are kept for display and
ignored when checking it against the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ingest.errors import CorpusError
from ingest.types import Clause, Document, TableCell, TableGrid

NOT_RECOVERED = "table_not_recovered"
LAID_OUT = "table_laid_out"
_SPACE = re.compile(r"\s")
_CELL_KEYS = {"th", "td", "rows", "cols"}
_TABLE_KEYS = {"document", "section", "note", "rows"}


@dataclass(frozen=True)
class TableLayout:
    """One table's grid as written down from the printed page, before it is checked."""

    document: str  # the document number, as printed
    section: str  # the clause's section path, levels joined by " › "
    rows: tuple[tuple[TableCell, ...], ...]
    note: str = ""
    where: str = ""  # "file, table N", for error messages


def load_layouts(path: Path) -> tuple[TableLayout, ...]:
    """Read a table-layout file, checking its shape (not yet its cells against the text)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as error:
        raise CorpusError(f"{path}: table-layout file named in the manifest does not exist.") from error
    except yaml.YAMLError as error:
        raise CorpusError(f"{path}: not valid YAML: {error}") from error
    entries = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise CorpusError(f"{path}: expected a 'tables:' list.")
    return tuple(_layout(entry, f"{path}, table {n}") for n, entry in enumerate(entries, start=1))


def _layout(entry: object, where: str) -> TableLayout:
    if not isinstance(entry, dict):
        raise CorpusError(f"{where}: expected a mapping with keys {sorted(_TABLE_KEYS)}.")
    unknown = set(entry) - _TABLE_KEYS
    missing = {"document", "section", "rows"} - set(entry)
    if unknown or missing:
        raise CorpusError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}.")
    rows = entry["rows"]
    if not isinstance(rows, list) or not all(isinstance(row, list) and row for row in rows) or not rows:
        raise CorpusError(f"{where}: 'rows' must be a list of non-empty lists of cells.")
    grid = tuple(tuple(_cell(cell, f"{where}, row {r}, cell {c}") for c, cell in enumerate(row, start=1)) for r, row in enumerate(rows, start=1))
    _check_grid(grid, where)
    return TableLayout(str(entry["document"]), str(entry["section"]), grid, str(entry.get("note") or ""), where)


def _cell(cell: object, where: str) -> TableCell:
    if isinstance(cell, (str, int, float)):
        return TableCell(str(cell))
    if not isinstance(cell, dict) or set(cell) - _CELL_KEYS or ("th" in cell) == ("td" in cell):
        raise CorpusError(f"{where}: a cell is a string, or a mapping with exactly one of 'th'/'td' and optional 'rows'/'cols'; got {cell!r}.")
    spans = {key: cell.get(key, 1) for key in ("rows", "cols")}
    if not all(isinstance(v, int) and v >= 1 for v in spans.values()):
        raise CorpusError(f"{where}: 'rows' and 'cols' must be whole numbers from 1; got {spans}.")
    text = str(cell.get("th", cell.get("td")))
    if not _SPACE.sub("", text):
        raise CorpusError(f"{where}: a cell has no text.")
    return TableCell(text, header="th" in cell, rows=spans["rows"], cols=spans["cols"])


def _check_grid(rows: tuple[tuple[TableCell, ...], ...], where: str) -> None:
    """Every row, with the cells that reach down into it from above, fills the same width."""
    taken: dict[int, set[int]] = {}  # row -> columns already covered by a span from above
    widths = []
    for r, row in enumerate(rows):
        column = 0
        for cell in row:
            while column in taken.get(r, set()):
                column += 1
            for down in range(r, r + cell.rows):
                taken.setdefault(down, set()).update(range(column, column + cell.cols))
            column += cell.cols
        widths.append(max(taken.get(r, {0})) + 1)
        if taken[r] != set(range(widths[-1])):
            raise CorpusError(f"{where}, row {r + 1}: columns {sorted(set(range(widths[-1])) - taken[r])} are left empty.")
    if len(set(widths)) > 1 or max(taken) >= len(rows):
        raise CorpusError(
            f"{where}: rows must be equally wide and spans must end inside the table; row widths are {widths}"
            + (f", and a span reaches row {max(taken) + 1} of {len(rows)}." if max(taken) >= len(rows) else ".")
        )


def apply_layouts(layouts: Iterable[TableLayout], documents: list[Document], clauses: list[Clause], source_name: str) -> list[Clause]:
    """The clauses with each laid-out table attached to its clause, after checking it against the text."""
    numbers = {d.doc_id: d.doc_number for d in documents}
    out = list(clauses)
    for layout in layouts:
        at = [i for i, c in enumerate(out) if numbers.get(c.doc_id) == layout.document and c.section == layout.section]
        if len(at) != 1:
            sections = sorted({c.section for c in out if numbers.get(c.doc_id) == layout.document and "table" in c.kind + "".join(c.flags)})
            raise CorpusError(
                f"{layout.where}: {'no' if not at else len(at)} clause(s) of {layout.document} in {source_name} have the section "
                f"{layout.section!r}. Sections there that hold tables: {sections or 'none'}. "
                "Correct the section path (levels joined by ' › '), or remove the layout if the table is now read by the parser."
            )
        clause = out[at[0]]
        grid = check_against(layout, clause.text)
        flags = tuple(f for f in clause.flags if f != NOT_RECOVERED) + (LAID_OUT,)
        out[at[0]] = replace(clause, table=grid, flags=flags)
    return out


def check_against(layout: TableLayout, text: str) -> TableGrid:
    """Find every cell of the layout in the clause text; the table's place in it, or a CorpusError."""
    kept = [(i, ch) for i, ch in enumerate(text) if not _SPACE.match(ch)]
    squeezed = "".join(ch for _, ch in kept)
    used = [False] * len(squeezed)
    cells = [cell for row in layout.rows for cell in row]
    # Longer cells first, so a short cell ("50%") cannot take the place of a longer one ("B类50%").
    for cell in sorted(cells, key=lambda c: -len(_SPACE.sub("", c.text))):
        words = _SPACE.sub("", cell.text)
        place = _free_place(squeezed, words, used)
        if place is None:
            times = squeezed.count(words)
            raise CorpusError(
                f"{layout.where}: the cell {cell.text!r} is "
                + (f"in the text {times} time(s), each already used by another cell" if times else "not in the clause's text")
                + f" ({layout.document} {layout.section}). Copy cells from the gazette text exactly; line breaks and spaces may differ."
            )
        used[place : place + len(words)] = [True] * len(words)
    first = used.index(True)
    last = len(used) - used[::-1].index(True)
    missing = "".join(squeezed[i] if not used[i] else "|" for i in range(first, last)).strip("|")
    if missing:
        gaps = [gap for gap in missing.split("|") if gap]
        raise CorpusError(
            f"{layout.where}: words of the table are in no cell: {gaps[:5]} ({layout.document} {layout.section}). "
            "A laid-out table must hold every word the gazette prints between its first and last cell."
        )
    return TableGrid(rows=layout.rows, start=kept[first][0], end=kept[last - 1][0] + 1, note=layout.note)


def _free_place(text: str, words: str, used: list[bool]) -> int | None:
    start = text.find(words)
    while start != -1:
        if not any(used[start : start + len(words)]):
            return start
        start = text.find(words, start + 1)
    return None

