"""A build checks itself before it goes live and each time it is opened; damage is named with
the command that repairs it, and leftovers are swept without touching a build being read."""

from __future__ import annotations

import json

import pytest

import ingest.index as index_module
from ingest.embedding import HashingEmbedder
from ingest.errors import IndexMissingError, IngestError
from ingest.index import ClauseIndex, IndexBuilder
from ingest.integrity import changed_files
from tests.ingest.test_index import _write_regulations


@pytest.fixture()
def built(tmp_path, tokenizer):
    corpus = tmp_path / "regs"
    _write_regulations(corpus, ["规范粮食储备", "保障用水安全", "鼓励科技创新"])
    index_dir = tmp_path / "index"
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    return index_dir, corpus


def _live(index_dir):
    return index_dir / "builds" / (index_dir / "CURRENT").read_text()


def test_every_file_of_a_build_is_hashed_and_reading_changes_none(built):
    index_dir, _ = built
    manifest = json.loads((_live(index_dir) / "build.json").read_text(encoding="utf-8"))
    assert {"documents.jsonl", "vectors.npy", "chroma/chroma.sqlite3"} <= set(manifest["files"])
    index = ClauseIndex.open(index_dir)
    index.collection.query(query_embeddings=[index._chunk_vectors()[0]], n_results=2)
    assert changed_files(_live(index_dir), manifest["files"]) == []  # readers query a private copy


@pytest.mark.parametrize(
    "damage, named",
    [
        (lambda build: next(build.glob("chroma/*/data_level0.bin")).write_bytes(b"\0" * 10), "data_level0.bin 大小不符"),
        (lambda build: (build / "documents.jsonl").write_text("", encoding="utf-8"), "documents.jsonl 大小不符"),
        (lambda build: (build / "bm25" / "vocab.index.json").unlink(), "缺少文件 bm25/vocab.index.json"),
    ],
)
def test_a_damaged_build_is_named_at_start_up_and_a_plain_ingest_rebuilds_it(built, tokenizer, damage, named):
    index_dir, corpus = built
    damage(_live(index_dir))
    with pytest.raises(IndexMissingError, match=f"索引已损坏.*{named}.*请运行 policy-assistant ingest"):
        ClauseIndex.open(index_dir)
    said = []
    report = IndexBuilder(index_dir, HashingEmbedder(), tokenizer, progress=lambda stage, *_: said.append(stage)).run([corpus])
    assert not report.up_to_date and any("当前索引已损坏" in s for s in said)
    assert ClauseIndex.open(index_dir).clauses


def test_a_build_that_fails_its_check_never_goes_live(built, tokenizer, monkeypatch):
    index_dir, corpus = built
    before = (index_dir / "CURRENT").read_text()
    monkeypatch.setattr(index_module, "lost_chunks", lambda *args, **kwargs: ["向量库找不回 1 个块（如 x）"])
    with pytest.raises(IngestError, match="没有通过检查：向量库找不回 1 个块.*当前使用的索引保持不变"):
        IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus], force=True)
    assert (index_dir / "CURRENT").read_text() == before
    assert [p.name for p in (index_dir / "builds").iterdir()] == [before]


def test_leftovers_of_killed_builders_are_swept_but_a_build_being_read_is_kept(built, tokenizer):
    index_dir, corpus = built
    first = (index_dir / "CURRENT").read_text()
    reader = ClauseIndex.open(index_dir)  # holds the first build
    (index_dir / "builds" / "20200101-000000-killed").mkdir()  # no build.json: a killed builder's
    (index_dir / "CURRENT.dead00.tmp").write_text("x", encoding="utf-8")
    (index_dir / "readers" / "999999999-gone00").mkdir(parents=True)  # a dead reader's private copy
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus], force=True)
    second = (index_dir / "CURRENT").read_text()
    assert sorted(p.name for p in (index_dir / "builds").iterdir()) == sorted([first, second])
    assert not list(index_dir.glob("CURRENT.*.tmp")) and not (index_dir / "readers" / "999999999-gone00").exists()
    assert reader.clauses_of(next(iter(reader.documents)))  # still readable
    del reader  # the reader goes away: the next build sweeps its build
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus], force=True)
    assert [p.name for p in (index_dir / "builds").iterdir()] == [(index_dir / "CURRENT").read_text()]
