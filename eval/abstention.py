"""Train the answer/abstain model on the development question sets, with cross-validation.

Usage::

    policy-assistant train-abstention --dataset eval/datasets/gazettes.jsonl eval/datasets/training.jsonl \
        eval/datasets/regulations.jsonl

Every question is run through retrieval on the index of the corpus given; its label is
whether that corpus answers it (a question whose gold document is not indexed is an
unanswerable one for this corpus — the regulation questions asked of the gazettes
alone are exactly the plausible, off-corpus questions the model must refuse). The
held-out sets under ``eval/datasets/heldout/`` are refused as training input.

Writes ``assistant/abstention.json`` (the model and its threshold) and a report with
the cross-validated figures and a calibration curve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from assistant.abstention import FEATURES, MODEL_FILE
from assistant.learned import Model
from assistant.errors import AssistantError
from assistant.service import Assistant
from eval.metrics import canonical_doc
from eval.runner import Item
from eval.training import fit_trees, importances, predict, stamp
from eval.training import write as save

HELDOUT = Path(__file__).resolve().parent / "datasets" / "heldout"
VALIDATION_PREFIX = "validation-"


class TrainingError(AssistantError):
    """The training input is not allowed or not usable; seen by whoever trains the model."""


@dataclass(frozen=True)
class Example:
    """One question's signals and whether the indexed corpus answers it."""

    item: str
    signals: dict[str, float]
    label: int


def examples(assistant: Assistant, items: list[Item], progress=None) -> list[Example]:
    """Signals of every question against the assistant's index, labelled by coverage."""
    indexed = {canonical_doc(d.doc_id) for d in assistant.index.documents.values()}
    rows = []
    for number, item in enumerate(items, start=1):
        # The same evidence answering judges: number-scoped search, in-force version first.
        gathered = assistant.gather(item.question, list(item.history), item.as_of or date.today())
        covered = item.answerable and any(canonical_doc(g) in indexed for g in item.gold_docs)
        rows.append(Example(item.id, assistant.judge.signals(gathered.about, gathered.evidence), int(covered)))
        if progress:
            progress("特征", number, len(items))
    return rows


def refuse_heldout(paths: list[Path]) -> None:
    """Held-out sets measure, validation sets choose between variants: neither is trained on."""
    for path in paths:
        if HELDOUT.resolve() in path.resolve().parents:
            raise TrainingError(f"{path} 属于冻结的保留测试集，不能用于训练。")
        if path.name.startswith(VALIDATION_PREFIX):
            raise TrainingError(f"{path} 是验证集（用来比较不同方案），不能用于训练。")


def train(
    rows: list[Example], embedder: str = "", folds: int = 5, max_false_refusal: float = 0.04, seed: int = 0
) -> tuple[Model, dict]:
    """Cross-validated boosted trees; the threshold keeps out-of-fold false refusals
    at or under ``max_false_refusal`` while refusing as many uncovered questions as it can."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold

    x = np.array([[row.signals[name] for name in FEATURES] for row in rows], dtype=float)
    y = np.array([row.label for row in rows])
    if len(set(y)) < 2:
        raise TrainingError("训练数据只有一类（全部可回答或全部不可回答），无法训练。")
    oof = np.zeros(len(rows))
    # Folds by question: a question asked of two indexes never sits on both sides.
    groups = [row.item for row in rows]
    for train_idx, test_idx in StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(x, y, groups):
        _, estimator = fit_trees(x[train_idx], y[train_idx], FEATURES)
        oof[test_idx] = predict(estimator, x[train_idx], x[test_idx])
    threshold = _threshold(oof, y, max_false_refusal)
    fitted, estimator = fit_trees(x, y, FEATURES)
    fitted = replace(
        fitted,
        threshold=float(threshold),
        embedder=embedder,
        trained_on=stamp(f"{len(rows)} questions ({int(y.sum())} covered, {int((1 - y).sum())} not)"),
    )
    covered, uncovered = oof[y == 1], oof[y == 0]
    report = {
        "questions": len(rows),
        "covered": int(y.sum()),
        "uncovered": int((1 - y).sum()),
        "cv_auc": round(float(roc_auc_score(y, oof)), 4),
        "threshold": round(float(threshold), 4),
        "cv_false_refusal": round(float((covered < threshold).mean()), 4),
        "cv_refusal_of_uncovered": round(float((uncovered < threshold).mean()), 4),
        "calibration": _calibration(oof, y),
        "importances": importances(estimator, FEATURES),
    }
    return fitted, report


def _threshold(probability: np.ndarray, label: np.ndarray, max_false_refusal: float) -> float:
    covered = np.sort(probability[label == 1])
    allowed = int(np.floor(max_false_refusal * len(covered)))
    # Refuse below the (allowed+1)-th lowest covered probability: at most `allowed` covered refused.
    return float(covered[allowed]) if allowed < len(covered) else 0.5


def _calibration(probability: np.ndarray, label: np.ndarray, bins: int = 10) -> list[dict]:
    rows = []
    for low in np.linspace(0, 1, bins, endpoint=False):
        high = low + 1 / bins
        inside = (probability >= low) & (probability < high if high < 1 else probability <= 1)
        if inside.any():
            rows.append(
                {"bin": f"{low:.1f}–{high:.1f}", "n": int(inside.sum()), "predicted": round(float(probability[inside].mean()), 3), "observed": round(float(label[inside].mean()), 3)}
            )
    return rows


def write(model: Model, report: dict, out: Path, model_file: Path = MODEL_FILE) -> None:
    """The model next to the code that reads it; the report and calibration plot under ``out``."""
    lines = [
        "# Answer/abstain model: cross-validated figures",
        "",
        f"{report['questions']} questions ({report['covered']} covered by the indexed corpus, {report['uncovered']} not).",
        f"Out-of-fold AUC {report['cv_auc']}; threshold {report['threshold']}: false refusals {report['cv_false_refusal']}, "
        f"refusal of uncovered questions {report['cv_refusal_of_uncovered']}.",
        "",
        "| probability bin | questions | mean predicted | observed share covered |",
        "| --- | --- | --- | --- |",
    ]
    lines += [f"| {row['bin']} | {row['n']} | {row['predicted']} | {row['observed']} |" for row in report["calibration"]]
    save(model, report, out, model_file, "abstention", lines)
    _plot(report, out / "abstention_calibration.png")


def _plot(report: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    predicted = [row["predicted"] for row in report["calibration"]]
    observed = [row["observed"] for row in report["calibration"]]
    figure, axis = plt.subplots(figsize=(4.5, 4.5))
    axis.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1)
    axis.plot(predicted, observed, marker="o")
    axis.axvline(report["threshold"], color="tab:red", linewidth=1)
    axis.set_xlabel("predicted probability (out of fold)")
    axis.set_ylabel("observed share answerable")
    axis.set_title("Abstention calibration")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
