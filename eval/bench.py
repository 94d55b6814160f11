"""Scale figures: ingest time, warm query latency and memory, for the gazettes and then
also for the State Council regulations corpus. Prints a table; asserts nothing.

Usage::

    policy-assistant bench --regulations ../shared/corpora/cn-regulations
"""

from __future__ import annotations

import gc
import json
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from assistant.settings import Config
from eval.embedders import compare
from eval.embedders import table as embedders_table
from ingest.embedding import load_embedder
from ingest.index import ClauseIndex
from ingest.onnx_export import export_fp32, export_int8
from ingest.tokenizer import ChineseTokenizer

QUERIES = (
    "普惠医联保住院起付线是多少",
    "差评多久内要完成整改反馈",
    "一窗通办第二阶段多少人",
    "储备粮稻谷存几年",
    "质量奖多久评一次",
    "健康影响评估要几个工作日",
    "排污口整治要求",
    "标准地控制性指标有哪些",
    "社科优秀成果奖每几年评一次",
    "养老床位护理型比例目标",
    "专利代理机构设立条件",
    "个体工商户登记需要什么材料",
)


@dataclass
class Figures:
    """One row of the benchmark table."""

    corpus: str
    documents: int
    clauses: int
    chunks: int
    ingest_s: float
    clauses_per_s: float
    peak_rss_mb: float
    index_mb: float
    p50_ms: float
    p95_ms: float
    serving_rss_mb: float


def run_bench(
    config: Config, regulations: Path | None = None, queries: int = 50, out: Path | None = None, as_json: bool = False, backends: bool = True
) -> dict:
    """Measure in a scratch index folder (the live index is not touched). Prints a table, or
    with ``as_json`` one JSON object: ``embed_chunks_per_s`` (the configured backend on the
    gazettes' chunks), ``ingest_gazettes_s``, ``serving_rss_mb``, ``cold_ask_s``,
    ``warm_p50_ms``, ``warm_p95_ms``, the same under ``regulations`` for the larger corpus,
    ``backends`` (every embedding backend side by side) and ``rows`` (the table)."""
    from assistant.indexing import build_index

    embedder = load_embedder(config.model, config.embedding_backend)
    tokenizer = ChineseTokenizer(config.user_dict, config.jieba_cache)
    embedder.embed_query("预热")  # first call pays one-off costs; ingest figures should not
    rows: list[Figures] = []
    cold: dict[str, float] = {}
    compared: list[dict] = []
    scratch = Path(tempfile.mkdtemp(prefix="policy-bench-"))
    try:
        corpora = [("gazettes", list(config.corpus))]
        if regulations is not None:
            corpora.append(("gazettes + regulations", list(config.corpus) + [Path(regulations)]))
        for name, folders in corpora:
            index_dir = scratch / name.replace(" ", "").replace("+", "-")
            monitor = _PeakRss()
            started = time.perf_counter()
            report = build_index(config, corpus=folders, index_dir=index_dir, embedder=embedder, tokenizer=tokenizer)
            ingest_s = time.perf_counter() - started
            peak = monitor.stop()
            p50, p95, serving = _latency(config, index_dir, embedder, tokenizer, queries)
            cold[name] = _cold_ask(index_dir)
            if name == "gazettes" and backends:
                opened = ClauseIndex.open(index_dir)
                texts = [chunk.indexed_text for chunk in opened.read_chunks()]
                opened.close()
                export_fp32(config.model)  # once each; kept beside the model for later runs
                export_int8(config.model)
                compared = compare(config.model, texts)
            rows.append(
                Figures(
                    corpus=name,
                    documents=report.documents,
                    clauses=report.clauses,
                    chunks=report.chunks,
                    ingest_s=round(ingest_s, 1),
                    clauses_per_s=round(report.clauses / ingest_s, 1),
                    peak_rss_mb=round(peak, 0),
                    index_mb=round(_size_mb(index_dir), 1),
                    p50_ms=round(p50, 1),
                    p95_ms=round(p95, 1),
                    serving_rss_mb=round(serving, 0),
                )
            )
            if not as_json:
                _print(rows[-1])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    own = next((r for r in compared if r.get("backend") == config.embedding_backend), {})
    summary = {
        "embedding_backend": config.embedding_backend,
        "embed_chunks_per_s": own.get("chunks_per_s"),
        **_headline(rows[0], cold["gazettes"]),
        "regulations": _headline(rows[1], cold[rows[1].corpus]) if len(rows) > 1 else None,
        "backends": compared,
        "rows": [r.__dict__ for r in rows],
    }
    if out is not None:
        out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        _print_table(rows)
        if compared:
            print("\n" + embedders_table(compared))
    return summary


def _headline(row: Figures, cold_ask_s: float) -> dict:
    return {
        "ingest_gazettes_s" if row.corpus == "gazettes" else "ingest_s": row.ingest_s,
        "chunks": row.chunks,
        "serving_rss_mb": row.serving_rss_mb,
        "cold_ask_s": cold_ask_s,
        "warm_p50_ms": row.p50_ms,
        "warm_p95_ms": row.p95_ms,
    }


def _cold_ask(index_dir: Path) -> float:
    """Seconds from starting ``policy-assistant ask`` in a new process to its printed answer."""
    import os
    import subprocess
    import sys

    command = [sys.executable, "-m", "cli.main", "ask", "--json", "--local", QUERIES[0]]  # cold: never a running server
    started = time.perf_counter()
    asked = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ, "POLICY_INDEX_DIR": str(index_dir)})
    seconds = time.perf_counter() - started
    if asked.returncode != 0:
        raise RuntimeError(f"cold ask failed: {asked.stderr[-2000:]}")
    return round(seconds, 2)


def _latency(config: Config, index_dir: Path, embedder, tokenizer, count: int) -> tuple[float, float, float]:
    """Warm `ask` latency and RSS, measured in a fresh process that only serves (as `serve` would)."""
    import subprocess
    import sys

    probe = subprocess.run(
        [sys.executable, "-m", "eval.bench", "--probe", str(index_dir), str(config.model), str(count)],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        raise RuntimeError(f"serving probe failed: {probe.stderr[-2000:]}")
    figures = json.loads(probe.stdout.strip().splitlines()[-1])
    return figures["p50_ms"], figures["p95_ms"], figures["rss_mb"]


def probe(index_dir: Path, model: Path, count: int) -> dict:
    """Open the index and model like `serve` does, answer ``count`` questions, report latency and RSS."""
    from dataclasses import replace

    from assistant import settings
    from assistant.service import Assistant

    config = replace(settings.load(), index_dir=index_dir, model=model)
    assistant = Assistant.from_config(config)
    for question in QUERIES[:3]:
        assistant.ask(question)  # warm-up
    timings = []
    forget = getattr(assistant.searcher.embedder, "forget_questions", lambda: None)
    for i in range(count):
        forget()  # the questions repeat; time the model, not the cache
        started = time.perf_counter()
        assistant.ask(QUERIES[i % len(QUERIES)])
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))]
    gc.collect()
    return {"p50_ms": statistics.median(timings), "p95_ms": p95, "rss_mb": psutil.Process().memory_info().rss / 2**20}


class _PeakRss:
    """Samples this process's RSS in a thread; ``stop()`` returns the peak in MB."""

    def __init__(self, interval: float = 0.2):
        import threading

        self._peak = psutil.Process().memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)
        self._thread.start()

    def _run(self, interval: float) -> None:
        process = psutil.Process()
        while not self._stop.wait(interval):
            self._peak = max(self._peak, process.memory_info().rss)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self._peak / 2**20


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _print(row: Figures) -> None:
    print(
        f"[{row.corpus}] ingest {row.ingest_s}s ({row.clauses_per_s} clauses/s), peak RSS {row.peak_rss_mb} MB, "
        f"index {row.index_mb} MB, query p50 {row.p50_ms} ms / p95 {row.p95_ms} ms, serving RSS {row.serving_rss_mb} MB",
        flush=True,
    )


def _print_table(rows: list[Figures]) -> None:
    header = "| corpus | docs | clauses | chunks | ingest s | clauses/s | peak RSS MB | index MB | p50 ms | p95 ms | serving RSS MB |"
    print("\n" + header)
    print("|" + " --- |" * 11)
    for r in rows:
        print(
            f"| {r.corpus} | {r.documents} | {r.clauses} | {r.chunks} | {r.ingest_s} | {r.clauses_per_s} | "
            f"{r.peak_rss_mb} | {r.index_mb} | {r.p50_ms} | {r.p95_ms} | {r.serving_rss_mb} |"
        )


if __name__ == "__main__":
    import sys

    if len(sys.argv) == 5 and sys.argv[1] == "--probe":
        print(json.dumps(probe(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))))
    else:
        print("usage: python -m eval.bench --probe INDEX_DIR MODEL_DIR COUNT (use `policy-assistant bench` instead)", file=sys.stderr)
        sys.exit(2)
