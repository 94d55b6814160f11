"""The running server as an operator sees it: no connection beyond this machine, a masked log."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest


def _ask(url: str, question: str) -> list:
    request = urllib.request.Request(
        url + "/gradio_api/call/ask", data=json.dumps({"data": [question, "2026-11-30"]}).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as posted:
        event_id = json.loads(posted.read())["event_id"]
    with urllib.request.urlopen(f"{url}/gradio_api/call/ask/{event_id}", timeout=120) as stream:
        lines = stream.read().decode("utf-8").splitlines()
    return json.loads(lines[lines.index("event: complete") + 1].removeprefix("data:"))


@pytest.mark.integration
def test_the_server_never_reaches_the_network_and_logs_without_identity_numbers(server_url, server_logs, real_config):
    question = "我手机13800138000，身份证350402199001011234，差评多久内要完成整改反馈？"
    reply = _ask(server_url, question)
    assert reply[1], reply  # the chat got an answer
    attempts = server_logs / "network-attempts.txt"
    assert not attempts.exists(), attempts.read_text(encoding="utf-8")[:3000]
    log = real_config.log_dir / f"serve-{urlsplit(server_url).port}.jsonl"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["event"] == "start" and lines[0]["host"] == "127.0.0.1"
    asked = [line for line in lines if line["event"] == "answer" and "差评" in line["question"]]
    assert asked and asked[-1]["question"].startswith("我手机[手机号]，身份证[身份证号]")
    text = log.read_text(encoding="utf-8") + (server_logs / "stderr.txt").read_text(encoding="utf-8")
    assert "13800138000" not in text and "350402199001011234" not in text
