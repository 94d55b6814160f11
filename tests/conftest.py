"""Shared fixtures: the parsed corpus and a small index built with a fake embedder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from ingest.corpus import discover, parse  # noqa: E402
from ingest.embedding import HashingEmbedder  # noqa: E402
from ingest.index import IndexBuilder  # noqa: E402
from ingest.tokenizer import ChineseTokenizer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
REGULATIONS = ROOT.parent / "shared" / "corpora" / "cn-regulations"
TEST_CACHE = ROOT / ".data" / "test-cache"


@pytest.fixture(scope="session")
def parsed():
    """Every document and clause of the two gazettes, with the source texts."""
    documents, clauses, sources = {}, [], {}
    for source in discover(CORPUS):
        result = parse(source)
        sources[source.name] = source.path.read_text(encoding="utf-8")
        documents.update({d.doc_id: d for d in result.documents})
        clauses.extend(result.clauses)
    return documents, clauses, sources


@pytest.fixture(scope="session")
def tokenizer():
    return ChineseTokenizer(CORPUS / "userdict.txt", TEST_CACHE / "jieba")


@pytest.fixture(scope="session")
def fake_index_dir(tmp_path_factory, tokenizer):
    """An index of the gazettes built with the deterministic hashing embedder."""
    directory = tmp_path_factory.mktemp("fake-index")
    IndexBuilder(directory, HashingEmbedder(), tokenizer).run([CORPUS])
    return directory


@pytest.fixture(scope="session")
def real_config():
    """Settings for integration tests: the real converted model and an index of the gazettes.

    Both live in the project's ignored data folder and are reused between runs; the
    index build is skipped when nothing changed.
    """
    from assistant import settings
    from assistant.indexing import build_index
    from ingest.e5_conversion import convert
    from ingest.onnx_export import export_fp32

    config = settings.load(
        {"data_dir": str(TEST_CACHE), "model": str(ROOT / ".data" / "models" / "multilingual-e5-small")}, environ={}
    )
    export_fp32(convert(config.model))
    build_index(config)
    return config


@pytest.fixture(scope="session")
def real_assistant(real_config):
    from assistant.service import Assistant

    return Assistant.from_config(real_config)


@pytest.fixture(scope="session")
def fake_index(fake_index_dir):
    """The fake-embedder index, opened."""
    from ingest.index import ClauseIndex

    return ClauseIndex.open(fake_index_dir)


@pytest.fixture(scope="session")
def fake_assistant(fake_index_dir, tokenizer, tmp_path_factory):
    """An ``Assistant`` over the fake-embedder index (no model): routing, calculators and pages, fast."""
    from assistant import settings
    from assistant.service import Assistant
    from ingest.index import ClauseIndex

    data = tmp_path_factory.mktemp("fake-assistant-data")
    config = settings.load({"index_dir": str(fake_index_dir), "data_dir": str(data)}, environ={})
    return Assistant(ClauseIndex.open(fake_index_dir), HashingEmbedder(), tokenizer, config)
