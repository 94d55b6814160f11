"""`policy-assistant` keeps its contract: exit codes, messages, JSON fields."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli.main import main
from tests.conftest import ROOT


def _run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_ask_without_an_index_names_the_command_that_builds_it(tmp_path):
    result = _run("ask", "起付标准是多少", env={"POLICY_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "policy-assistant ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_batch_line_is_named_before_anything_loads(tmp_path, capsys):
    batch = tmp_path / "in.jsonl"
    batch.write_text('{"id": "a", "question": "起付标准"}\n{"id": "b"}\n', encoding="utf-8")
    assert main(["ask", "--jsonl", str(batch), "--out", str(tmp_path / "out.jsonl")]) == 2
    assert "第 2 行：缺少 question（问题）" in capsys.readouterr().err


def test_impossible_date_is_refused(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["ask", "--as-of", "2024-02-30", "起付标准"])
    assert exit_info.value.code == 2
    assert "无效日期" in capsys.readouterr().err


@pytest.mark.integration
def test_docs_json_lists_every_document_with_metadata(real_config):
    result = _run("docs", "--json", env={"POLICY_DATA_DIR": str(real_config.data_dir)})
    assert result.returncode == 0, result.stderr
    rows = {row["doc_id"]: row for row in json.loads(result.stdout)}
    assert len(rows) == 19
    assert rows["明政办规〔2023〕4号"] == {
        "doc_id": "明政办规〔2023〕4号",
        "doc_number": "明政办规〔2023〕4号",
        "title": "三明市人民政府办公室关于印发三明市深化“一窗受理、集成服务”改革进一步优化营商环境实施方案的通知",
        "issuer": "三明市人民政府办公室",
        "date": "2023-07-03",
        "valid_from": "2023-07-03",
        "valid_until": "2028-12-31",
        "n_clauses": 33,
        "source": "gazettes/sanming-2023-04.txt",
        "repeals": [],
        "dates": [
            {"field": "date", "sentence": "2023 年 7 月 3 日"},
            {"field": "valid_from", "sentence": "本方案自印发之日起实施，有效期至2028年12月31日。"},
            {"field": "valid_until", "sentence": "本方案自印发之日起实施，有效期至2028年12月31日。"},
        ],
    }
    assert rows["闽政〔2022〕23号"]["repeals"] == ["闽政〔2018〕3号"]


@pytest.mark.integration
def test_ask_json_and_batch_with_history(real_config, tmp_path):
    env = {"POLICY_DATA_DIR": str(real_config.data_dir), "POLICY_MODEL": str(real_config.model)}
    single = _run("ask", "--json", "--as-of", "2024-01-15", "三明一窗受理收到差评，多久内要完成整改反馈？", env=env)
    assert single.returncode == 0, single.stderr
    answer = json.loads(single.stdout)
    assert answer["kind"] == "answer"
    assert answer["citations"][0]["doc_number"] == "明政办规〔2023〕4号"
    assert len(answer["retrieved"]) == 10
    batch = tmp_path / "in.jsonl"
    batch.write_text(
        "\n".join(
            json.dumps(item, ensure_ascii=False)
            for item in [
                {"id": "p1", "question": "一窗通办第一阶段要外包多少个工作人员？"},
                {
                    "id": "p2",
                    "question": "那第二阶段呢？",
                    "history": [{"role": "user", "content": "一窗通办第一阶段要外包多少个工作人员？"}],
                },
                {"id": "p3", "question": "厦门市地方政府储备粮要储多少吨？"},
            ]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = _run("ask", "--jsonl", str(batch), "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    answers = {a["id"]: a for a in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert answers["p1"]["citations"][0]["clause_id"].startswith("明政办规〔2023〕4号/三/（三）/第一阶段#")
    assert answers["p2"]["citations"][0]["clause_id"].startswith("明政办规〔2023〕4号/三/（三）/第二阶段#")
    assert answers["p3"]["kind"] == "not_found"


def test_training_on_a_heldout_set_is_refused(capsys):
    code = main(["train-abstention", "--dataset", str(ROOT / "eval" / "datasets" / "heldout" / "gazettes.jsonl")])
    assert code == 2 and "保留测试集" in capsys.readouterr().err


def test_eval_items_without_a_date_are_asked_on_the_runs_date():
    from datetime import date

    from cli.main import _dated
    from eval.runner import load_dataset

    items = load_dataset(ROOT / "eval" / "datasets" / "gazettes.jsonl")
    dated = _dated(items, date(2025, 1, 1))
    assert all(d.as_of == (i.as_of or date(2025, 1, 1)) for i, d in zip(items, dated))
    assert any(i.as_of is None for i in items) and all(d.as_of is not None for d in _dated(items, None))


def test_feedback_export_writes_the_ratings(tmp_path, monkeypatch, capsys):
    from assistant.feedback import Feedback, FeedbackStore

    monkeypatch.setenv("POLICY_DATA_DIR", str(tmp_path))
    FeedbackStore(tmp_path / "feedback.sqlite3").record(Feedback(answer_id="a", rating="down", question="问", answer="答", kind="answer"))
    out = tmp_path / "feedback.jsonl"
    assert main(["feedback", "export", "--out", str(out), "--only", "down"]) == 0
    assert "已导出 1 条评价" in capsys.readouterr().out
    assert json.loads(out.read_text(encoding="utf-8"))["feedback"]["rating"] == "down"
    assert main(["feedback", "export", "--out", str(tmp_path)]) == 2
    assert "文件夹" in capsys.readouterr().err
