"""The clause re-ranker: features read what they claim; a model re-orders, no model changes nothing."""

from __future__ import annotations

from assistant.learned import LogisticModel, load_model
from assistant.ranking import FEATURES, MODEL_FILE, Reranker
from assistant.retrieval import Hit


def _hits(index):
    ids = list(index.clauses)[:5]
    return [Hit(clause_id, 1.0 / (60 + rank), 0.8, 3.0, rank, rank) for rank, clause_id in enumerate(ids, start=1)]


def test_without_a_model_the_order_stays(fake_index):
    hits = _hits(fake_index)
    assert Reranker(fake_index, lambda text: [], None)("问题", hits) == hits


def test_a_model_reorders_by_its_features(fake_index):
    hits = _hits(fake_index)
    longest = max(hits, key=lambda h: len(fake_index.clauses[h.clause_id].text))
    model = LogisticModel(("length",), (0.0,), (1.0,), (5.0,), 0.0)
    reranked = Reranker(fake_index, lambda text: [], model)("问题", hits)
    assert reranked[0].clause_id == longest.clause_id
    assert reranked[0].score > reranked[1].score  # scores become the model's probabilities


def test_features_are_complete_and_bounded(fake_index):
    rows = Reranker(fake_index, lambda text: ["起付"], None).features("起付标准是多少", _hits(fake_index))
    assert all(set(row) == set(FEATURES) for row in rows)
    assert all(0.0 <= row["coverage_text"] <= 1.0 and 0.0 < row["fused"] <= 1.0 for row in rows)


def test_shipped_model_loads_with_known_features():
    model = load_model(MODEL_FILE, FEATURES)
    assert model is not None and model.features == FEATURES
