"""Answer through a web chat already running on this machine, when there is one.

Loading the model and the index takes seconds; a running ``serve`` has both warm. ``ask`` first
offers its question to the server at the configured port on loopback, and uses the answer only
when the server answers from the same index build the command would open. Anything else — no
server, another index, a slow or odd reply — returns None and ``ask`` answers by itself.

Usage::

    answer = ask_running_server(config, "保费多少？", as_of=None)   # a dict as `ask --json` prints, or None
"""

from __future__ import annotations

import http.client
import json
from datetime import date
from pathlib import Path

from ui.routes import ASK_ROUTE

CONNECT_SECONDS = 0.5
ANSWER_SECONDS = 60.0
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::"}


def live_build(index_dir: Path) -> str | None:
    """The name of the build an index folder serves (what ``CURRENT`` names), or None."""
    try:
        return (index_dir / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def ask_running_server(config, question: str, as_of: date | None) -> dict | None:
    """The server's answer (as ``ask --json`` prints it) when a server on this machine answers
    from the same build of the same index; otherwise None."""
    build = live_build(config.index_dir)
    if build is None or config.host not in _LOOPBACK:
        return None
    host = "::1" if config.host in ("::1", "::") else "127.0.0.1"
    body = json.dumps({"question": question, "as_of": as_of.isoformat() if as_of else None}, ensure_ascii=False).encode("utf-8")
    connection = http.client.HTTPConnection(host, config.port, timeout=CONNECT_SECONDS)
    try:
        connection.connect()  # quick to fail when nothing listens
        connection.sock.settimeout(ANSWER_SECONDS)  # connected: now give it time to answer
        connection.request("POST", ASK_ROUTE, body=body, headers={"content-type": "application/json"})
        response = connection.getresponse()
        reply = json.loads(response.read().decode("utf-8")) if response.status == 200 else None
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        connection.close()
    if not isinstance(reply, dict) or reply.get("build") != build or not isinstance(reply.get("answer"), dict):
        return None
    return reply["answer"]
