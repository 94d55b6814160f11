"""Cut a document body into clauses: the outline of numbered items, and table rows.

Documents with articles (第X条) are cut at chapters and articles, their 款 and 项
staying inside the article. Other documents are cut at 一、/（一）/1. (and 第X阶段,
附件, 专栏); deeper numbering such as （1） or ① stays inside its item. Every table
row becomes a clause of its own, with the table header as context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.cleaning import Paragraph, strip_markup
from ingest.numbering import CN_DIGITS, Marker, find_marker, heading_of, is_bare_heading, numeral_value
from ingest.types import Clause, Span, make_clause_id

ARTICLE_KINDS = frozenset({"chapter", "part", "article", "annex"})
ITEM_KINDS = frozenset({"cn", "paren_cn", "arabic", "phase", "annex", "column"})
ANNEX_OUTLINE_KINDS = frozenset({"cn", "paren_cn"})

_CLOSING = re.compile(r"^(本(实施)?(方案|办法|通告|意见|规定|细则|规划|决定)(自|由)|各县（市）.{0,8}参照本方案)")
_CAPTION = re.compile(r"^表\s*(\d{1,2})\s*[:：]")
_TABLE_SECTION = re.compile(r"^(?:([一二三四五六七八九十]{1,3})|[（(]\s*([一二三四五六七八九十]{1,3})\s*[)）])(?:\s+|$)")


@dataclass
class _Level:
    kind: str
    label: str
    heading: str


@dataclass
class _Row:
    cells: list[list[Span | str]]
    first_line: int
    labels: tuple[str, ...]
    path: tuple[str, ...]
    category: str = ""


@dataclass
class _Table:
    label: str
    caption: str
    header: tuple[str, ...] = ()
    rows: list[_Row] = field(default_factory=list)
    sections: list[_Level] = field(default_factory=list)
    after_repeated_header: bool = False

    @property
    def numbered(self) -> bool:
        return bool(self.header) and self.header[0] == "序号"


class Segmenter:
    """Turns one document's body paragraphs into clauses.

    Usage::

        clauses = Segmenter("闽政〔2022〕23号", article_mode=True, source=text).run(paragraphs)
    """

    def __init__(self, doc_id: str, article_mode: bool, source: str = ""):
        self.doc_id = doc_id
        self.kinds = ARTICLE_KINDS if article_mode else ITEM_KINDS
        self._source_text = source  # table cells are re-read from the source
        self._pending_title: Paragraph | None = None  # a title printed before "附件N"
        self._title_after: Paragraph | None = None  # the title printed right after it
        self._stack: list[_Level] = []
        self._leaf: list[Paragraph] = []
        self._leaf_labels: tuple[str, ...] = ()
        self._leaf_path: tuple[str, ...] = ()
        self._clauses: list[Clause] = []
        self._table: _Table | None = None
        self._tables_seen = 0
        self._in_annex = False

    def run(
        self,
        paragraphs: list[Paragraph],
        lead: list[tuple[str, list[Paragraph]]] = (),
        tail: list[tuple[str, list[Paragraph]]] = (),
    ) -> list[Clause]:
        """Segment ``paragraphs``; ``lead`` and ``tail`` are named clauses before and after (cover notice, attachment list)."""
        for name, lead_paragraphs in lead:
            if lead_paragraphs:
                self._emit((name,), (name,), lead_paragraphs, kind="notice")
        if self.kinds is ARTICLE_KINDS:
            paragraphs = split_run_on_articles(paragraphs)
        for index, paragraph in enumerate(paragraphs):
            self._feed(paragraph, paragraphs[index + 1 : index + 3])
        self._close_table()
        self._flush_leaf(keep_heading=True)
        for name, tail_paragraphs in tail:
            if tail_paragraphs:
                self._emit((name,), (name,), tail_paragraphs, kind="notice")
        return self._clauses

    # -- outline -------------------------------------------------------------

    def _feed(self, paragraph: Paragraph, following: list[Paragraph]) -> None:
        """Take one paragraph; ``following`` holds the next two, for titles printed before an attachment's number."""
        if paragraph.cells:
            self._feed_row(paragraph)
            return
        if self._table is not None:
            if self._is_repeated_caption(paragraph):
                return
            self._close_table()
        marker = self._outline_marker(paragraph)
        if marker is not None:
            if marker.kind == "annex" and self._pending_title is None and following and _is_title(following[0]):
                self._title_after = following[0]
            self._open_level(paragraph, marker)
            return
        if self._starts_closing(paragraph):
            self._flush_leaf()
            self._stack.clear()
            self._leaf_labels, self._leaf_path = ("结语",), ("结语",)
        elif self._is_title_of_next_annex(paragraph, following):
            self._flush_leaf()
            self._pending_title = paragraph
            return
        self._leaf.append(paragraph)

    def _outline_marker(self, paragraph: Paragraph) -> Marker | None:
        """The marker that opens a level here, if any. Inside an attachment of a document
        with articles (a regulation's list or catalogue) the 一、 and （一） items are the
        outline; inside any other attachment (forms, tables) numbering is content."""
        marker = find_marker(paragraph.text)
        if marker is None:
            return None
        if self._in_annex and marker.kind != "annex":
            return marker if self.kinds is ARTICLE_KINDS and marker.kind in ANNEX_OUTLINE_KINDS else None
        return marker if marker.kind in self.kinds else None

    def _open_level(self, paragraph: Paragraph, marker: Marker) -> None:
        kinds = [level.kind for level in self._stack]
        # A heading is dropped (it lives on in its children's paths) only when a deeper level
        # follows; followed by a sibling it has no children, so it is content: "（五）补助集体福利事业费用。"
        self._flush_leaf(keep_heading=marker.kind in kinds)
        if marker.kind in kinds:
            del self._stack[kinds.index(marker.kind) :]
        if marker.kind == "annex":
            self._stack.clear()
            self._in_annex = True
            self._tables_seen = 0  # each attachment numbers its own tables
        heading = heading_of(paragraph.text, marker)
        if marker.kind == "annex":
            title = self._pending_title or self._title_after
            self._title_after = None
            heading = f"{marker.label} {title.text.strip() if title else ''}".strip()
        self._stack.append(_Level(marker.kind, marker.label, heading))
        self._leaf_labels = tuple(level.label for level in self._stack)
        self._leaf_path = tuple(level.heading for level in self._stack)
        if self._pending_title is not None:
            self._leaf.append(self._pending_title)
            self._pending_title = None
        self._leaf.append(paragraph)

    def _starts_closing(self, paragraph: Paragraph) -> bool:
        return bool(self._stack) and not self._in_annex and bool(_CLOSING.match(paragraph.text))

    def _is_title_of_next_annex(self, paragraph: Paragraph, following: list[Paragraph]) -> bool:
        """A short line printed just before "附件2" is that attachment's title, unless the attachment
        has its own title line right after its number: then the line ends the previous attachment
        (a form's last row "□是 □否" before the next form's page)."""
        if not following:
            return False
        marker = find_marker(following[0].text)
        if marker is None or marker.kind != "annex" or not is_bare_heading(paragraph.text, find_marker("一、"), limit=40):
            return False
        after = following[1] if len(following) > 1 else None
        return after is None or not _is_title(after)

    def _flush_leaf(self, keep_heading: bool = False) -> None:
        paragraphs = self._leaf
        self._leaf = []
        if not paragraphs:
            return
        if len(paragraphs) == 1 and self._is_heading_only(paragraphs[0]) and not keep_heading:
            return  # a heading with children: it lives on in their section paths
        at_annex_top = bool(self._stack) and self._stack[-1].kind == "annex"
        if at_annex_top and len(paragraphs) <= 2 and all(is_bare_heading(p.text, find_marker("一、"), limit=40) for p in paragraphs):
            # An attachment's number and title, followed by its table: the title names the table.
            titles = [p.text.strip() for p in paragraphs if (m := find_marker(p.text)) is None or m.kind != "annex"]
            top = self._stack[-1]
            if titles and top.heading == top.label:  # "附件1" then its title: the title names the table
                top.heading = f"{top.label} {titles[0]}"
                self._leaf_path = tuple(level.heading for level in self._stack)
            return
        labels = self._leaf_labels or ("前言",)
        path = self._leaf_path or ("前言",)
        kind = "article" if labels and labels[-1].startswith("第") and labels[-1].endswith("条") else "item"
        if self._in_annex:
            kind = "annex"
        self._emit(labels, path, paragraphs, kind=kind)

    def _is_heading_only(self, paragraph: Paragraph) -> bool:
        marker = self._outline_marker(paragraph)
        if marker is None or marker.kind == "annex":
            return False
        if marker.kind == "article":
            # An article is a rule however short ("第十九条 国家禁止出口原料血浆。"), never a heading.
            return not paragraph.text[marker.end :].strip()
        return is_bare_heading(paragraph.text, marker)

    # -- tables --------------------------------------------------------------

    def _feed_row(self, paragraph: Paragraph) -> None:
        cells = [strip_markup(c).strip() for c in paragraph.cells]
        if self._table is None:
            self._open_table()
            if looks_like_header(cells):
                self._table.header = tuple(cells)
                return
        table = self._table
        if tuple(cells) == table.header:
            table.after_repeated_header = True
            return
        after_header = table.after_repeated_header
        table.after_repeated_header = False
        section = self._table_section(cells) if table.numbered else None
        if section is not None:
            kind, label, heading, has_content = section
            names = [s.kind for s in table.sections]
            if kind in names:
                del table.sections[names.index(kind) :]
            table.sections.append(_Level(kind, label, heading))
            if not has_content:
                return
        if table.numbered and not cells[0] and table.rows and (after_header or section is None):
            self._continue_row(table.rows[-1], paragraph)
            return
        category = cells[0] or (table.rows[-1].category if table.rows and not table.numbered else "")
        row_label = self._row_label(table, cells, len(table.rows) + 1, section)
        labels = self._leaf_labels + (table.label,) + tuple(s.label for s in table.sections if s.label != row_label) + (row_label,)
        caption = () if self._leaf_path and table.caption == self._leaf_path[-1] else (table.caption,)
        path = self._leaf_path + caption + tuple(s.heading for s in table.sections if s.label != row_label)
        table.rows.append(_Row([list(p) for p in _cell_parts(paragraph)], paragraph.first_line, labels, path, category))

    def _open_table(self) -> None:
        self._tables_seen += 1
        caption_paragraph = self._leaf[-1] if self._leaf and _CAPTION.match(self._leaf[-1].text) else None
        if caption_paragraph is not None:
            self._leaf.pop()
        self._flush_leaf()
        if caption_paragraph is not None:
            number = _CAPTION.match(caption_paragraph.text).group(1)
            label, caption = f"表{number}", caption_paragraph.text
        else:
            label = "表" if self._tables_seen == 1 else f"表{self._tables_seen}"
            caption = (self._leaf_path[-1] if self._leaf_path else "表格")
        self._table = _Table(label=label, caption=caption)

    def _is_repeated_caption(self, paragraph: Paragraph) -> bool:
        match = _CAPTION.match(paragraph.text)
        return bool(match) and self._table is not None and self._table.label == f"表{match.group(1)}"

    @staticmethod
    def _table_section(cells: list[str]) -> tuple[str, str, str, bool] | None:
        """A row such as "一 | 推进政务服务标准化" or " | <h4>(一) …</h4>" that opens a part of the table."""
        first = cells[0]
        text = first if first else (cells[1] if len(cells) > 1 else "")
        has_content = any(c for c in cells[2:])
        match = _TABLE_SECTION.match(text)
        if not match:
            return None
        if first and not match.group(0).strip() == first.strip() and len(cells) > 1 and cells[1]:
            return None
        if not first and has_content:
            return None
        heading_rest = text[match.end() :].strip() or (cells[1] if first and len(cells) > 1 and not has_content else "")
        if match.group(1):
            kind, label = "cn", match.group(1)
        else:
            kind, label = "paren_cn", f"（{match.group(2)}）"
        heading = f"{match.group(0).strip()} {heading_rest}".strip()
        if has_content:
            heading = match.group(0).strip()
        return kind, label, heading, has_content

    @staticmethod
    def _row_label(table: _Table, cells: list[str], ordinal: int, section) -> str:
        if section is not None:
            return section[1]
        if "序号" in table.header:
            value = cells[table.header.index("序号")]
            if value:
                return value
        return str(ordinal)

    @staticmethod
    def _continue_row(row: _Row, paragraph: Paragraph) -> None:
        """A row split by a page break: its cells go on in the next row."""
        for index, parts in enumerate(_cell_parts(paragraph)):
            if not any(isinstance(p, Span) for p in parts):
                continue
            while index >= len(row.cells):
                row.cells.append([])
            row.cells[index].extend(parts)

    def _close_table(self) -> None:
        table = self._table
        self._table = None
        if table is None:
            return
        for row in table.rows:
            texts = [_render(cell, self._source_text).strip() for cell in row.cells]
            parts: list[Span | str] = []
            for cell in row.cells:
                if not any(isinstance(p, Span) for p in cell):
                    continue
                if parts:
                    parts.append("\t")
                parts.extend(cell)
            heading = f"{row.labels[-1]} {_short(_row_name(table.header, texts))}".strip()
            context = "；".join(f"{h}：{c}" for h, c in zip(table.header, texts) if h and c)
            if row.category and not texts[0] and table.header:
                context = f"{table.header[0]}：{row.category}；{context}"
            paragraph = Paragraph(tuple(parts), _render(parts, self._source_text), row.first_line, row.first_line)
            self._emit(row.labels, row.path + (heading,), [paragraph], kind="table_row", context=f"{table.caption}｜{context}")

    # -- output --------------------------------------------------------------

    def _emit(self, labels: tuple[str, ...], path: tuple[str, ...], paragraphs: list[Paragraph], kind: str, context: str = "") -> None:
        parts: list[Span | str] = []
        for paragraph in paragraphs:
            if parts:
                parts.append("\n")
            parts.extend(paragraph.parts)
        text = "\n".join(p.text for p in paragraphs)
        spans = _merge_spans([p for p in parts if isinstance(p, Span)])
        clause_id = make_clause_id(self.doc_id, labels, text)
        taken = {c.clause_id for c in self._clauses}
        suffix = 2
        base = clause_id
        while clause_id in taken:
            clause_id = f"{base}~{suffix}"
            suffix += 1
        self._clauses.append(
            Clause(
                clause_id=clause_id,
                doc_id=self.doc_id,
                labels=labels,
                path=path,
                text=text,
                spans=spans,
                kind=kind,
                context=context,
                ordinal=len(self._clauses),
                flags=("table_not_recovered",) if kind != "table_row" and flattened_table(paragraphs) else (),
            )
        )


_SENTENCE_STOP = re.compile(r"[。；！？!?;]")
FLATTENED_RUN = 8  # consecutive cell-like lines that mark a flattened table


def _is_title(paragraph: Paragraph) -> bool:
    """A short line with no number and no cells: an attachment's or a table's title."""
    return not paragraph.cells and find_marker(paragraph.text) is None and is_bare_heading(paragraph.text, find_marker("一、"), limit=40)


def flattened_table(paragraphs: list[Paragraph]) -> bool:
    """Whether a clause holds a table flattened to one cell per line: a run of at least
    ``FLATTENED_RUN`` short, unnumbered lines without a sentence end ("保险金额", "150万元",
    "70%"…). Its rows cannot be rebuilt from the text alone, so the clause says so instead
    of passing as prose; a numbered list ("1．锆", "2．硼") is not a table.

    >>> flattened_table([Paragraph((), t, 1, 1) for t in "责任一 责任二 保险金额 150万元 3万元 年免赔额 0.5万元 2万元".split()])
    True
    >>> flattened_table([Paragraph((), f"{n}．锆", 1, 1) for n in range(1, 12)])
    False
    """
    run = 0
    for paragraph in paragraphs:
        for line in paragraph.text.split("\n"):
            line = line.strip()
            if line and len(line) <= 16 and not _SENTENCE_STOP.search(line) and find_marker(line) is None:
                run += 1
                if run >= FLATTENED_RUN:
                    return True
            else:
                run = 0
    return False


def looks_like_header(cells: list[str]) -> bool:
    """A table's first row is its header when its cells are short labels; a first row that
    already holds content ("重点流域 | 东南诸河：闽江、沙溪…") is a row of a headerless table.

    >>> looks_like_header(["序号", "事项内容", "责任单位", "完成时限"])
    True
    >>> looks_like_header(["重点流域", "东南诸河：闽江、沙溪、建溪、富屯溪、九龙江"])
    False
    """
    filled = [c for c in cells if c]
    return bool(filled) and all(len(c) <= 16 and not re.search(r"[。；：，、:;]", c) for c in filled)


_INLINE_ARTICLE = re.compile(rf"(?<=[。；])[ \t\u3000]*(?=第([{CN_DIGITS}]+)条[ \t\u3000])")


def split_run_on_articles(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Articles a source runs together on one line ("…制定本规则。 第二条 凡辖有…") become
    paragraphs of their own. Only the next article number in sequence starts one after a
    sentence end, so a cross-reference ("依照本条例第十二条 规定") never does.

    >>> from ingest.types import Span
    >>> p = Paragraph((Span(0, 28),), "第一条 甲。 第二条 乙，见第五条 规定。 第三条 丙。", 1, 1)
    >>> [q.text for q in split_run_on_articles([p])]
    ['第一条 甲。', '第二条 乙，见第五条 规定。', '第三条 丙。']
    """
    result: list[Paragraph] = []
    last = 0
    for paragraph in paragraphs:
        marker = find_marker(paragraph.text)
        if marker is not None and marker.kind == "article":
            last = numeral_value(marker.number) or last
        cuts = []
        for match in _INLINE_ARTICLE.finditer(paragraph.text):
            if last and numeral_value(match.group(1)) == last + 1:
                cuts.append(match.start())
                last += 1
        result.extend(paragraph.split(cuts) if cuts else [paragraph])
    return result


_NAME_COLUMNS = ("事项内容", "指标名称", "主要指标", "二级分类", "一级分类")


def _row_name(header: tuple[str, ...], texts: list[str]) -> str:
    """The cell that names a row: its 事项内容/指标名称 column, else its first non-number cell."""
    for name in _NAME_COLUMNS:
        if name in header and header.index(name) < len(texts) and texts[header.index(name)]:
            return texts[header.index(name)]
    skip = header.index("序号") if "序号" in header else -1
    return next((t for i, t in enumerate(texts) if t and i != skip), "")


def _short(name: str, limit: int = 16) -> str:
    """A row's name for its section path: up to the first full stop, at most ``limit`` characters."""
    name = name.split("。")[0]
    return name if len(name) <= limit else name[:limit] + "…"


def _cell_parts(paragraph: Paragraph) -> list[list[Span | str]]:
    """Split a table-row paragraph's parts back into cells at its synthetic tabs."""
    cells: list[list[Span | str]] = [[]]
    for part in paragraph.parts:
        if part == "\t":
            cells.append([])
        else:
            cells[-1].append(part)
    return cells


def _render(parts: list[Span | str], source: str) -> str:
    return "".join(p if isinstance(p, str) else source[p.start : p.end] for p in parts)


def _merge_spans(spans: list[Span]) -> tuple[Span, ...]:
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].end == span.start:
            merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(merged)
