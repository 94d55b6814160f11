"""Fixtures for the UI tests: the real server (over ``real_config`` from tests/conftest.py) and a browser.

``real_config`` converts the model and indexes the corpus under ``.data/`` (ignored by git) the
first time, a few minutes; later runs reuse both.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from assistant import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 180
NET_GUARD = Path(__file__).resolve().parent / "netguard"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command() -> list[str]:
    script = Path(sys.executable).with_name("policy-assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


@pytest.fixture(scope="session")
def staff_assistant(fake_assistant):
    """An ``Assistant`` over the fake-embedder index (no model): for the routes and the staff tabs."""
    return fake_assistant


@pytest.fixture(scope="session")
def server_logs(tmp_path_factory) -> Path:
    """The test server's stdout, stderr and network-attempts.txt (connections the guard refused)."""
    return tmp_path_factory.mktemp("server")


@pytest.fixture(scope="session")
def server_url(real_config, server_logs) -> str:
    """`policy-assistant serve` on a free port over the real data dir; stopped when the session ends."""
    port = free_port()
    logs = server_logs
    out, err = (logs / "stdout.txt").open("wb"), (logs / "stderr.txt").open("wb")
    guard_log = logs / "network-attempts.txt"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("POLICY_")},
        # Every connection beyond loopback is refused and written down (tests/ui/netguard).
        "PYTHONPATH": os.pathsep.join(filter(None, [str(NET_GUARD), os.environ.get("PYTHONPATH")])),
        "POLICY_NET_GUARD_LOG": str(guard_log),
        "POLICY_DATA_DIR": str(real_config.data_dir),
        "POLICY_INDEX_DIR": str(real_config.index_dir),
        "POLICY_MODEL": str(real_config.model),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        _command() + ["serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=settings.PROJECT_ROOT,
        env=env,
        stdout=out,
        stderr=err,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, url, logs)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        out.close()
        err.close()


def _wait_until_up(process: subprocess.Popen, url: str, logs: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with status {process.returncode} before answering:\n{_tail(logs / 'stderr.txt')}")
        try:
            with urllib.request.urlopen(url + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    pytest.fail(f"server did not answer on {url} within {SERVER_START_SECONDS} s; its stderr:\n{_tail(logs / 'stderr.txt')}")


def _tail(path: Path, chars: int = 4000) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return text[-chars:] or "(empty)"


@pytest.fixture
def browser(tmp_path):
    """A fresh headless Debian Chromium (Playwright persistent context with its own profile dir)."""
    yield from _chromium(tmp_path, "zh-CN")


@pytest.fixture
def english_browser(tmp_path):
    """The same, for a visitor whose browser is set to English."""
    yield from _chromium(tmp_path, "en-US")


def _chromium(tmp_path: Path, locale: str):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium chromium-driver fonts-noto-cjk`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 1000},
            locale=locale,
        )
        try:
            yield context
        finally:
            context.close()
