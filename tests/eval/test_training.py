"""Fitting the learned parts: the stored trees give scikit-learn's probabilities exactly."""

from __future__ import annotations

import pytest

import numpy as np

from assistant.ranking import FEATURES
from eval.training import fit_trees, importances


def test_stored_trees_reproduce_the_estimator():
    rng = np.random.default_rng(0)
    x = rng.random((300, 3))
    y = (x[:, 0] + 0.3 * x[:, 1] * x[:, 2] + rng.normal(0, 0.1, 300) > 0.6).astype(int)
    model, estimator = fit_trees(x, y, ("a", "b", "c"), n_estimators=30)
    rows = rng.random((40, 3))
    ours = [model.probability(dict(zip(("a", "b", "c"), row))) for row in rows]
    assert np.allclose(ours, estimator.predict_proba(rows)[:, 1], atol=1e-9)
    weights = importances(estimator, ("a", "b", "c"))
    assert max(weights, key=weights.get) == "a"


def test_the_ranker_learns_which_candidate_holds_the_answer():
    from eval.abstention import TrainingError
    from eval.ranking import Group, train

    rng = np.random.default_rng(0)
    groups = []
    for n in range(60):
        rows = [{name: float(rng.random()) for name in FEATURES} for _ in range(6)]
        right = int(rng.integers(6))
        rows[right]["coverage_text"] += 1.0  # the answer covers the question best
        groups.append(Group(f"q{n}", rows, [int(i == right) for i in range(6)]))
    model, report = train(groups)
    assert report["cv_evidence@1_reranked"] > 0.9 > report["cv_evidence@1_fused"]
    assert max(report["importances"], key=report["importances"].get) == "coverage_text"
    with pytest.raises(TrainingError, match="无法训练"):
        train([Group("q", rows, [0] * 6)])
