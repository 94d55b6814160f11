"""Small learned models stored as plain numbers over named features: a logistic regression,
and boosted decision trees where the signals interact (a high similarity means little when
the question's rarest word is missing).

Training happens in ``eval/`` (scikit-learn, with cross-validation); answering only needs
these numbers, so the serving process loads no learning library. Each model records the
features it reads and the embedding model whose similarities it was trained on. Both kinds
answer ``probability(values)`` and are read by one ``load_model``.

Usage::

    model = load_model(path, known=FEATURES)
    p = model.probability({"coverage_top1": 0.8, ...})
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from ingest.embedding import same_weights

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogisticModel:
    """Logistic regression over standardised features, with its decision threshold."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    trained_on: str = ""
    embedder: str = ""  # fingerprint of the embedding model whose similarities it was trained on

    def probability(self, values: dict[str, float]) -> float:
        """P(positive) for one row of feature values (a missing feature counts as 0)."""
        z = self.bias + sum(
            w * ((values.get(name, 0.0) - m) / (s or 1.0)) for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def applies_to(self, embedder: str) -> bool:
        """Similarities from another embedding model mean something else; the same weights run
        at another precision (bf16) move a similarity by under 0.002, and the benchmark checks
        the answers hold (README, "Embedding backends")."""
        return not self.embedder or same_weights(self.embedder, embedder)

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "embedder": self.embedder,
        }

    @classmethod
    def from_dict(cls, data: dict, known: tuple[str, ...] = ()) -> LogisticModel:
        unknown = set(data["features"]) - set(known) if known else set()
        if unknown:
            raise ValueError(f"model names unknown features {sorted(unknown)}; known: {', '.join(known)}")
        return cls(
            features=tuple(data["features"]),
            mean=tuple(data["mean"]),
            scale=tuple(data["scale"]),
            weights=tuple(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data.get("threshold", 0.5)),
            trained_on=data.get("trained_on", ""),
            embedder=data.get("embedder", ""),
        )

    @classmethod
    @lru_cache(maxsize=8)
    def load(cls, path: Path, known: tuple[str, ...] = ()) -> LogisticModel | None:
        """The trained model at ``path``, or None when it has not been trained yet."""
        if not path.exists():
            return None
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")), known)
        except ValueError as error:
            raise ValueError(f"{path.name}: {error}") from None

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


@dataclass(frozen=True)
class Tree:
    """One regression tree in flat arrays (a node goes left when ``value <= threshold``; a
    leaf has ``left == -1`` and its output in ``value``)."""

    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]

    def output(self, row: list[float]) -> float:
        node = 0
        while self.left[node] != -1:
            node = self.left[node] if row[self.feature[node]] <= self.threshold[node] else self.right[node]
        return self.value[node]


@dataclass(frozen=True)
class TreeEnsemble:
    """Gradient-boosted trees for a yes/no question: log-odds = ``init`` + ``rate`` × Σ trees."""

    features: tuple[str, ...]
    trees: tuple[Tree, ...]
    init: float
    rate: float
    threshold: float = 0.5
    trained_on: str = ""
    embedder: str = ""

    def probability(self, values: dict[str, float]) -> float:
        """P(positive) for one row of feature values (a missing feature counts as 0)."""
        row = [float(values.get(name, 0.0)) for name in self.features]
        z = self.init + self.rate * sum(tree.output(row) for tree in self.trees)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def applies_to(self, embedder: str) -> bool:
        return not self.embedder or same_weights(self.embedder, embedder)

    def to_dict(self) -> dict:
        return {
            "kind": "trees",
            "features": list(self.features),
            "init": self.init,
            "rate": self.rate,
            "threshold": self.threshold,
            "trained_on": self.trained_on,
            "embedder": self.embedder,
            "trees": [
                {"feature": list(t.feature), "threshold": list(t.threshold), "left": list(t.left), "right": list(t.right), "value": list(t.value)}
                for t in self.trees
            ],
        }

    @classmethod
    def from_dict(cls, data: dict, known: tuple[str, ...] = ()) -> TreeEnsemble:
        unknown = set(data["features"]) - set(known) if known else set()
        if unknown:
            raise ValueError(f"model names unknown features {sorted(unknown)}; known: {', '.join(known)}")
        trees = tuple(
            Tree(tuple(t["feature"]), tuple(map(float, t["threshold"])), tuple(t["left"]), tuple(t["right"]), tuple(map(float, t["value"])))
            for t in data["trees"]
        )
        return cls(
            features=tuple(data["features"]),
            trees=trees,
            init=float(data["init"]),
            rate=float(data["rate"]),
            threshold=float(data.get("threshold", 0.5)),
            trained_on=data.get("trained_on", ""),
            embedder=data.get("embedder", ""),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")


def load_or_none(path: Path, known: tuple[str, ...], loader) -> object | None:
    """A model the code can read, or None with a warning that says to train it again (so that
    training a new model never needs the old one to load)."""
    try:
        return loader(path, known)
    except ValueError as error:
        log.warning("%s; answering without it until it is trained again", error)
        return None


class Model(Protocol):
    """What answering asks of a learned model."""

    features: tuple[str, ...]
    threshold: float
    trained_on: str

    def probability(self, values: dict[str, float]) -> float: ...

    def applies_to(self, embedder: str) -> bool: ...


@lru_cache(maxsize=8)
def load_model(path: Path, known: tuple[str, ...] = ()) -> Model | None:
    """The trained model at ``path`` (either kind), or None when it has not been trained yet."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not a JSON object")
        if data.get("kind") == "trees":
            return TreeEnsemble.from_dict(data, known)
        return LogisticModel.from_dict(data, known)
    except (KeyError, TypeError, json.JSONDecodeError) as error:  # JSONDecodeError before its base, ValueError
        raise ValueError(f"{path.name} is not a model file this version can read ({error}); train it again") from None
    except ValueError as error:
        raise ValueError(f"{path.name}: {error}") from None
