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
