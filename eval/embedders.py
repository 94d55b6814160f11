"""The embedding backends side by side: throughput, memory, cold load and agreement with fp32.

Each backend runs in a fresh process (so its memory and load time are its own) over the same
texts — the chunks of an index build — in length-sorted batches, and writes its vectors; the
parent compares them with fp32's (cosine per chunk). Retrieval quality is measured separately,
by running the benchmark with ``POLICY_EMBEDDING_BACKEND`` set (README, "Embedding backends").

Usage::

    rows = compare(Path(".data/models/multilingual-e5-small"), texts, ("fp32", "bf16", "int8-onnx"))
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from ingest.embedding import BACKENDS, load_embedder


def compare(model: Path, texts: list[str], backends: tuple[str, ...] = BACKENDS) -> list[dict]:
    """One row per backend: load_s, chunks_per_s, rss_mb, and min/mean cosine to fp32's vectors."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="policy-embedders-") as scratch:
        corpus = Path(scratch) / "texts.json"
        corpus.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        vectors: dict[str, np.ndarray] = {}
        for backend in backends:
            out = Path(scratch) / f"{backend}.npy"
            probe = subprocess.run(
                [sys.executable, "-m", "eval.embedders", str(model), backend, str(corpus), str(out)],
                capture_output=True, text=True, check=False,
            )
            if probe.returncode != 0:
                rows.append({"backend": backend, "error": probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else f"exit {probe.returncode}"})
                continue
            row = json.loads(probe.stdout.strip().splitlines()[-1])
            vectors[backend] = np.load(out)
            rows.append(row)
        reference = vectors.get("fp32")
        for row in rows:
            own = vectors.get(row["backend"])
            if reference is not None and own is not None:
                cosines = (own * reference).sum(axis=1)
                row["cosine_to_fp32_min"] = round(float(cosines.min()), 5)
                row["cosine_to_fp32_mean"] = round(float(cosines.mean()), 5)
    return rows


def measure(model: Path, backend: str, texts: list[str]) -> tuple[dict, np.ndarray]:
    """In this process: load the backend, embed the texts once, report time and memory."""
    started = time.perf_counter()
    embedder = load_embedder(model, backend)
    embedder.embed_query("预热")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    query_started = time.perf_counter()
    for i in range(20):
        embedder.embed_query(f"第{i}个问题：普惠医联保住院起付线是多少")
    query_ms = (time.perf_counter() - query_started) / 20 * 1000
    row = {
        "backend": backend,
        "load_s": round(loaded, 2),
        "chunks": len(texts),
        "chunks_per_s": round(len(texts) / seconds, 1),
        "query_ms": round(query_ms, 1),
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20),
    }
    return row, vectors


def table(rows: list[dict]) -> str:
    lines = ["| backend | load s | chunks/s | query ms | RSS MB | cosine to fp32 (min / mean) |", "|" + " --- |" * 6]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['backend']} | failed: {r['error']} | | | | |")
            continue
        agreement = f"{r.get('cosine_to_fp32_min', '')} / {r.get('cosine_to_fp32_mean', '')}"
        lines.append(f"| {r['backend']} | {r['load_s']} | {r['chunks_per_s']} | {r['query_ms']} | {r['rss_mb']} | {agreement} |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print("usage: python -m eval.embedders MODEL_DIR BACKEND TEXTS_JSON OUT_NPY (use `policy-assistant bench` instead)", file=sys.stderr)
        sys.exit(2)
    model_dir, name, texts_file, out_file = sys.argv[1:]
    figures, embedded = measure(Path(model_dir), name, json.loads(Path(texts_file).read_text(encoding="utf-8")))
    np.save(out_file, embedded)
    print(json.dumps(figures))
