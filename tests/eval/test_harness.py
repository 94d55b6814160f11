"""The benchmark harness runs end to end on a small fixed slice (fails on a crash, not on a score)."""

from __future__ import annotations

import json
import os

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def test_eval_writes_results_report_and_plots_for_all_pipelines(real_config, tmp_path, monkeypatch):
    from cli.main import main

    monkeypatch.setenv("POLICY_DATA_DIR", str(real_config.data_dir))
    monkeypatch.setenv("POLICY_MODEL", str(real_config.model))
    out = tmp_path / "report"
    code = main(
        [
            "eval",
            "--dataset",
            str(ROOT / "eval" / "datasets" / "gazettes.jsonl"),
            "--limit",
            "10",
            "--pipelines",
            "full,naive,bm25,dense",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["pipelines"]) == ["full", "naive", "bm25", "dense"]
    assert all(row["items"] == 10 for row in summary["pipelines"].values())
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "## Pipelines side by side" in report and "## Failures" in report
    assert "## Run" in report and "- commit:" in report and "seed 0" in report
    assert summary["run"]["embedding model"].startswith("multilingual-e5-small")
    for name in ("metrics_by_pipeline.png", "answer_ok_by_document.png", "latency.png", "answer_ok_by_type_full.png"):
        assert (out / name).stat().st_size > 1000, name
    assert os.environ["POLICY_DATA_DIR"] == str(real_config.data_dir)
