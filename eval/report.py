"""The benchmark report: a Markdown file with the side-by-side table, breakdowns and
the failure list, and PNG plots (metrics per pipeline, by type, by document, latency)."""

from __future__ import annotations

from pathlib import Path

HEADLINE = (
    "hit@1", "hit@5", "hit@10", "mrr", "evidence@5", "citation_precision", "answer_ok",
    "refusal_accuracy", "false_refusal", "quotes_verbatim", "calculator_exact", "latency_p50_ms", "latency_p95_ms",
)


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


def table(rows: dict[str, dict], columns: tuple[str, ...] = HEADLINE, first: str = "pipeline") -> str:
    """A Markdown table of metrics, one row per group."""
    lines = [f"| {first} | items | " + " | ".join(columns) + " |", "| --- | --- | " + " | ".join("---" for _ in columns) + " |"]
    for name, metrics in rows.items():
        lines.append(f"| {name} | {metrics['items']} | " + " | ".join(_cell(metrics.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def write_report(records, summary: dict, out: Path) -> None:
    from eval.runner import failures

    parts = ["# Benchmark report", ""]
    if summary.get("run"):
        parts += ["## Run", ""] + [f"- {key}: {value}" for key, value in summary["run"].items()] + [""]
    parts += ["## Pipelines side by side", "", table(summary["pipelines"]), ""]
    parts += [
        "Metrics: hit@k and MRR over documents of the answerable items; evidence@k — the gold quote inside one of the",
        "top-k retrieved texts (whitespace and full/half-width folded); citation precision — cited documents that are",
        "gold; answer_ok — every expected value present (numbers in base units, dates in either form) and, for",
        "unanswerable items, a refusal; quotes_verbatim — share of quotes found verbatim in the source; calculator_exact —",
        "payout/deadline/staffing items answered by a calculator with the exact value.",
        "",
        "## By dataset",
        "",
        table(summary["by_dataset"], first="pipeline · dataset"),
        "",
        "## By question type",
        "",
    ]
    for pipeline, rows in summary["by_type"].items():
        parts += [f"### {pipeline}", "", table(rows, ("hit@5", "evidence@5", "answer_ok", "refusal_accuracy", "false_refusal", "calculator_exact"), "type"), ""]
    parts += ["## By document", ""]
    for pipeline, rows in summary["by_document"].items():
        parts += [f"### {pipeline}", "", table(rows, ("hit@1", "hit@5", "evidence@5", "answer_ok"), "document"), ""]
    parts += ["## Failures", "", "Each item a pipeline got wrong: the input for error analysis.", ""]
    for record in failures(records):
        answer = record.answer.replace("\n", " ")[:160]
        retrieved = "；".join(record.retrieved[:3])
        confidence = "–" if record.confidence is None else f"{record.confidence:.2f}"
        rank = "–" if record.gold_rank is None else str(record.gold_rank)
        expected = "、".join(record.expected) or "（拒答）"
        parts.append(
            f"- **{record.pipeline} · {record.item}** ({record.type}) {record.question}  \n"
            f"  gold: {' / '.join(record.gold_docs) or '（无，应拒答）'} {record.clause}; gold evidence at rank {rank}  \n"
            f"  expected: {expected}; missing: {'、'.join(record.missing) or '–'}  \n"
            f"  got: {record.kind}, confidence {confidence}; retrieved: {retrieved}  \n"
            f"  answered: {answer}"
        )
    (out / "report.md").write_text("\n".join(parts) + "\n", encoding="utf-8")


def write_plots(records, summary: dict, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name or "Noto Sans SC" in f.name]
    if not cjk:  # installed after matplotlib cached its font list (make test installs fonts-noto-cjk)
        for path in sorted(Path("/usr/share/fonts").glob("**/NotoSansCJK-Regular.tt[cf]")):
            font_manager.fontManager.addfont(str(path))
        cjk = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    pipelines = list(summary["pipelines"])

    metric_names = ("hit@1", "hit@5", "evidence@5", "citation_precision", "answer_ok", "refusal_accuracy")
    _bars(plt, out / "metrics_by_pipeline.png", "Metrics per pipeline", metric_names, {p: summary["pipelines"][p] for p in pipelines})
    for pipeline in pipelines:
        by_type = summary["by_type"][pipeline]
        _bars(plt, out / f"answer_ok_by_type_{pipeline}.png", f"answer_ok by question type — {pipeline}", tuple(by_type), {pipeline: {t: by_type[t]["answer_ok"] if t != "unanswerable" else by_type[t]["refusal_accuracy"] for t in by_type}})
    docs = sorted({d for p in pipelines for d in summary["by_document"][p]})
    _bars(
        plt,
        out / "answer_ok_by_document.png",
        "answer_ok by gold document (hit@5 is near 1 everywhere; answers are where pipelines differ)",
        tuple(docs),
        {p: {d: summary["by_document"][p].get(d, {}).get("answer_ok") for d in docs} for p in pipelines},
        rotate=True,
    )
    figure, axis = plt.subplots(figsize=(8, 4.5))
    axis.boxplot([[r.latency_ms for r in records if r.pipeline == p] for p in pipelines], tick_labels=pipelines, showfliers=True)
    axis.set_yscale("log")
    axis.set_ylabel("latency per question (ms, log scale)")
    axis.set_title("Latency distribution")
    figure.tight_layout()
    figure.savefig(out / "latency.png", dpi=110)
    plt.close(figure)


def _bars(plt, path: Path, title: str, names: tuple[str, ...], series: dict[str, dict], rotate: bool = False) -> None:
    import numpy as np

    figure, axis = plt.subplots(figsize=(max(8, len(names) * (0.9 if rotate else 1.4)), 4.8))
    width = 0.8 / max(1, len(series))
    positions = np.arange(len(names))
    for index, (label, values) in enumerate(series.items()):
        heights = [values.get(n) or 0.0 for n in names]
        axis.bar(positions + index * width, heights, width, label=label)
    axis.set_xticks(positions + width * (len(series) - 1) / 2)
    axis.set_xticklabels(names, rotation=60 if rotate else 0, ha="right" if rotate else "center", fontsize=8 if rotate else 9)
    axis.set_ylim(0, 1.05)
    axis.set_title(title)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
