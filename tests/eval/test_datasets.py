"""The benchmark files follow the schema and every evidence quote stands in its source."""

from __future__ import annotations

import json

import pytest

from eval import metrics
from eval.runner import DatasetError, load_dataset, verbatim_checker
from tests.conftest import CORPUS, REGULATIONS, ROOT

DATASETS = ROOT / "eval" / "datasets"


def test_gazette_dataset_covers_every_document_and_type():
    items = load_dataset(DATASETS / "gazettes.jsonl")
    assert len(items) >= 150
    types = {item.type for item in items}
    assert types == {"lookup", "numeric", "payout", "deadline", "staffing", "multi", "unanswerable"}
    assert sum(item.type == "unanswerable" for item in items) >= 15
    assert all(not item.gold_docs and not item.expect for item in items if item.type == "unanswerable")
    covered = {metrics.canonical_doc(d) for item in items for d in item.gold_docs}
    from ingest.corpus import discover, parse
    from eval.pipelines import doc_key

    documents = {doc_key(d) for s in discover(CORPUS) for d in parse(s).documents}
    assert documents <= covered, documents - covered


@pytest.mark.parametrize(("name", "corpus"), [("gazettes.jsonl", CORPUS), ("regulations.jsonl", REGULATIONS)])
def test_every_evidence_quote_is_verbatim_in_its_document(name, corpus):
    path = DATASETS / name
    if not path.exists() or not corpus.is_dir():
        pytest.skip(f"{name} or its corpus is not available")
    check = verbatim_checker([corpus])
    bad = [
        (item.id, doc, quote)
        for item in load_dataset(path)
        for doc, quote in zip(item.gold_docs * (len(item.evidence) if len(item.gold_docs) == 1 else 1), item.evidence)
        if not check(metrics.canonical_doc(doc), quote)
    ]
    assert bad == []


def test_schema_errors_name_the_line(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"id": "x", "question": "q", "type": "lookup", "doc_number": None, "evidence": None}) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="第 1 行 缺少字段：expect"):
        load_dataset(path)
    path.write_text(json.dumps({"id": "x", "question": "q", "type": "gossip", "doc_number": None, "evidence": None, "expect": []}) + "\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="type 'gossip'"):
        load_dataset(path)
