"""The answer/abstain model: signals read what they claim, the model file loads and is calibrated."""

from __future__ import annotations

import json
import math

import pytest

from assistant.abstention import FEATURES, MODEL_FILE, EvidenceView, SignalReader, signals
from assistant.learned import LogisticModel, Tree, TreeEnsemble, load_model

READER = SignalReader(tokens=lambda text: [w for w in ("医联保", "起付", "标准", "2025", "保费") if w in text], idf=lambda w: 1.0, vocabulary=frozenset({"医联保", "起付", "标准", "保费"}), places=lambda t: ["南京"] if "南京" in t else [])


def _view(text: str, dense: float = 0.9) -> EvidenceView:
    return EvidenceView(text=text, body=text, document_text=text + "2024年", doc_id="d", dense=dense, lexical=1.0)


def test_coverage_and_absent_entities():
    values = signals("2025年医联保保费", [_view("医联保保费150元")], READER)
    assert values["coverage_top1"] == pytest.approx(2 / 3)
    assert values["year_absent"] == 1.0 and values["unknown_words"] == pytest.approx(1 / 3)
    assert signals("南京医联保", [_view("医联保")], READER)["place_absent"] == 1.0


def test_a_word_named_only_in_a_list_is_a_passing_mention():
    listed = EvidenceView(text="医联保", body="对接交易、医联保、起付等系统", document_text="", doc_id="d", dense=0.9, lexical=1.0)
    assert signals("医联保起付", [listed], READER)["listed_top1"] == 1.0
    assert signals("医联保起付", [_view("医联保的起付标准为5000元")], READER)["listed_top1"] == 0.0


def test_every_feature_is_computed():
    assert set(signals("医联保起付标准", [_view("起付标准5000元")], READER)) == set(FEATURES)


def test_trained_model_is_shipped_and_loads():
    model = load_model(MODEL_FILE, FEATURES)
    assert isinstance(model, TreeEnsemble) and model.features == FEATURES and 0 < model.threshold < 1
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert TreeEnsemble.from_dict(data, FEATURES) == model
    assert 0.0 <= model.probability({}) <= 1.0


# Two stumps on coverage_top1: below 0.5 it pushes towards "not covered", above towards "covered".
STUMP = Tree(feature=(0, -2, -2), threshold=(0.5, -2.0, -2.0), left=(1, -1, -1), right=(2, -1, -1), value=(0.0, -2.0, 2.0))


def test_trees_add_their_leaves_to_the_prior_log_odds():
    model = TreeEnsemble(("coverage_top1",), (STUMP, STUMP), init=0.0, rate=0.5)
    assert model.probability({"coverage_top1": 0.5}) == pytest.approx(1 / (1 + math.exp(2.0)))  # ≤ threshold goes left
    assert model.probability({"coverage_top1": 0.9}) == pytest.approx(1 / (1 + math.exp(-2.0)))


def test_a_tree_model_survives_its_file(tmp_path):
    model = TreeEnsemble(("coverage_top1",), (STUMP,), init=0.3, rate=0.1, threshold=0.4, trained_on="t", embedder="e")
    path = tmp_path / "trees.json"
    model.save(path)
    assert load_model(path, FEATURES) == model


def test_a_damaged_model_file_says_to_train_again(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"kind": "trees", "features": ["coverage_top1"]}', encoding="utf-8")
    with pytest.raises(ValueError, match="train it again"):
        load_model(path, FEATURES)


def test_probability_is_monotone_in_a_positive_weight():
    model = LogisticModel(("coverage_top1",), (0.5,), (0.2,), (2.0,), 0.0, 0.5)
    assert model.probability({"coverage_top1": 0.2}) < 0.5 < model.probability({"coverage_top1": 0.9})


def test_unknown_feature_names_are_refused():
    with pytest.raises(ValueError, match="unknown features"):
        LogisticModel.from_dict({"features": ["nope"], "mean": [0], "scale": [1], "weights": [1], "bias": 0, "threshold": 0.5}, FEATURES)


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_a_corrupt_model_file_says_to_train_again(tmp_path, text):
    path = tmp_path / f"corrupt{len(text)}.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="train it again"):
        load_model(path, FEATURES)


def test_a_model_trained_on_other_features_is_set_aside_with_a_warning(tmp_path, caplog):
    from assistant.learned import load_or_none

    path = tmp_path / "old.json"
    path.write_text('{"features": ["a_feature_since_removed"], "mean": [0], "scale": [1], "weights": [1], "bias": 0}', encoding="utf-8")
    assert load_or_none(path, FEATURES, load_model) is None
    assert "train" in caplog.text
