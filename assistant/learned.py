"""Small learned models stored as plain numbers: a logistic regression over named features.

Training happens in ``eval/`` (scikit-learn, with cross-validation); answering only needs
these numbers, so the serving process loads no learning library. Each model records the
features it reads and the embedding model whose similarities it was trained on.

Usage::

    model = LogisticModel.load(path, known=FEATURES)
    p = model.probability({"coverage_top1": 0.8, ...})
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


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
        """Similarities from another embedding model mean something else."""
        return not self.embedder or self.embedder == embedder

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
