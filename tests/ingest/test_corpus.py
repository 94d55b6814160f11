"""The manifest guards the corpus: altered or unknown files are refused with a clear message."""

from __future__ import annotations

import shutil

import pytest

from ingest.corpus import discover
from ingest.errors import CorpusError
from tests.conftest import CORPUS


@pytest.fixture()
def corpus_copy(tmp_path):
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


def test_manifest_lists_both_issues_with_matching_hashes():
    names = [s.name for s in discover(CORPUS)]
    assert names == ["gazettes/sanming-2023-04.txt", "gazettes/fujian-2022-11.txt"]


def test_a_changed_byte_is_refused(corpus_copy):
    path = corpus_copy / "gazettes" / "fujian-2022-11.txt"
    path.write_bytes(path.read_bytes().replace("储备粮".encode(), "储备米".encode(), 1))
    with pytest.raises(CorpusError, match="sha256 is .* the manifest says"):
        discover(corpus_copy)


def test_unknown_manifest_key_is_named(corpus_copy):
    manifest = corpus_copy / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("layout: pdf", "layout: pdf\n    pages: 40"), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"unknown keys \['pages'\]"):
        discover(corpus_copy)


def test_missing_file_is_named(corpus_copy):
    (corpus_copy / "gazettes" / "sanming-2023-04.txt").unlink()
    with pytest.raises(CorpusError, match="sanming-2023-04.txt does not exist"):
        discover(corpus_copy)


def test_folder_that_is_neither_kind_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(CorpusError, match="neither a manifest.yaml"):
        discover(tmp_path)
