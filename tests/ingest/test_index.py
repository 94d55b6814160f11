"""Index builds: idempotent, incremental by document hash, atomic under a kill."""

from __future__ import annotations

import json

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ingest.embedding import HashingEmbedder
from ingest.errors import IndexMissingError
from ingest.index import ClauseIndex, IndexBuilder
from tests.conftest import ROOT

REGULATION = """# {title}

2020年1月1日 中华人民共和国国务院令第{number}号公布

<!-- INFO END -->

## 第一章 总则

第一条 为了{purpose}，制定本条例。

第二条 本条例自2020年3月1日起施行。
"""


def _write_regulations(folder: Path, purposes: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number, purpose in enumerate(purposes, start=1):
        title = f"测试条例{number}"
        (folder / f"{title}(2020-01-01).md").write_text(
            REGULATION.format(title=title, number=700 + number, purpose=purpose), encoding="utf-8"
        )


def test_rebuild_gives_same_ids_and_counts_without_duplicates(fake_index_dir, tokenizer):
    first = ClauseIndex.open(fake_index_dir)
    report = IndexBuilder(fake_index_dir, HashingEmbedder(), tokenizer).run([ROOT / "corpus"], force=True)
    second = ClauseIndex.open(fake_index_dir)
    assert report.reused_documents == report.documents == 19
    assert report.embedded_chunks == 0
    assert sorted(first.clauses) == sorted(second.clauses)
    assert second.collection.count() == len(second.chunk_ids) == len(set(second.chunk_ids)) == len(second.read_chunks())


def test_unchanged_corpus_is_reported_up_to_date(fake_index_dir, tokenizer):
    report = IndexBuilder(fake_index_dir, HashingEmbedder(), tokenizer).run([ROOT / "corpus"])
    assert report.up_to_date
    assert report.embedded_chunks == 0


def test_only_changed_documents_are_embedded_again(tmp_path, tokenizer):
    corpus = tmp_path / "regs"
    _write_regulations(corpus, ["保护环境", "规范市场", "方便群众"])
    builder = IndexBuilder(tmp_path / "index", HashingEmbedder(), tokenizer)
    first = builder.run([corpus])
    assert (first.documents, first.reused_documents) == (3, 0)
    _write_regulations(corpus, ["保护环境", "规范市场", "方便群众办事"])
    second = builder.run([corpus])
    assert (second.documents, second.reused_documents) == (3, 2)
    assert second.embedded_chunks == 1  # only the article whose text changed: vectors are kept by text
    index = ClauseIndex.open(tmp_path / "index")
    assert any("方便群众办事" in c.text for c in index.clauses.values())
    assert index.collection.count() == 9


def test_missing_index_says_which_command_builds_it(tmp_path):
    with pytest.raises(IndexMissingError, match="policy-assistant ingest"):
        ClauseIndex.open(tmp_path / "nothing-here")


def test_a_kill_mid_ingest_leaves_the_previous_index_serving(tmp_path, tokenizer):
    corpus = tmp_path / "regs"
    index_dir = tmp_path / "index"
    _write_regulations(corpus, ["保护环境", "规范市场"])
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    live_before = (index_dir / "CURRENT").read_text()
    _write_regulations(corpus, ["保护森林", "规范交易", "方便群众"])
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from ingest.embedding import HashingEmbedder
        from ingest.index import IndexBuilder
        from ingest.tokenizer import ChineseTokenizer

        class Slow(HashingEmbedder):
            def embed_passages(self, texts, progress=False):
                print("EMBEDDING", flush=True)
                time.sleep(60)
                return super().embed_passages(texts)

        tokenizer = ChineseTokenizer(Path({str(ROOT / 'corpus' / 'userdict.txt')!r}))
        IndexBuilder(Path({str(index_dir)!r}), Slow(), tokenizer).run([Path({str(corpus)!r})])
        """
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "EMBEDDING"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    builds = sorted(p.name for p in (index_dir / "builds").iterdir())
    assert len(builds) == 2  # the live build and the half-built one
    assert (index_dir / "CURRENT").read_text() == live_before
    index = ClauseIndex.open(index_dir)
    assert any("保护环境" in c.text for c in index.clauses.values())
    # The next ingest completes and sweeps the half-built folder away.
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    assert (index_dir / "CURRENT").read_text() != live_before
    assert len(list((index_dir / "builds").iterdir())) == 2  # new live + previous (kept for running readers)
    assert any("保护森林" in c.text for c in ClauseIndex.open(index_dir).clauses.values())


def test_two_builders_of_one_index_take_turns(tmp_path, tokenizer):
    """A second build waits for the first instead of sweeping its half-written folder."""
    import threading

    reports, errors = [], []

    def build():
        try:
            reports.append(IndexBuilder(tmp_path, HashingEmbedder(), tokenizer).run([ROOT / "corpus"]))
        except Exception as error:  # pragma: no cover - the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(r.up_to_date for r in reports) == [False, True]
    assert ClauseIndex.open(tmp_path).clauses


def test_clause_similarities_match_chroma_with_or_without_the_vectors_file(tmp_path, tokenizer):
    corpus = tmp_path / "regs"
    _write_regulations(corpus, ["规范粮食储备", "保障用水安全", "鼓励科技创新"])
    embedder = HashingEmbedder()
    IndexBuilder(tmp_path / "index", embedder, tokenizer).run([corpus])
    index = ClauseIndex.open(tmp_path / "index")
    query = embedder.embed_query("粮食储备怎么规范")
    stored = index.collection.query(query_embeddings=[query], n_results=len(index.chunk_ids), include=["metadatas", "distances"])
    expected: dict[str, float] = {}
    for metadata, distance in zip(stored["metadatas"][0], stored["distances"][0]):
        expected[metadata["clause_id"]] = max(expected.get(metadata["clause_id"], -1.0), 1.0 - distance)
    got = index.similarities(query, list(expected) + ["no such clause"])
    assert set(got) == set(expected)
    assert all(abs(got[c] - expected[c]) < 1e-4 for c in expected)
    # A build from before the file existed (and before build.json listed its files).
    (index.build_dir / "vectors.npy").unlink()
    manifest = json.loads((index.build_dir / "build.json").read_text(encoding="utf-8"))
    del manifest["files"]
    (index.build_dir / "build.json").write_text(json.dumps({**manifest, "format": 1}), encoding="utf-8")
    again = ClauseIndex.open(tmp_path / "index").similarities(query, list(expected))
    assert all(abs(again[c] - expected[c]) < 1e-4 for c in expected)


def test_a_new_parser_version_keeps_the_vectors_of_unchanged_texts(tmp_path, tokenizer, monkeypatch):
    import ingest.index as index_module

    corpus = tmp_path / "regs"
    _write_regulations(corpus, ["保护环境", "规范市场", "方便群众"])
    builder = IndexBuilder(tmp_path / "index", HashingEmbedder(), tokenizer)
    builder.run([corpus])
    monkeypatch.setattr(index_module, "PARSER_VERSION", index_module.PARSER_VERSION + "-next")
    again = builder.run([corpus])
    assert not again.up_to_date and again.embedded_chunks == 0 and again.reused_documents == 3


def test_identical_texts_are_embedded_once(tmp_path, tokenizer):
    class Counting(HashingEmbedder):
        seen: list[str] = []

        def embed_passages(self, texts, progress=False):
            self.seen.extend(texts)
            return super().embed_passages(texts, progress)

    corpus = tmp_path / "regs"
    corpus.mkdir()
    for version in ("2020-01-01", "2021-06-01"):  # two dated versions of one regulation, word for word alike
        (corpus / f"测试条例1({version}).md").write_text(REGULATION.format(title="测试条例1", number=701, purpose="保护环境"), encoding="utf-8")
    embedder = Counting()
    report = IndexBuilder(tmp_path / "index", embedder, tokenizer).run([corpus])
    assert report.chunks == 6 and report.embedded_chunks == 3
    assert len(embedder.seen) == len(set(embedder.seen)) == 3
