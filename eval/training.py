"""What the learned parts share: fitting a standardised logistic regression and writing the
model beside the code that reads it, with its report beside the other benchmark reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np

from assistant.learned import LogisticModel, Model, Tree, TreeEnsemble


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


TREE_OPTIONS = {"n_estimators": 200, "max_depth": 3, "learning_rate": 0.05, "subsample": 0.8, "random_state": 0}


def fit_trees(x: np.ndarray, y: np.ndarray, features: tuple[str, ...], **options) -> tuple[TreeEnsemble, object]:
    """Gradient-boosted trees (log loss) as plain numbers (and the fitted estimator).

    The stored ensemble reproduces the estimator's probabilities; a mismatch is a bug here,
    so it is checked on the training rows before the model is handed back.
    """
    from sklearn.ensemble import GradientBoostingClassifier

    estimator = GradientBoostingClassifier(**{**TREE_OPTIONS, **options}).fit(x, y)
    prior = float(np.clip(y.mean(), 1e-6, 1 - 1e-6))
    trees = []
    for (regressor,) in estimator.estimators_:
        tree = regressor.tree_
        trees.append(
            Tree(
                feature=tuple(int(f) for f in tree.feature),
                threshold=tuple(float(t) for t in tree.threshold),
                left=tuple(int(n) for n in tree.children_left),
                right=tuple(int(n) for n in tree.children_right),
                value=tuple(float(v) for v in tree.value[:, 0, 0]),
            )
        )
    model = TreeEnsemble(features=features, trees=tuple(trees), init=float(np.log(prior / (1 - prior))), rate=float(estimator.learning_rate))
    ours = np.array([model.probability(dict(zip(features, row))) for row in x[:50]])
    theirs = estimator.predict_proba(x[:50])[:, 1]
    if not np.allclose(ours, theirs, atol=1e-6):
        raise RuntimeError("the stored trees do not reproduce scikit-learn's probabilities")
    return model, estimator


def importances(estimator, features: tuple[str, ...]) -> dict[str, float]:
    """How much each feature's splits reduced the loss (shares summing to 1)."""
    return {name: round(float(v), 3) for name, v in zip(features, estimator.feature_importances_)}


def predict(estimator, x_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Probabilities for held-out rows; a logistic regression reads them standardised with the
    training rows' statistics, trees read them as they are."""
    if hasattr(estimator, "estimators_"):
        return estimator.predict_proba(x_test)[:, 1]
    mean, scale = x_train.mean(0), x_train.std(0) + 1e-9
    return estimator.predict_proba((x_test - mean) / scale)[:, 1]


def stamp(trained_on: str) -> str:
    return f"{trained_on}, {date.today().isoformat()}"


def write(model: Model, report: dict, out: Path, model_file: Path, name: str, lines: list[str]) -> None:
    """The model file, ``out/NAME.json`` (the report) and ``out/NAME.md`` (lines, then the weights
    of a logistic model or the importances of trees)."""
    model.save(model_file)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    column, values = ("weight (standardised)", report["weights"]) if "weights" in report else ("importance", report["importances"])
    lines = lines + ["", f"| feature | {column} |", "| --- | --- |"]
    lines += [f"| {feature} | {value} |" for feature, value in values.items()]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
