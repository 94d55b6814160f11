"""A load test of the web chat with locust: one user, then many at once, in the same run.

``policy-assistant loadtest`` starts ``policy-assistant serve`` on a free loopback port (or uses
``--url``), asks a few questions to warm it, runs ``eval/locustfile.py`` headless with one user
and then with ``--users`` users for ``--seconds`` seconds, and prints for each phase the
requests, errors, p50/p95 and throughput of whole chat round trips.

Questions come from the development datasets (never the held-out ones), shuffled with a fixed
seed and asked without repeats, so the server's cache of recent questions does not help.

Usage::

    figures = run_loadtest(settings.load(), users=50, seconds=60)
    figures["many"]["p95_ms"]
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from assistant.errors import AssistantError
from assistant.settings import Config

DATASETS = Path(__file__).resolve().parent / "datasets"
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
REPLY = "chat reply"  # the row eval/locustfile.py records whole round trips under
SINGLE_USER_SECONDS = 20
SINGLE_USER_QUESTIONS = 100
START_SECONDS = 300


class LoadTestError(AssistantError):
    """The load test could not run (locust missing, the server did not start); shown to whoever ran it."""


def run_loadtest(
    config: Config, users: int = 50, seconds: int = 60, think: tuple[float, float] = (2.0, 6.0), url: str | None = None, out: Path | None = None
) -> dict:
    """Figures for one user and for ``users`` users at once, each reading an answer for ``think``
    seconds (uniform between the two) before asking again; printed, and written to ``out``."""
    locust = shutil.which("locust") or str(Path(sys.executable).with_name("locust"))
    if not Path(locust).exists():
        raise LoadTestError("没有找到 locust：请先运行 make loadtest（或 pip install -e '.[load]'）。")
    with tempfile.TemporaryDirectory(prefix="policy-loadtest-") as work:
        work = Path(work)
        asked = development_questions()
        single, many = work / "single.txt", work / "many.txt"  # apart, so no phase re-asks the other's
        single.write_text("\n".join(asked[:SINGLE_USER_QUESTIONS]) + "\n", encoding="utf-8")
        many.write_text("\n".join(asked[SINGLE_USER_QUESTIONS:]) + "\n", encoding="utf-8")
        server = None if url else _start_server(config, work)
        try:
            target = url or server[1]
            _warm(target)
            figures = {
                "users": users,
                "seconds": seconds,
                "workers": config.workers,
                "think_seconds": list(think),
                "single": _phase(locust, target, single, work / "single", users=1, seconds=SINGLE_USER_SECONDS, think=think),
                "many": _phase(locust, target, many, work / "many", users=users, seconds=seconds, think=think),
            }
        finally:
            if server is not None:
                _stop(server[0])
    for phase in ("single", "many"):
        f = figures[phase]
        print(
            f"{f['users']:>3} 用户 {f['seconds']:>3} 秒：{f['requests']} 次问答，{f['failures']} 次出错，"
            f"p50 {f['p50_ms']:.0f} ms，p95 {f['p95_ms']:.0f} ms，每秒 {f['per_second']:.2f} 次",
            flush=True,
        )
    if out is not None:
        out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return figures


def development_questions(seed: int = 20261201) -> list[str]:
    """Every question of the development and training sets (held-out ones excluded), shuffled."""
    seen = {}
    for path in sorted(DATASETS.glob("*.jsonl")):  # the held-out sets live in a subfolder, not read here
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                question = " ".join(str(json.loads(line).get("question", "")).split())
                if question:
                    seen.setdefault(question, None)
    questions = list(seen)
    random.Random(seed).shuffle(questions)
    return questions


def _phase(locust: str, url: str, questions: Path, prefix: Path, users: int, seconds: int, think: tuple[float, float]) -> dict:
    env = {**os.environ, "POLICY_LOADTEST_QUESTIONS": str(questions), "POLICY_LOADTEST_THINK": f"{think[0]},{think[1]}"}
    command = [
        locust, "-f", str(LOCUSTFILE), "--headless", "--host", url,
        "--users", str(users), "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s",
        "--stop-timeout", "30", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    print(f"负载测试：{users} 个用户，{seconds} 秒……", file=sys.stderr, flush=True)
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 180)
    stats = Path(f"{prefix}_stats.csv")
    if not stats.exists():
        raise LoadTestError(f"locust 没有写出统计（退出码 {finished.returncode}）：{finished.stderr[-1500:]}")
    try:
        return {"users": users, "seconds": seconds, **_row(stats, REPLY)}
    except LoadTestError as error:
        raise LoadTestError(f"{error} locust 的输出：{finished.stderr[-1500:]}") from None


def _row(stats: Path, name: str) -> dict:
    with stats.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                return {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "max_ms": float(row["Max Response Time"]),
                    "per_second": float(row["Requests/s"]),
                }
    raise LoadTestError(f"{stats.name} 中没有“{name}”一行：没有一次问答完成。")


def _start_server(config: Config, work: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    script = Path(sys.executable).with_name("policy-assistant")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "cli"]
    env = {
        **os.environ,
        "POLICY_DATA_DIR": str(config.data_dir),
        "POLICY_INDEX_DIR": str(config.index_dir),
        "POLICY_MODEL": str(config.model),
        "POLICY_WORKERS": str(config.workers),
    }
    log = (work / "server.txt").open("wb")
    process = subprocess.Popen(
        command + ["serve", "--host", "127.0.0.1", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadTestError(f"服务没有启动（退出码 {process.returncode}）：{(work / 'server.txt').read_text(errors='replace')[-1500:]}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2):
                return process, url
        except (urllib.error.URLError, OSError):
            time.sleep(0.5)
    _stop(process)
    raise LoadTestError(f"服务 {START_SECONDS} 秒内没有在 {url} 上应答。")


def _warm(url: str, rounds: int = 4) -> None:
    """A few questions first: the first answers load lazily built parts and are not typical.
    Cookies are kept (behind a proxy they pin a user to one replica) and each round is a new
    user, so every replica behind a proxy is likely warmed."""
    import http.client
    import http.cookiejar

    for _ in range(rounds):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for question in ("差评多久内要完成整改反馈？", "我住院自付了3.86万，普惠医联保能赔多少？"):
            request = urllib.request.Request(
                url + "/gradio_api/call/ask",
                data=json.dumps({"data": [question, "2026-11-30"]}).encode(),
                headers={"content-type": "application/json"},
            )
            try:
                with opener.open(request, timeout=60) as posted:
                    event_id = json.loads(posted.read())["event_id"]
                with opener.open(f"{url}/gradio_api/call/ask/{event_id}", timeout=120) as stream:
                    stream.read()
            except (OSError, ValueError, KeyError, http.client.HTTPException) as error:
                raise LoadTestError(f"预热提问没有得到完整回答（{url}：{error}）。若经过反向代理，请确认它把同一用户的请求发往同一副本。") from None


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)
