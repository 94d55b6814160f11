"""Operational logs: one JSON line per event, to a rotating file and to stderr.

An operator reads what the service did without a debugger: each answered question (its id,
the channel, kind, confidence, latency, cited clause ids), each error (its type and message,
never a traceback on the user's screen), each rating and each start. Every line is masked
with ``mask_identity`` after it is serialised, whatever field a 身份证号, bank-card number or
手机号 hides in, so none is ever written in clear. Questions are kept to their first
``QUESTION_CHARS`` characters.

Usage::

    journal = Journal(config.data_dir / "logs" / "serve-7860.jsonl")
    journal.answered("web", "a1b2c3", question, answer, seconds=0.12)
    journal.failed("web", "a1b2c3", question, error, seconds=0.3)
    journal.event("start", host="127.0.0.1", port=7860)
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant.privacy import mask_identity

if TYPE_CHECKING:
    from assistant.types import Answer

QUESTION_CHARS = 200
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 5


class Journal:
    """Structured, masked JSON lines; ``path`` rotates at ``MAX_BYTES`` keeping ``BACKUPS`` files.

    ``path`` None writes to ``stream`` only; ``stream`` None to the file only."""

    def __init__(self, path: Path | None, stream: TextIO | None = sys.stderr):
        self.path = path
        self._logger = logging.Logger(f"policy-assistant.journal.{id(self)}")  # private: nothing else writes here
        self._logger.propagate = False
        self._handlers: list[logging.Handler] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handlers.append(logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"))
        if stream is not None:
            self._handlers.append(logging.StreamHandler(stream))
        for handler in self._handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))
            self._logger.addHandler(handler)
        self._lock = threading.Lock()

    def event(self, name: str, level: int = logging.INFO, **fields) -> dict:
        """One line: time, level, event name and ``fields``; returns what was written (masked)."""
        record = {"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "level": logging.getLevelName(level), "event": name}
        record.update(fields)
        line = mask_identity(json.dumps(record, ensure_ascii=False, default=str, allow_nan=False))
        with self._lock:
            self._logger.log(level, line)
        return json.loads(line)

    def answered(self, channel: str, request_id: str, question: str, answer: Answer, seconds: float) -> dict:
        """An answer given: its kind, confidence and cited clauses, and how long it took."""
        return self.event(
            "answer",
            channel=channel,
            request_id=request_id,
            question=question[:QUESTION_CHARS],
            kind=answer.kind,
            confidence=None if answer.confidence is None else round(float(answer.confidence), 3),
            clause_ids=[c.clause_id for c in answer.citations],
            calculator=answer.calculation.name if answer.calculation is not None else None,
            latency_ms=round(seconds * 1000, 1),
        )

    def refused(self, channel: str, request_id: str, question: str, message: str, seconds: float) -> dict:
        """A question not answered because its input was refused (a bad date, an empty question)."""
        return self.event(
            "refused", channel=channel, request_id=request_id, question=question[:QUESTION_CHARS], message=message, latency_ms=round(seconds * 1000, 1)
        )

    def failed(self, channel: str, request_id: str, question: str, error: BaseException, seconds: float) -> dict:
        """An unexpected error while answering: its type and message, for whoever runs the service."""
        return self.event(
            "error",
            level=logging.ERROR,
            channel=channel,
            request_id=request_id,
            question=question[:QUESTION_CHARS],
            error=type(error).__name__,
            message=str(error)[:500],
            latency_ms=round(seconds * 1000, 1),
        )

    def close(self) -> None:
        for handler in self._handlers:
            handler.close()
            self._logger.removeHandler(handler)
