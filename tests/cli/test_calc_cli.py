"""`policy-assistant calc …` and the StructuredTools call the same calculators."""

from __future__ import annotations

import json

from cli.main import main
from assistant.tools import calculator_tools


def test_calc_payout_json(capsys):
    assert main(["calc", "payout", "--liability", "inpatient_in_area", "--amount", "38600", "--condition", "慢阻肺", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["value"] == 16800 and result["citations"]


def test_calc_payout_missing_group_names_the_flag(capsys):
    assert main(["calc", "payout", "--liability", "inpatient_in_area", "--amount", "38600"]) == 2
    assert "--healthy" in capsys.readouterr().err


def test_calc_deadline_and_working_days(capsys):
    assert main(["calc", "deadline", "--rule", "bad_review_rectify_sanming", "--start", "2024-09-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "2024-10-09"
    assert main(["calc", "deadline", "--between", "2024-09-30", "2024-10-14", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 6  # 10-8..10-11, 10-12 (调休), 10-14


def test_calc_staffing_and_validity(capsys):
    assert main(["calc", "staffing", "--by", "phase", "--key", "第二阶段", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 19
    assert main(["calc", "validity", "--doc", "普惠医联保", "--date", "2025-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "已失效"


def test_unknown_window_lists_choices(capsys):
    assert main(["calc", "staffing", "--by", "window", "--key", "火星窗口"]) == 2
    assert "公安" in capsys.readouterr().err


def test_tools_have_typed_schemas_and_agree_with_the_cli():
    tools = {tool.name: tool for tool in calculator_tools()}
    assert set(tools) == {
        "sanming_payout", "document_validity", "documents_expiring", "deadline", "deadline_after", "working_days_between", "staffing_total",
        "window_queue_model",
    }
    assert tools["sanming_payout"].args_schema.model_json_schema()["properties"]["eligible_amount"]["type"] == "number"
    assert tools["deadline"].invoke({"rule": "节能审查", "start": "2024-09-30"})["value"] == "2024-10-08"
    assert tools["window_queue_model"].invoke({"arrivals_per_hour": 60, "mean_service_minutes": 10, "target_mean_wait_minutes": 5})["value"] == 12
