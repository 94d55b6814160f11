"""Fitting the learned parts: the stored trees give scikit-learn's probabilities exactly."""

from __future__ import annotations

import pytest

import numpy as np

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


def test_pairwise_ranker_keeps_the_right_candidate_first_even_when_rows_mislead_calibration():
    import numpy as np

    from eval.training import fit_pairwise, linear_scores

    groups = [(np.array([[1.0], [0.0]]), np.array([1, 0])), (np.array([[11.0]] + [[10.0]] * 50), np.array([1] + [0] * 50))]
    model = fit_pairwise(groups, ("f",))
    for x, labels in groups:
        assert labels[int(np.argmax(linear_scores(model, x)))] == 1
    with pytest.raises(ValueError, match="no groups"):
        fit_pairwise([], ("f",))
