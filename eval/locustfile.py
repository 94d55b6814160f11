"""Locust users of the web chat, for ``policy-assistant loadtest`` (run by locust, not imported).

Each user asks a question through the chat's public API (``/gradio_api/call/ask``, the same
handler the page's 发送 button runs), reads the reply for a few seconds, and asks again. The
questions are drawn without repeats from the file named by ``POLICY_LOADTEST_QUESTIONS`` (one
per line), so the server's cache of recent question vectors does not flatter the figures.

The row ``chat reply`` of locust's statistics is the whole round trip: the question posted,
then the event stream read until the answer is complete. A stream that ends in an error, or
never completes, is a failure. (The two HTTP requests also get rows of their own.)
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import time
from datetime import date

from locust import HttpUser, between, task

_QUESTIONS = [line.strip() for line in open(os.environ["POLICY_LOADTEST_QUESTIONS"], encoding="utf-8") if line.strip()]
_NEXT = itertools.cycle(_QUESTIONS)  # a shared cursor: no question twice until all were asked
_LOCK = threading.Lock()
AS_OF = os.environ.get("POLICY_LOADTEST_AS_OF", date.today().isoformat())
REPLY = "chat reply"  # the row of the statistics that counts whole round trips
THINK_SECONDS = tuple(float(x) for x in os.environ.get("POLICY_LOADTEST_THINK", "2,6").split(","))


def _question() -> str:
    with _LOCK:
        return next(_NEXT)


class ChatUser(HttpUser):
    """A citizen in the web chat: asks, reads the answer, asks again."""

    wait_time = between(*THINK_SECONDS)

    @task
    def ask(self) -> None:
        started = time.perf_counter()
        problem = self._round_trip(_question())
        self.environment.events.request.fire(
            request_type="CHAT",
            name=REPLY,
            response_time=(time.perf_counter() - started) * 1000,
            response_length=0,
            exception=RuntimeError(problem) if problem else None,
            context={},
        )

    def _round_trip(self, question: str) -> str | None:
        posted = self.client.post("/gradio_api/call/ask", json={"data": [question, AS_OF]}, name="post question")
        event_id = posted.json().get("event_id") if posted.ok and posted.text.startswith("{") else None
        if event_id is None:
            return f"HTTP {posted.status_code}: {posted.text[:200]}"
        with self.client.get(f"/gradio_api/call/ask/{event_id}", name="read answer", stream=True, catch_response=True) as stream:
            problem = _outcome(stream.iter_lines(decode_unicode=True)) if stream.ok else f"HTTP {stream.status_code}"
            stream.failure(problem) if problem else stream.success()
            return problem


def _outcome(lines) -> str | None:
    """None when the stream completed with a reply; else what went wrong."""
    event = None
    for line in lines:
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:") and event == "complete":
            data = json.loads(line.split(":", 1)[1])
            chat = data[1] if isinstance(data, list) and len(data) > 1 else None
            return None if chat else f"complete without a reply: {line[:200]}"
        elif line.startswith("data:") and event == "error":
            return f"error: {line[:200]}"
    return f"stream ended after event {event!r}"
