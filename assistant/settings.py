"""Every setting in one table: name, default, environment variable, meaning.

The CLI's ``--help`` and the README's settings table are generated from ``SETTINGS``
(a test fails when the README is out of date).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import SettingError
from ingest.embedding import BACKENDS

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    """One configurable value."""

    name: str
    default: str
    env: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", ".data", "POLICY_DATA_DIR", "Folder for the index, the converted model and caches (relative paths are from the project root)."),
    Setting("index_dir", "{data_dir}/index", "POLICY_INDEX_DIR", "Where index builds live; CURRENT names the live one."),
    Setting("model", "{data_dir}/models/multilingual-e5-small", "POLICY_MODEL", "Sentence-transformers model folder used for embeddings (e.g. a local bge-small-zh-v1.5 copy)."),
    Setting("corpus", "corpus", "POLICY_CORPUS", f"Corpus folders to ingest, separated by '{os.pathsep}' (a gazette manifest folder or a folder of regulation .md files)."),
    Setting("host", "127.0.0.1", "POLICY_HOST", "Address the web chat listens on."),
    Setting("port", "7860", "POLICY_PORT", "Port the web chat listens on."),
    Setting("min_confidence", "0.35", "POLICY_MIN_CONFIDENCE", "Below this retrieval confidence (0–1) the assistant says the corpus does not cover the question; used only when no trained answer/abstain model (`assistant/abstention.json`) is present, which carries its own threshold."),
    Setting("max_question_chars", "300", "POLICY_MAX_QUESTION_CHARS", "Longer questions are cut to this many characters (and the answer says so)."),
    Setting("fusion", "rrf", "POLICY_FUSION", "How lexical and vector rankings are fused: rrf (reciprocal rank fusion) or weighted (score blend)."),
    Setting("embedding_backend", "fp32-onnx", "POLICY_EMBEDDING_BACKEND", "How the embedding model runs: fp32-onnx (its float32 ONNX copy on ONNX Runtime, made by setup-model: no torch loaded, the same vectors as fp32), fp32 (torch, float32), bf16 (torch with bfloat16 matrix products: about 2.5x faster on CPUs with AMX or AVX-512 BF16) or int8-onnx (an int8 ONNX copy, made by setup-model --int8). fp32-onnx and fp32 share an index; any other change re-embeds it."),
    Setting("chroma_url", "", "POLICY_CHROMA_URL", "A Chroma server (http://host:port, started with `chroma run`) to keep the vectors in, shared by several serve replicas; empty: an embedded store inside each index build."),
    Setting("workers", "auto", "POLICY_WORKERS", "Questions the web chat answers at the same time (auto: one per CPU core); more wait in line."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Resolved settings."""

    data_dir: Path
    index_dir: Path
    model: Path
    corpus: tuple[Path, ...]
    host: str
    port: int
    min_confidence: float
    max_question_chars: int
    fusion: str
    workers: int = 1
    embedding_backend: str = "fp32"
    chroma_url: str = ""

    @property
    def jieba_cache(self) -> Path:
        return self.data_dir / "cache" / "jieba"

    @property
    def feedback_path(self) -> Path:
        """Where the web chat keeps users' ratings (SQLite)."""
        return self.data_dir / "feedback.sqlite3"

    @property
    def log_dir(self) -> Path:
        """Where the web chat writes its operational logs (JSON lines, rotated)."""
        return self.data_dir / "logs"

    @property
    def user_dict(self) -> Path:
        return PROJECT_ROOT / "corpus" / "userdict.txt"

    @property
    def thesaurus(self) -> Path:
        return PROJECT_ROOT / "corpus" / "thesaurus.yaml"

    @property
    def aliases(self) -> Path:
        return PROJECT_ROOT / "corpus" / "aliases.yaml"


def load(overrides: dict[str, str | None] | None = None, environ: dict[str, str] | None = None) -> Config:
    """Resolve settings: explicit overrides, then environment variables, then defaults."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    raw = {s.name: str(overrides.get(s.name, environ.get(s.env, s.default))) for s in SETTINGS}
    data_dir = _path(raw["data_dir"])
    expand = lambda value: _path(value.replace("{data_dir}", str(data_dir)))  # noqa: E731
    fusion = raw["fusion"]
    if fusion not in ("rrf", "weighted"):
        raise SettingError(f"Invalid {_BY_NAME['fusion'].env}: {fusion!r}. Choose from 'rrf', 'weighted'.")
    return Config(
        data_dir=data_dir,
        index_dir=expand(raw["index_dir"]),
        model=expand(raw["model"]),
        corpus=tuple(expand(part) for part in raw["corpus"].split(os.pathsep) if part),
        host=raw["host"],
        port=_number(raw["port"], "port", int, 1, 65535),
        min_confidence=_number(raw["min_confidence"], "min_confidence", float, 0.0, 1.0),
        max_question_chars=_number(raw["max_question_chars"], "max_question_chars", int, 20, 100_000),
        fusion=fusion,
        workers=_workers(raw["workers"]),
        embedding_backend=_choice(raw["embedding_backend"], "embedding_backend", BACKENDS),
        chroma_url=raw["chroma_url"].strip(),
    )


def _choice(value: str, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise SettingError(f"Invalid {_BY_NAME[name].env}: {value!r}. Choose from {', '.join(repr(c) for c in choices)}.")
    return value


def _workers(value: str) -> int:
    if value.strip().lower() == "auto":
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    return _number(value, "workers", int, 1, 64)


def _path(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def _number(value: str, name: str, kind, low, high):
    setting = _BY_NAME[name]
    try:
        number = kind(value)
    except ValueError:
        raise SettingError(f"Invalid {setting.env}: {value!r}. Expected a number from {low} to {high}.") from None
    if not low <= number <= high:
        raise SettingError(f"Invalid {setting.env}: {value!r}. Expected a number from {low} to {high}.")
    return number


def markdown_table() -> str:
    """The settings as a Markdown table, for the README."""
    rows = ["| name | default | environment variable | meaning |", "| --- | --- | --- | --- |"]
    rows += [f"| `{s.name}` | `{s.default}` | `{s.env}` | {s.help} |" for s in SETTINGS]
    return "\n".join(rows)
