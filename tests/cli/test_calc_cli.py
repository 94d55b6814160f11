"""`policy-assistant calc …` is generated from the calculator registry and calls the same
calculators as the StructuredTools."""

from __future__ import annotations

import json

import pytest

from assistant.calculators.registry import REGISTRY
from assistant.tools import calculator_tools
from cli.main import main


def test_calc_payout_json(capsys):
    assert main(["calc", "payout", "--liability", "inpatient_in_area", "--eligible-amount", "38600", "--conditions", "慢阻肺", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["value"] == 16800 and result["citations"]


def test_calc_payout_missing_group_asks_and_names_the_options(capsys):
    assert main(["calc", "payout", "--liability", "inpatient_in_area", "--eligible-amount", "38600"]) == 2
    err = capsys.readouterr().err
    assert "既往症" in err and "--no-preexisting" in err and "--conditions" in err


def test_calc_payout_healthy_switch(capsys):
    assert main(["calc", "payout", "--liability", "inpatient_in_area", "--eligible-amount", "38600", "--no-preexisting", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 33600


@pytest.mark.parametrize("amount", ["nan", "-5000", "inf", "三万"])
def test_calc_payout_refuses_amounts_it_cannot_use(capsys, amount):
    assert main(["calc", "payout", "--liability", "inpatient_in_area", "--eligible-amount", amount, "--no-preexisting"]) == 2
    err = capsys.readouterr().err
    assert "--eligible-amount" in err and "计算结果" not in err


def test_calc_deadline_and_working_days(capsys):
    assert main(["calc", "deadline", "--rule", "bad_review_rectify_sanming", "--start", "2024-09-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "2024-10-09"
    assert main(["calc", "working-days", "--start", "2024-09-30", "--end", "2024-10-14", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 6  # 10-8..10-11, 10-12 (调休), 10-14
    assert main(["calc", "deadline-after", "--start", "2024年9月27日", "--amount", "5", "--unit", "工作日", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "2024-10-10"


def test_calc_missing_input_is_named(capsys):
    assert main(["calc", "deadline", "--start", "2024-09-30"]) == 2
    assert "rule" in capsys.readouterr().err


def test_calc_staffing_and_validity(capsys):
    assert main(["calc", "staffing", "--by", "phase", "--key", "第二阶段", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == 19
    assert main(["calc", "validity", "--document", "普惠医联保", "--on", "2025-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "已失效"
    assert main(["calc", "staffing-check", "--json"]) == 0
    assert all(check["passed"] for check in json.loads(capsys.readouterr().out)["value"])


def test_calc_time_limits_lists_the_catalogue(capsys):
    assert main(["calc", "time-limits"]) == 0
    assert "bad_review_rectify_sanming" in capsys.readouterr().out


def test_unknown_window_lists_choices(capsys):
    assert main(["calc", "staffing", "--by", "window", "--key", "火星窗口"]) == 2
    assert "公安" in capsys.readouterr().err


def test_every_calculator_has_a_command_with_every_field(capsys):
    for entry in REGISTRY:
        with pytest.raises(SystemExit):
            main(["calc", entry.command, "--help"])
        shown = capsys.readouterr().out
        for name in entry.request.model_fields:
            assert "--" + name.replace("_", "-") in shown, (entry.command, name)


def test_tools_have_typed_schemas_and_agree_with_the_cli(capsys):
    tools = {tool.name: tool for tool in calculator_tools()}
    assert set(tools) == {entry.name for entry in REGISTRY}
    assert tools["sanming_payout"].args_schema.model_json_schema()["properties"]["eligible_amount"]["type"] == "number"
    assert tools["deadline"].invoke({"rule": "节能审查", "start": "2024-09-30"})["value"] == "2024-10-08"
    assert main(["calc", "deadline", "--rule", "节能审查", "--start", "2024-09-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "2024-10-08"
    assert tools["window_queue_model"].invoke({"arrivals_per_hour": 60, "mean_service_minutes": 10, "target_mean_wait_minutes": 5})["value"] == 12
