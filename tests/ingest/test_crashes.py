"""kill -9 at every stage of an ingest, 20 times in a row, and two ingests started together 10
times: a complete index serves each time, the next run converges to the same ids and counts,
and no build folder is left behind."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ingest.embedding import HashingEmbedder
from ingest.index import ClauseIndex, IndexBuilder
from tests.conftest import ROOT
from tests.ingest.test_index import _write_regulations

# Where a builder is killed: at the start of each stage (its progress report), just before
# CURRENT is switched, and just after (before the old builds are swept).
POINTS = ("解析", "向量化", "写入向量库", "检查新索引", "before-switch", "after-switch")
VERSIONS = (["保护环境", "规范市场", "方便群众"], ["保护森林", "规范交易", "方便群众", "优化服务"])

BUILDER = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    import ingest.index as index
    from ingest.embedding import HashingEmbedder
    from ingest.tokenizer import ChineseTokenizer

    point = sys.argv[1]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def progress(stage, done, total):
        if stage == point:
            die()

    switch = index._switch
    def killing_switch(index_dir, name):
        if point == "before-switch":
            die()
        switch(index_dir, name)
        if point == "after-switch":
            die()
    index._switch = killing_switch

    tokenizer = ChineseTokenizer(Path({userdict!r}), cache_dir=Path({cache!r}))
    report = index.IndexBuilder(Path({index_dir!r}), HashingEmbedder(), tokenizer, progress=progress).run([Path({corpus!r})])
    print(report.build, report.up_to_date, flush=True)
    """
)


def _builder(tmp_path: Path, index_dir: Path, corpus: Path) -> str:
    return BUILDER.format(
        root=str(ROOT), userdict=str(ROOT / "corpus" / "userdict.txt"), cache=str(tmp_path / "jieba"), index_dir=str(index_dir), corpus=str(corpus)
    )


def _reference(tmp_path: Path, tokenizer, purposes: list[str]) -> tuple[int, list[str]]:
    """Counts and clause ids of a clean build of one corpus version."""
    corpus, index_dir = tmp_path / f"ref-corpus-{len(purposes)}", tmp_path / f"ref-index-{len(purposes)}"
    _write_regulations(corpus, purposes)
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    return _state(index_dir)


def _state(index_dir: Path) -> tuple[dict, list[str]]:
    index = ClauseIndex.open(index_dir)
    state = dict(index.manifest["counts"]), sorted(index.clauses)
    index.close()  # lets go of the build's reader lock and copy, so a sweep may remove it
    return state


def _leftovers(index_dir: Path) -> list[str]:
    builds = sorted(p.name for p in (index_dir / "builds").iterdir())
    live = (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    stale = [p.name for p in index_dir.glob("CURRENT.*.tmp")] + [p.name for p in (index_dir / "readers").glob("*")]
    return [b for b in builds if b != live] + stale


@pytest.mark.integration
def test_kill_9_at_every_stage_twenty_times_leaves_a_complete_index_each_time(tmp_path, tokenizer):
    expected = [_reference(tmp_path, tokenizer, purposes) for purposes in VERSIONS]
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    _write_regulations(corpus, VERSIONS[0])
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    script = _builder(tmp_path, index_dir, corpus)
    for round_number in range(20):
        point = POINTS[round_number % len(POINTS)]
        before = _state(index_dir)
        wanted = 1 - expected.index(before)  # always something new to build: the other version
        for stale in corpus.iterdir():
            stale.unlink()
        _write_regulations(corpus, VERSIONS[wanted])
        killed = subprocess.run([sys.executable, "-c", script, point], capture_output=True, text=True, timeout=120)
        assert killed.returncode == -9, (point, killed.stdout, killed.stderr[-2000:])
        after = _state(index_dir)
        # The previous index, complete; or the new one, complete, once CURRENT was switched.
        assert after == (expected[wanted] if point == "after-switch" else before), (round_number, point)
    # The next plain run converges: the same ids and counts as a clean build, nothing left over.
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    assert _state(index_dir) == expected[wanted]
    assert _leftovers(index_dir) == []


@pytest.mark.integration
def test_two_ingests_started_together_ten_times_take_turns(tmp_path, tokenizer):
    expected = [_reference(tmp_path, tokenizer, purposes) for purposes in VERSIONS]
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    script = _builder(tmp_path, index_dir, corpus)
    for round_number in range(10):
        for stale in corpus.iterdir() if corpus.exists() else ():
            stale.unlink()
        _write_regulations(corpus, VERSIONS[round_number % 2])
        together = [subprocess.Popen([sys.executable, "-c", script, "never"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outcomes = [(process.wait(timeout=180), *process.communicate()) for process in together]
        assert [code for code, _, _ in outcomes] == [0, 0], [err[-2000:] for _, _, err in outcomes]
        built = sorted(out.split()[1] for _, out, _ in outcomes)
        assert built == ["False", "True"], built  # one built it, the other waited and found it done
        assert _state(index_dir) == expected[round_number % 2]
        assert len(list((index_dir / "builds").iterdir())) <= 2  # the new one, and the previous while it was read
    IndexBuilder(index_dir, HashingEmbedder(), tokenizer).run([corpus])
    assert _leftovers(index_dir) == []
    assert json.loads((index_dir / "builds" / (index_dir / "CURRENT").read_text().strip() / "build.json").read_text())["counts"]
    assert os.listdir(index_dir / "builds")
