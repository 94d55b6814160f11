"""The JSON route of a running server, and `policy-assistant ask` answering through it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from assistant import settings
from cli.warm import ask_running_server
from ui.routes import ASK_ROUTE

QUESTION = "三明市一窗受理收到差评，多久内要完成整改反馈？"


def _post(url: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url + ASK_ROUTE, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


class _Fake(BaseHTTPRequestHandler):
    reply: dict = {}

    def do_POST(self):  # noqa: N802 — the standard library's name
        self.rfile.read(int(self.headers["content-length"]))
        body = json.dumps(self.reply).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_server(tmp_path):
    """A stand-in server on loopback replying with ``_Fake.reply``, and an index folder naming build b1."""
    (tmp_path / "CURRENT").write_text("b1\n", encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = settings.load({"index_dir": str(tmp_path), "port": str(server.server_address[1])}, environ={})
    yield config
    server.shutdown()


def test_an_answer_from_the_same_build_is_taken(fake_server):
    _Fake.reply = {"answer": {"answer": "回答", "kind": "answer"}, "build": "b1"}
    assert ask_running_server(fake_server, "保费多少？", date(2024, 1, 1)) == {"answer": "回答", "kind": "answer"}


@pytest.mark.parametrize("reply", [{"answer": {"answer": "旧"}, "build": "b0"}, {"error": "出错"}, {"answer": "不是对象", "build": "b1"}])
def test_an_answer_from_another_build_or_an_odd_reply_is_not(fake_server, reply):
    _Fake.reply = reply
    assert ask_running_server(fake_server, "保费多少？", None) is None


def test_nothing_listening_or_no_index_means_answer_here(tmp_path):
    (tmp_path / "CURRENT").write_text("b1", encoding="utf-8")
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert ask_running_server(settings.load({"index_dir": str(tmp_path), "port": str(port)}, environ={}), "保费多少？", None) is None
    assert ask_running_server(settings.load({"index_dir": str(tmp_path / "none")}, environ={}), "保费多少？", None) is None
    remote = settings.load({"index_dir": str(tmp_path), "host": "10.0.0.5"}, environ={})
    assert ask_running_server(remote, "保费多少？", None) is None  # never a question sent off this machine


@pytest.mark.integration
def test_the_route_answers_as_ask_json_does_and_refuses_bad_requests_in_chinese(server_url, real_assistant):
    status, reply = _post(server_url, json.dumps({"question": QUESTION, "as_of": "2024-10-08"}).encode())
    assert status == 200 and reply["build"] == real_assistant.index.build_dir.name
    here = real_assistant.ask(QUESTION, as_of=date(2024, 10, 8)).to_dict()
    assert reply["answer"]["answer"] == here["answer"] and reply["answer"]["citations"] == here["citations"]
    for body in (b"{", b"\xff\xfe", json.dumps({"question": QUESTION, "as_of": "0000-01-01"}).encode(), b"[]", b"x" * 300_000):
        status, reply = _post(server_url, body)
        assert status == 400 and any("\u4e00" <= ch <= "\u9fff" for ch in reply["error"]), (body[:20], reply)


@pytest.mark.integration
def test_ask_answers_through_a_running_server_and_alone_when_told(server_url, real_config):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("POLICY_")},
        "POLICY_DATA_DIR": str(real_config.data_dir),
        "POLICY_INDEX_DIR": str(real_config.index_dir),
        "POLICY_MODEL": str(real_config.model),
        "POLICY_PORT": str(urlsplit(server_url).port),
    }
    command = [sys.executable, "-m", "cli", "ask", "--json", "--as-of", "2024-10-08", QUESTION]
    through = subprocess.run(command, capture_output=True, text=True, env=env, cwd=settings.PROJECT_ROOT, timeout=300)
    alone = subprocess.run(command + ["--local"], capture_output=True, text=True, env=env, cwd=settings.PROJECT_ROOT, timeout=300)
    assert through.returncode == alone.returncode == 0, through.stderr[-500:] + alone.stderr[-500:]
    assert json.loads(through.stdout)["answer"] == json.loads(alone.stdout)["answer"]
    log = Path(real_config.data_dir) / "logs" / f"serve-{urlsplit(server_url).port}.jsonl"
    asked = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if '"api"' in line]
    assert sum(1 for line in asked if line.get("question") == QUESTION and line["event"] == "answer") >= 1
    assert "Loading weights" not in through.stderr  # the model was not loaded for it


@pytest.mark.integration
def test_an_oversized_request_is_refused_before_it_is_read_whole(server_url):
    status, reply = _post(server_url, b'{"question": "' + "保".encode() * 200_000 + b'"}')
    assert status == 400 and "上限" in reply["error"]
