"""A serving assistant follows the live build: a new ingest takes over without a restart."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant import settings
from assistant.live import LiveAssistant
from assistant.service import Assistant
from ingest.embedding import HashingEmbedder
from ingest.index import CURRENT, ClauseIndex, IndexBuilder

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
QUESTION = "三明市一窗受理收到差评，多久内要完成整改反馈？"


def _serving(tmp_path, tokenizer):
    config = settings.load({"index_dir": str(tmp_path / "index"), "data_dir": str(tmp_path / "data")}, environ={})
    IndexBuilder(config.index_dir, HashingEmbedder(), tokenizer).run([CORPUS])
    return config, Assistant(ClauseIndex.open(config.index_dir), HashingEmbedder(), tokenizer, config)


def test_a_new_build_answers_once_it_has_loaded_and_the_old_one_until_then(tmp_path, tokenizer):
    config, assistant = _serving(tmp_path, tokenizer)
    switched = []
    live = LiveAssistant(assistant, config, check_every=0, on_switch=switched.append)
    first = live.index.build_dir.name
    before = live.ask(QUESTION).answer
    second = IndexBuilder(config.index_dir, HashingEmbedder(), tokenizer).run([CORPUS], force=True).build
    assert second != first
    live.current()  # notices CURRENT moved and starts loading the new build
    live.wait(60)
    assert live.index.build_dir.name == second and switched == [second]
    assert live.ask(QUESTION).answer == before  # same corpus, same answer, from the new build


def test_a_build_that_will_not_open_leaves_the_old_one_answering(tmp_path, tokenizer):
    config, assistant = _serving(tmp_path, tokenizer)
    failures = []
    live = LiveAssistant(assistant, config, check_every=0, on_failure=lambda build, error: failures.append(build))
    first = live.index.build_dir.name
    broken = config.index_dir / "builds" / "20991231-000000-broken"
    shutil.copytree(config.index_dir / "builds" / first, broken)
    (broken / "chunks.jsonl").write_text("", encoding="utf-8")
    (config.index_dir / CURRENT).write_text(broken.name, encoding="utf-8")
    live.current()
    live.wait(60)
    assert failures == [broken.name] and live.index.build_dir.name == first
    live.current()
    assert live._loading is None  # not tried again on every question
    assert live.ask(QUESTION).kind in ("answer", "not_found", "calculation", "clarify")
