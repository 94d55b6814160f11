"""Split a gazette issue into its documents and read each document's metadata.

Whatever the layout — text extracted from a PDF (wrapped lines, page furniture) or one
paragraph per line with tab-separated tables — lines are re-joined by what they say
(``cleaning.reflow``), and documents are cut by their structure: a document starts at
its title, which stands right above its document number (明政规〔2023〕5号, 闽政[2022]23号,
any issuer's prefix) or, for a government order, above "第227号" under "…人民政府令";
it is signed by an issuer line and a date line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.cleaning import Line, Paragraph, reflow, split_lines
from ingest.errors import CorpusError
from ingest.metadata import DATE_LINE, DOC_NUMBER, ORDER_NUMBER, canonical_number, kind_of, parse_cn_date, read_validity
from ingest.numbering import find_marker
from ingest.segmentation import Segmenter
from ingest.table_layout import TableLayout, apply_layouts
from ingest.types import Clause, Document, Span, content_hash

# Any government's issuer line, order head and signer, not only the two issues we ship.
_ISSUER = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:人民政府(?:办公室|办公厅)?|委员会|管理委员会)$")
_ORDER_HEAD = re.compile(r"^([\u4e00-\u9fff]{2,16}人民政府)令$")
_SIGNER = re.compile(r"^[省市县区州]\s*长(\s*\S){2,4}$")
_TITLE_START = re.compile(r"^[\u4e00-\u9fff]{2,16}(?:人民政府|办公室|办公厅|委员会)")
_ATTACHMENT_LIST = re.compile(r"^附\s*件\s*[:：]\s*(.*)$")
_SENTENCE_END = "。；！？：:"


@dataclass(frozen=True)
class IssueLayout:
    """How one gazette issue is printed: its layout and its page furniture."""

    issue_id: str
    publisher: str
    layout: str  # "pdf" or "plain"
    furniture: tuple[str, ...] = ()
    furniture_patterns: tuple[str, ...] = ()
    issue_date: object = None
    tables: tuple[TableLayout, ...] = ()  # flattened tables laid out from the printed page


@dataclass
class _DocCut:
    title_start: int  # paragraph index of the title's first paragraph
    number_index: int  # paragraph index of the document number (or order number)
    printed_number: str
    is_order: bool


def parse_paragraphs(source: str, layout: IssueLayout, source_name: str = "") -> list[Paragraph]:
    """The issue's paragraphs and table rows, page furniture left out and broken lines re-joined."""
    lines = [line for line in split_lines(source) if not is_furniture(line, layout)]
    lines = _drop_page_numbers(split_lines(source), lines, layout)
    if layout.layout not in ("pdf", "plain"):
        raise CorpusError(f"{source_name}: unknown layout {layout.layout!r}. Choose from 'pdf', 'plain'.")
    return reflow(source, lines)  # the same reading for both: line widths are estimated, not assumed


def parse_issue(source: str, layout: IssueLayout, source_name: str, sha256: str) -> tuple[list[Document], list[Clause]]:
    """Parse one gazette issue into documents and their clauses."""
    paragraphs = parse_paragraphs(source, layout, source_name)
    cuts = _find_documents(paragraphs)
    if not cuts:
        raise CorpusError(f"{source_name}: no document number (such as 明政规〔2023〕5号) found; is this a gazette issue?")
    documents: list[Document] = []
    clauses: list[Clause] = []
    for index, cut in enumerate(cuts):
        end = cuts[index + 1].title_start if index + 1 < len(cuts) else len(paragraphs)
        doc_paragraphs = paragraphs[cut.title_start : end]
        built = _build_document(source, cut, doc_paragraphs, cut.number_index - cut.title_start, layout, source_name, sha256)
        for document, doc_clauses in built:
            documents.append(document)
            clauses.extend(doc_clauses)
    return documents, apply_layouts(layout.tables, documents, clauses, source_name)


def without_furniture(source: str, layout: IssueLayout) -> str:
    """The issue's text with page-furniture lines left out (for checking quotes against it)."""
    lines = [line for line in split_lines(source) if not is_furniture(line, layout)]
    return "\n".join(line.raw for line in _drop_page_numbers(split_lines(source), lines, layout))


def is_furniture(line: Line, layout: IssueLayout) -> bool:
    """A line the issue's manifest names as page furniture (header, footer, cover text)."""
    text = line.text
    if not text:
        return False
    if text in layout.furniture:
        return True
    return any(re.search(pattern, text) for pattern in layout.furniture_patterns)


def _drop_page_numbers(all_lines: list[Line], kept: list[Line], layout: IssueLayout) -> list[Line]:
    """Bare page numbers are furniture only next to other furniture (a table's 序号 is not)."""
    furniture_lines = {line.number for line in all_lines if is_furniture(line, layout)}
    if not furniture_lines:
        return kept
    non_blank = [line for line in all_lines if line.text]
    position = {line.number: i for i, line in enumerate(non_blank)}
    candidates = []
    for line in kept:
        if not re.fullmatch(r"\d{1,3}", line.text):
            continue
        i = position[line.number]
        neighbours = non_blank[max(0, i - 2) : i] + non_blank[i + 1 : i + 3]
        if any(n.number in furniture_lines for n in neighbours):
            candidates.append(line)
    # Page numbers also rise through the issue: of the bare numbers beside furniture, the
    # longest rising run is the pages; a "3" in a form beside a page header is content.
    drop = {line.number for line in _longest_rising(candidates)}
    return [line for line in kept if line.number not in drop]


def _longest_rising(lines: list[Line]) -> list[Line]:
    """The longest subsequence whose numbers strictly rise (earliest on ties)."""
    values = [int(line.text) for line in lines]
    best = [1] * len(values)
    before = [-1] * len(values)
    for j in range(len(values)):
        for i in range(j):
            if values[i] < values[j] and best[i] + 1 > best[j]:
                best[j], before[j] = best[i] + 1, i
    if not values:
        return []
    end = max(range(len(values)), key=lambda k: (best[k], -k))
    chain = []
    while end >= 0:
        chain.append(lines[end])
        end = before[end]
    return chain[::-1]


def _find_documents(paragraphs: list[Paragraph]) -> list[_DocCut]:
    cuts: list[_DocCut] = []
    for index, paragraph in enumerate(paragraphs):
        text = paragraph.text.strip()
        if DOC_NUMBER.match(text):
            start = _title_start(paragraphs, index)
            cuts.append(_DocCut(start, index, text, is_order=False))
        elif ORDER_NUMBER.match(text) and index > 0 and _ORDER_HEAD.match(paragraphs[index - 1].text.strip()):
            number = _ORDER_HEAD.match(paragraphs[index - 1].text.strip()).group(0) + re.sub(r"\s+", "", text)
            cuts.append(_DocCut(index - 1, index, number, is_order=True))
    return cuts


def _title_start(paragraphs: list[Paragraph], number_index: int) -> int:
    """Walk back from the document number to the title's first line ("三明市人民政府…关于")."""
    for back in range(1, 5):
        index = number_index - back
        if index < 0:
            break
        text = paragraphs[index].text.strip()
        if text[-1:] in _SENTENCE_END and back > 1:
            break
        if _TITLE_START.match(text):
            return index
    return number_index - 1


def _build_document(
    source: str,
    cut: _DocCut,
    paragraphs: list[Paragraph],
    number_offset: int,
    layout: IssueLayout,
    source_name: str,
    sha256: str,
) -> list[tuple[Document, list[Clause]]]:
    title_paragraphs = paragraphs[:number_offset] if not cut.is_order else []
    rest = paragraphs[number_offset + 1 :]
    signature = _find_signature(rest)
    printed = cut.printed_number
    canonical = canonical_number(printed)
    trailing: list[Paragraph] = []
    lead: list[tuple[str, list[Paragraph]]] = []
    if cut.is_order:
        issuer = printed[: printed.index("令")] if "令" in printed else layout.publisher
        sign_end = signature[1] + 1 if signature else 0
        issued = parse_cn_date(rest[signature[1]].text) if signature else None
        date_line = rest[signature[1]].text.strip() if signature else ""
        at = _order_title(rest)
        if at is not None and signature and at < signature[0]:  # title above the promulgation note
            title = _squash(rest[at].text)
            lead.append(("公布令", rest[at + 1 : sign_end]))
            body = rest[sign_end:]
        else:  # title under the signature, as the Fujian gazette prints it
            at = at if at is not None and at >= sign_end else sign_end
            title = _squash(rest[at].text) if at < len(rest) else printed
            lead.append(("公布令", rest[:sign_end]))
            body = rest[at + 1 :]
    else:
        title = _squash("".join(p.text for p in title_paragraphs))
        if signature is None:
            raise CorpusError(f"{source_name}: {printed} has no signature (issuer and date lines); cannot read its date.")
        sign_at, date_at = signature
        issuer = rest[sign_at].text.strip()
        issued = parse_cn_date(rest[date_at].text)
        date_line = rest[date_at].text.strip()
        if "印发" in title:
            lead.append(("印发通知", rest[: date_at + 1]))
            body = _skip_attached_title(rest[date_at + 1 :])
        else:
            body = rest[:sign_at]
            trailing = rest[date_at + 1 :]
    attachments, body = _split_attachment_list(body)
    full_text = "\n".join(p.text for p in paragraphs)
    validity = read_validity("\n".join(p.text for p in body) or full_text, issued)
    document = Document(
        doc_id=canonical,
        title=title,
        doc_number=_squash(printed),
        canonical_number=canonical,
        issuer=issuer,
        date=issued,
        kind=kind_of(title, canonical),
        valid_from=validity.valid_from,
        valid_until=validity.valid_until,
        validity_note=validity.note,
        repeals=validity.repeals,
        attachments=tuple(name for name, _ in attachments),
        source=source_name,
        source_sha256=sha256,
        span=_span_of(paragraphs if not trailing else paragraphs[: len(paragraphs) - len(trailing)]),
        content_hash=content_hash(full_text, 16),
        date_sources=((("date", date_line),) if issued and date_line else ()) + validity.sources,
    )
    article_mode = any((m := find_marker(p.text)) is not None and m.kind == "article" for p in body)
    segmenter = Segmenter(document.doc_id, article_mode=article_mode, source=source)
    tail = [("附件清单", [p for _, ps in attachments for p in ps])] if attachments else []
    built = [(document, segmenter.run(body, lead=lead, tail=tail))]
    if trailing:
        built.append(_closing_note(source, trailing, layout, source_name, sha256))
    return built


_RULE_TITLE = re.compile(r"^[\u4e00-\u9fff“”《》（）()、]{4,40}(?:办法|规定|条例|细则|规则|决定)$")


def _order_title(paragraphs: list[Paragraph]) -> int | None:
    """Index of a government order's title (a short line naming a 办法/规定…) before its first article."""
    for index, paragraph in enumerate(paragraphs):
        marker = find_marker(paragraph.text)
        if marker is not None and marker.kind in ("article", "chapter"):
            return None
        if _RULE_TITLE.match(_squash(paragraph.text)):
            return index
    return None


def _find_signature(paragraphs: list[Paragraph]) -> tuple[int, int] | None:
    """Index of the issuer (or 省长) line and of the date line right after it."""
    for index in range(len(paragraphs) - 1):
        text = paragraphs[index].text.strip()
        if (_ISSUER.match(text) or _SIGNER.match(text)) and DATE_LINE.match(paragraphs[index + 1].text):
            return index, index + 1
    return None


def _skip_attached_title(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """After a cover notice comes the title of the plan it issues: short lines, no full stop."""
    index = 0
    while index < len(paragraphs) and index < 4:
        text = paragraphs[index].text.strip()
        if find_marker(text) is not None or text[-1:] in _SENTENCE_END or len(text) > 40:
            break
        index += 1
    return paragraphs[index:]


def _split_attachment_list(body: list[Paragraph]) -> tuple[list[tuple[str, list[Paragraph]]], list[Paragraph]]:
    """Find the "附件：1. … 2. …" list that closes a document body; return (names, body without it)."""
    for index, paragraph in enumerate(body):
        match = _ATTACHMENT_LIST.match(paragraph.text.strip())
        if not match:
            continue
        entries = [(match.group(1), paragraph)]
        end = index + 1
        while end < len(body):
            text = body[end].text.strip()
            marker = find_marker(text)
            if marker is None or marker.kind != "arabic" or text[-1:] in "。；" or len(text) > 40:
                break
            entries.append((text, body[end]))
            end += 1
        names = []
        for text, entry in entries:
            marker = find_marker(text)
            name = text[marker.end :].strip() if marker and marker.kind == "arabic" else text.strip()
            names.append((name, [entry]))
        return names, body[:index] + body[end:]
    return [], body


def _closing_note(source: str, paragraphs: list[Paragraph], layout: IssueLayout, source_name: str, sha256: str) -> tuple[Document, list[Clause]]:
    """Text after the last document (e.g. the 立法法 note closing the Fujian issue)."""
    text = "\n".join(p.text for p in paragraphs)
    # Named as what it is, a note the gazette prints, not a document of its own (its first
    # line, "《中华人民共和国立法法》第八十六条规定：", is no title).
    title = "公报附载：" + paragraphs[0].text.strip().rstrip("：:").replace("《", "").replace("》", "")
    doc_id = f"{layout.issue_id}/说明"
    document = Document(
        doc_id=doc_id,
        title=title,
        doc_number=None,
        canonical_number=None,
        issuer=layout.publisher,
        date=layout.issue_date,
        kind="说明",
        valid_from=None,
        valid_until=None,
        validity_note="文件未载明施行日期或有效期",
        repeals=(),
        attachments=(),
        source=source_name,
        source_sha256=sha256,
        span=_span_of(paragraphs),
        content_hash=content_hash(text, 16),
    )
    clauses = Segmenter(doc_id, article_mode=False, source=source).run([], lead=[("全文", paragraphs)])
    return document, clauses


def _span_of(paragraphs: list[Paragraph]) -> Span:
    spans = [s for p in paragraphs for s in p.spans]
    if not spans:
        return Span(0, 0)
    return Span(min(s.start for s in spans), max(s.end for s in spans))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)
