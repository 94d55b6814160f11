"""What the learned parts share: fitting a standardised logistic regression and writing the
model beside the code that reads it, with its report beside the other benchmark reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from assistant.learned import LogisticModel


def fit_logistic(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], **options) -> tuple[LogisticModel, object]:
    """A logistic regression on standardised features, as plain numbers (and the fitted estimator)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(0), x.std(0) + 1e-9
    estimator = LogisticRegression(max_iter=2000, **options).fit((x - mean) / scale, y)
    model = LogisticModel(
        features=features,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(v) for v in estimator.coef_[0]),
        bias=float(estimator.intercept_[0]),
    )
    return model, estimator


def predict(estimator, x_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Probabilities for held-out rows, standardised with the training rows' statistics."""
    mean, scale = x_train.mean(0), x_train.std(0) + 1e-9
    return estimator.predict_proba((x_test - mean) / scale)[:, 1]


def stamp(trained_on: str) -> str:
    return f"{trained_on}, {date.today().isoformat()}"


def write(model: LogisticModel, report: dict, out: Path, model_file: Path, name: str, lines: list[str]) -> None:
    """The model file, ``out/NAME.json`` (the report) and ``out/NAME.md`` (lines, then the weights)."""
    model.save(model_file)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = lines + ["", "| feature | weight (standardised) |", "| --- | --- |"]
    lines += [f"| {feature} | {weight} |" for feature, weight in report["weights"].items()]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
