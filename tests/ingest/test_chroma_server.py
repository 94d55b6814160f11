"""Vectors on a real Chroma server (`chroma run` on loopback): the same answers as embedded."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from assistant.retrieval import HybridSearcher
from ingest.embedding import HashingEmbedder
from ingest.errors import IngestError
from ingest.index import ClauseIndex, IndexBuilder

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
QUESTIONS = ("普惠医联保住院起付线是多少", "差评多久内要完成整改反馈", "一窗通办第二阶段多少人", "储备粮稻谷存几年", "火星移民补贴怎么申请")

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """`chroma run` on a free loopback port over a fresh folder; stopped after the module."""
    folder = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen([str(chroma), "run", "--path", str(folder / "data"), "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((folder / "server.log").read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        else:
            raise RuntimeError("chroma run did not answer in 30 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _ranked(index: ClauseIndex, tokenizer) -> list[list[tuple[str, float]]]:
    searcher = HybridSearcher(index, HashingEmbedder(), tokenizer)
    return [[(hit.clause_id, round(hit.score, 6)) for hit in searcher.search(q, k=10)] for q in QUESTIONS]


def test_a_server_build_ranks_exactly_as_the_embedded_one(chroma_url, fake_index_dir, tokenizer, tmp_path):
    served = IndexBuilder(tmp_path, HashingEmbedder(), tokenizer, chroma_url=chroma_url).run([CORPUS])
    assert not (tmp_path / "builds" / served.build / "chroma").exists()  # the vectors are on the server
    embedded = ClauseIndex.open(fake_index_dir)
    remote = ClauseIndex.open(tmp_path)
    assert remote.collection.count() == embedded.collection.count() == served.chunks
    assert _ranked(remote, tokenizer) == _ranked(embedded, tokenizer)
    for dense in ("hybrid", "dense"):
        question = QUESTIONS[0]
        here = [h.clause_id for h in HybridSearcher(embedded, HashingEmbedder(), tokenizer).search(question, mode=dense)]
        there = [h.clause_id for h in HybridSearcher(remote, HashingEmbedder(), tokenizer).search(question, mode=dense)]
        assert here == there
    remote.close()
    embedded.close()


def test_a_new_build_replaces_the_old_collection_and_a_reader_keeps_its_own(chroma_url, tokenizer, tmp_path):
    import chromadb

    first = IndexBuilder(tmp_path, HashingEmbedder(), tokenizer, chroma_url=chroma_url).run([CORPUS])
    reader = ClauseIndex.open(tmp_path)  # a replica answering from the first build
    second = IndexBuilder(tmp_path, HashingEmbedder(), tokenizer, chroma_url=chroma_url).run([CORPUS], force=True)
    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_url.rsplit(":", 1)[1]))
    ours = sorted(c.name for c in client.list_collections() if c.name.endswith((first.build, second.build)))
    assert len(ours) == 2 and reader.collection.count() == first.chunks  # still being read: kept
    reader.close()
    third = IndexBuilder(tmp_path, HashingEmbedder(), tokenizer, chroma_url=chroma_url).run([CORPUS], force=True)
    names = [c.name for c in client.list_collections()]
    assert not any(n.endswith((first.build, second.build)) for n in names) and any(n.endswith(third.build) for n in names)
    assert ClauseIndex.open(tmp_path).collection.count() == third.chunks


def test_an_unreachable_server_is_named_with_the_setting(tokenizer, tmp_path):
    with pytest.raises(IngestError, match="Chroma"):
        IndexBuilder(tmp_path, HashingEmbedder(), tokenizer, chroma_url=f"http://127.0.0.1:{_free_port()}").run([CORPUS])
    with pytest.raises(IngestError, match="POLICY_CHROMA_URL"):
        IndexBuilder(tmp_path, HashingEmbedder(), tokenizer, chroma_url="ftp://nowhere").run([CORPUS])
