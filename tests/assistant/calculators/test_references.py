"""Every constant's reference resolves: its quote stands verbatim in the clause it names."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT

YAML_FILES = sorted((ROOT / "assistant" / "calculators").glob("*.yaml"))


def _references(node, where=""):
    if isinstance(node, dict):
        if {"doc_number", "section", "quote"} <= set(node):
            yield where, node
        for key, value in node.items():
            yield from _references(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, f"{where}[{index}]")


REFERENCES = [
    (path.name + where, reference)
    for path in YAML_FILES
    for where, reference in _references(yaml.safe_load(path.read_text(encoding="utf-8")))
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_calculator_files_have_references():
    assert {name.split("/")[0] for name, _ in REFERENCES} == {p.name for p in YAML_FILES}


@pytest.mark.parametrize(("where", "reference"), REFERENCES, ids=[w for w, _ in REFERENCES])
def test_quote_is_verbatim_in_the_named_clause(parsed, where, reference):
    documents, clauses, _ = parsed
    by_number = {d.canonical_number: d for d in documents.values() if d.canonical_number}
    document = by_number.get(reference["doc_number"].replace("[", "〔").replace("]", "〕"))
    assert document is not None, f"{where}: unknown document {reference['doc_number']}"
    quote = _squash(reference["quote"])
    holders = [c for c in clauses if c.doc_id == document.doc_id and quote in _squash(c.text)]
    assert holders, f"{where}: quote not found verbatim in {document.doc_id}: {reference['quote']!r}"
    sections = [c.section for c in holders]
    assert reference["section"] in sections, f"{where}: quote found under {sections}, not {reference['section']!r}"
