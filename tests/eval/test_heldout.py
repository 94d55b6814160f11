"""The held-out question sets are frozen: written from the corpus alone by someone who had
not seen the code, before any tuning they judge, and never used for training."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from eval.abstention import TrainingError, refuse_heldout
from eval.runner import load_dataset

HELDOUT = Path(__file__).resolve().parents[2] / "eval" / "datasets" / "heldout"
FROZEN = {
    "gazettes.jsonl": "b4aabeed817da4bfdc25be728480527e94a37f3aa64f98453c4229e3d9ffd27d",
    "regulations.jsonl": "946278cd590173650062669981ea9a2113efd46d14f209154c63f30d98ac1204",
}


@pytest.mark.parametrize("name, digest", sorted(FROZEN.items()))
def test_heldout_sets_are_unchanged(name, digest):
    assert hashlib.sha256((HELDOUT / name).read_bytes()).hexdigest() == digest


def test_heldout_sets_have_the_required_mix():
    items = load_dataset(HELDOUT / "gazettes.jsonl")
    assert len(items) >= 150
    assert sum(not i.answerable for i in items) >= 50
    assert sum(i.type == "multi" for i in items) >= 10
    assert sum(bool(i.history) for i in items) >= 10


def test_training_refuses_heldout_files():
    with pytest.raises(TrainingError):
        refuse_heldout([HELDOUT / "gazettes.jsonl"])
    with pytest.raises(TrainingError, match="验证集"):
        refuse_heldout([HELDOUT.parent / "validation-gazettes.jsonl"])
    refuse_heldout([HELDOUT.parent / "training-gazettes-4.jsonl"])
