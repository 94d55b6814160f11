"""Run pipelines over benchmark datasets and score them side by side.

Usage::

    policy-assistant eval --dataset eval/datasets/gazettes.jsonl --pipelines full,naive,bm25,dense --out eval/reports/latest

Any JSONL file in the benchmark schema works, so evaluators can bring their own
questions. Writes per-item results, a summary, a Markdown report with a failure list
and PNG plots.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from assistant.errors import AssistantError
from assistant.types import Turn
from eval import metrics
from eval.pipelines import Pipeline, Prediction

TYPES = ("lookup", "numeric", "payout", "deadline", "staffing", "multi", "unanswerable")
REQUIRED = ("id", "question", "type", "doc_number", "evidence", "expect")
CALCULATOR_TYPES = ("payout", "deadline", "staffing")


class DatasetError(AssistantError):
    """A benchmark file does not follow the schema; the message names the file and line."""


@dataclass(frozen=True)
class Item:
    """One benchmark question with its gold answer."""

    id: str
    question: str
    type: str
    gold_docs: tuple[str, ...]
    evidence: tuple[str, ...]
    expect: tuple[str, ...]
    expect_mode: str
    as_of: date | None
    history: tuple[Turn, ...]
    clause: str
    dataset: str

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_dataset(path: Path) -> list[Item]:
    """Read and check a benchmark file."""
    if not path.exists():
        raise DatasetError(f"找不到数据集文件：{path}")
    items, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path} 第 {number} 行"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{where} 不是合法的 JSON：{error.msg}") from None
        missing = [key for key in REQUIRED if key not in data]
        if missing:
            raise DatasetError(f"{where} 缺少字段：{', '.join(missing)}")
        if data["type"] not in TYPES:
            raise DatasetError(f"{where} 的 type {data['type']!r} 不在 {', '.join(TYPES)} 之中")
        if data["id"] in seen:
            raise DatasetError(f"{where} 的 id {data['id']!r} 重复")
        seen.add(data["id"])
        as_of = None
        if data.get("as_of"):
            try:
                as_of = date.fromisoformat(str(data["as_of"]))
            except ValueError:
                raise DatasetError(f"{where} 的 as_of 不是 YYYY-MM-DD：{data['as_of']!r}") from None
        items.append(
            Item(
                id=str(data["id"]),
                question=data["question"],
                type=data["type"],
                gold_docs=tuple(_listed(data["doc_number"])),
                evidence=tuple(_listed(data.get("evidence_all") or data["evidence"])),
                expect=tuple(str(v) for v in data["expect"] or ()),
                expect_mode=data.get("expect_mode") or "all",
                as_of=as_of,
                history=tuple(Turn(t["role"], t["content"]) for t in data.get("history") or ()),
                clause=" / ".join(_listed(data.get("clause"))),
                dataset=path.stem,
            )
        )
    return items


def _listed(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@dataclass
class Record:
    """One pipeline's result on one item, with every metric."""

    item: str
    dataset: str
    pipeline: str
    type: str
    question: str
    gold_docs: list[str]
    clause: str
    kind: str
    answer: str
    retrieved: list[str]
    hit1: bool | None
    hit5: bool | None
    hit10: bool | None
    rr: float | None
    evidence1: bool | None
    evidence5: bool | None
    evidence10: bool | None
    citation_precision: float | None
    answer_ok: bool
    refused: bool
    quotes_verbatim: float | None
    calculation_exact: bool | None
    latency_ms: float
    expected: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # expected values the answer lacks
    confidence: float | None = None
    gold_rank: int | None = None  # rank of the first retrieved text holding the gold evidence
    follow_up: bool = False  # the item carries a conversation history


def score(item: Item, prediction: Prediction, pipeline: str, verbatim: Callable[[str, str], bool]) -> Record:
    """All metrics of one prediction."""
    refused = prediction.kind == "not_found"
    answerable = item.answerable
    text = prediction.answer
    if prediction.calculation_value is not None:
        text += f" {prediction.calculation_value}"
    quotes = [verbatim(doc, quote) for doc, quote in prediction.quotes]
    return Record(
        item=item.id,
        dataset=item.dataset,
        pipeline=pipeline,
        type=item.type,
        question=item.question,
        gold_docs=list(item.gold_docs),
        clause=item.clause,
        kind=prediction.kind,
        answer=prediction.answer,
        retrieved=[f"{d} {s}".strip() for d, s in zip(prediction.retrieved_docs, prediction.retrieved_sections or [""] * len(prediction.retrieved_docs))][:5],
        hit1=metrics.doc_hits(item.gold_docs, prediction.retrieved_docs, 1) if answerable else None,
        hit5=metrics.doc_hits(item.gold_docs, prediction.retrieved_docs, 5) if answerable else None,
        hit10=metrics.doc_hits(item.gold_docs, prediction.retrieved_docs, 10) if answerable else None,
        rr=metrics.reciprocal_rank(item.gold_docs, prediction.retrieved_docs) if answerable else None,
        evidence1=metrics.evidence_at(item.evidence, prediction.retrieved_texts, 1) if answerable and item.evidence else None,
        evidence5=metrics.evidence_at(item.evidence, prediction.retrieved_texts, 5) if answerable and item.evidence else None,
        evidence10=metrics.evidence_at(item.evidence, prediction.retrieved_texts, 10) if answerable and item.evidence else None,
        citation_precision=metrics.citation_precision(item.gold_docs, prediction.cited_docs) if answerable else None,
        answer_ok=(not refused and metrics.answer_ok(list(item.expect), item.expect_mode, text)) if answerable else refused,
        refused=refused,
        quotes_verbatim=sum(quotes) / len(quotes) if quotes else None,
        calculation_exact=(
            metrics.answer_ok(list(item.expect), "any", str(prediction.calculation_value))
            if prediction.calculation_value is not None and item.type in CALCULATOR_TYPES
            else None
        ),
        latency_ms=round(prediction.latency_ms, 2),
        expected=list(item.expect),
        missing=[str(v) for v in item.expect if not metrics.value_present(str(v), text)] if answerable else [],
        confidence=None if prediction.confidence is None else round(prediction.confidence, 4),
        gold_rank=_gold_rank(item, prediction) if answerable and item.evidence else None,
        follow_up=bool(item.history),
    )


def _gold_rank(item: Item, prediction: Prediction) -> int | None:
    for rank in range(1, len(prediction.retrieved_texts) + 1):
        if metrics.evidence_at(item.evidence, prediction.retrieved_texts[rank - 1 : rank], 1):
            return rank
    return None


def sample(items: list[Item], n: int, seed: int = 0) -> list[Item]:
    """A seeded sample of ``n`` items that keeps each question type's share (every type
    present gets at least one while ``n`` allows), in the file's order."""
    import random

    if n >= len(items):
        return list(items)
    by_type: dict[str, list[int]] = defaultdict(list)
    for position, item in enumerate(items):
        by_type[item.type].append(position)
    shares = {t: n * len(p) / len(items) for t, p in by_type.items()}
    counts = {t: max(1, int(share)) if n >= len(by_type) else int(share) for t, share in shares.items()}
    for t in sorted(shares, key=lambda t: shares[t] - int(shares[t]), reverse=True):
        if sum(counts.values()) >= n:
            break
        counts[t] += 1
    while sum(counts.values()) > n:
        largest = max(counts, key=counts.get)
        counts[largest] -= 1
    rng = random.Random(seed)
    chosen = sorted(p for t, positions in by_type.items() for p in rng.sample(positions, min(counts[t], len(positions))))
    return [items[p] for p in chosen]


def run(items: list[Item], pipelines: list[Pipeline], verbatim: Callable[[str, str], bool], progress=None) -> list[Record]:
    """Every pipeline on every item."""
    records = []
    total = len(items) * len(pipelines)
    for pipeline in pipelines:
        pipeline.answer("预热：这个问题不计时", [], None)  # first-call costs (caches, lazy loads) are not per-question latency
        for item in items:
            prediction = pipeline.answer(item.question, list(item.history), item.as_of)
            records.append(score(item, prediction, pipeline.name, verbatim))
            if progress:
                progress("评测", len(records), total)
    return records


def summarise(records: list[Record], key: Callable[[Record], str] = lambda r: r.pipeline) -> dict[str, dict]:
    """Aggregate metrics per group (by default per pipeline)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        groups[key(record)].append(record)
    return {name: _aggregate(rows) for name, rows in groups.items()}


def _mean(values) -> float | None:
    values = [float(v) for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def _aggregate(rows: list[Record]) -> dict:
    answerable = [r for r in rows if r.type != "unanswerable"]
    unanswerable = [r for r in rows if r.type == "unanswerable"]
    latencies = [r.latency_ms for r in rows]
    return {
        "items": len(rows),
        "hit@1": _mean(r.hit1 for r in answerable),
        "hit@5": _mean(r.hit5 for r in answerable),
        "hit@10": _mean(r.hit10 for r in answerable),
        "mrr": _mean(r.rr for r in answerable),
        "evidence@1": _mean(r.evidence1 for r in answerable),
        "evidence@5": _mean(r.evidence5 for r in answerable),
        "evidence@10": _mean(r.evidence10 for r in answerable),
        "citation_precision": _mean(r.citation_precision for r in answerable),
        "answer_ok": _mean(r.answer_ok for r in answerable),
        "refusal_accuracy": _mean(r.refused for r in unanswerable),
        "false_refusal": _mean(r.refused for r in answerable),
        "quotes_verbatim": _mean(r.quotes_verbatim for r in rows),
        "calculator_exact": _mean(r.calculation_exact for r in rows),
        "latency_p50_ms": round(metrics.percentile(latencies, 50), 1) if latencies else None,
        "latency_p95_ms": round(metrics.percentile(latencies, 95), 1) if latencies else None,
    }


def failures(records: list[Record]) -> list[Record]:
    """Items a pipeline got wrong: wrong or missing answer, or a wrong refusal decision."""
    return [r for r in records if not r.answer_ok]


def write_outputs(records: list[Record], out: Path, run_info: dict | None = None) -> dict:
    """results.jsonl, summary.json, report.md and plots under ``out``; ``run_info`` (commit,
    date, datasets, settings, models) heads the report and the summary."""
    from eval.report import write_plots, write_report

    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
    summary = {
        "run": run_info or {},
        "pipelines": summarise(records),
        "by_type": {p: summarise([r for r in records if r.pipeline == p], key=lambda r: r.type) for p in _pipelines(records)},
        "by_document": {
            p: summarise([r for r in records if r.pipeline == p and r.gold_docs], key=lambda r: " + ".join(r.gold_docs))
            for p in _pipelines(records)
        },
        "by_dataset": summarise(records, key=lambda r: f"{r.pipeline} · {r.dataset}"),
        "follow_ups": summarise([r for r in records if r.follow_up]),
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    write_report(records, summary, out)
    write_plots(records, summary, out)
    return summary


def _pipelines(records: list[Record]) -> list[str]:
    return list(dict.fromkeys(r.pipeline for r in records))


def verbatim_checker(corpus_dirs: list[Path]) -> Callable[[str, str], bool]:
    """``check(doc_key, quote)``: is the quote in the document's source file, verbatim?

    Whitespace is ignored (the PDF text wraps lines anywhere) and so are page furniture,
    table-cell HTML tags and Markdown heading marks, which ingestion drops by design.
    """
    from ingest.cleaning import strip_markup
    from ingest.corpus import discover, parse
    from ingest.gazette import without_furniture
    from eval.pipelines import doc_key

    texts: dict[str, str] = {}
    for directory in corpus_dirs:
        for source in discover(Path(directory)):
            raw = source.path.read_text(encoding="utf-8")
            clean = without_furniture(raw, source.layout) if source.layout else raw
            folded = metrics.fold(strip_markup(clean).replace("#", ""))
            raw_folded = metrics.fold(raw)
            for document in parse(source).documents:
                texts[doc_key(document)] = folded + "\u0000" + raw_folded

    def check(doc: str, quote: str) -> bool:
        return bool(quote.strip()) and metrics.fold(quote) in texts.get(doc, "")

    return check
