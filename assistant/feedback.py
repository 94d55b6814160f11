"""What users say about answers: 👍/👎 with an optional comment, kept in SQLite.

Each record holds what a maintainer needs to turn a complaint into a benchmark item — the
question, the answer, its kind, confidence, cited clause ids, the date asked about, the
settings — and never an identity number a citizen typed: 身份证号, bank cards and 手机号 are masked
before anything is written. The database runs in WAL mode under the data directory, one
connection per call, so many web workers can write at once.

Usage::

    store = FeedbackStore(config.data_dir / "feedback.sqlite3")
    record_id = store.record(Feedback(answer_id="a1", question="…", answer="…", rating="down", …))
    store.comment(record_id, "引用的条款不对")
    store.export(Path("feedback.jsonl"))  # benchmark-schema lines for review
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from assistant.privacy import mask_identity

RATINGS = ("up", "down")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    kind TEXT NOT NULL,
    confidence REAL,
    clause_ids TEXT NOT NULL,
    doc_numbers TEXT NOT NULL,
    as_of TEXT,
    settings TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Feedback:
    """One rating of one answer."""

    answer_id: str
    rating: str  # "up" or "down"
    question: str
    answer: str
    kind: str
    confidence: float | None = None
    clause_ids: tuple[str, ...] = ()
    doc_numbers: tuple[str, ...] = ()
    as_of: str | None = None
    comment: str = ""
    settings: dict = field(default_factory=dict)


class FeedbackError(ValueError):
    """A rating that cannot be stored as given (the message says why)."""


class FeedbackStore:
    """Feedback records in one SQLite file (created on first use)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA busy_timeout=30000")
            connection.execute(_SCHEMA)
            yield connection
        finally:
            connection.close()

    def record(self, feedback: Feedback) -> int:
        """Store a rating (identity numbers masked); returns its id."""
        if feedback.rating not in RATINGS:
            raise FeedbackError(f"评价只能是 {' / '.join(RATINGS)}，收到 {feedback.rating!r}。")
        row = (
            datetime.now(timezone.utc).isoformat(timespec="seconds"),
            feedback.answer_id,
            feedback.rating,
            mask_identity(feedback.comment)[:2000],
            mask_identity(feedback.question)[:2000],
            mask_identity(feedback.answer)[:20000],
            feedback.kind,
            feedback.confidence,
            json.dumps(list(feedback.clause_ids), ensure_ascii=False),
            json.dumps(list(feedback.doc_numbers), ensure_ascii=False),
            feedback.as_of,
            json.dumps(feedback.settings, ensure_ascii=False, sort_keys=True, default=str),
        )
        with self._connection() as connection:
            cursor = connection.execute(
                "INSERT INTO feedback (created, answer_id, rating, comment, question, answer, kind, confidence,"
                " clause_ids, doc_numbers, as_of, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid)

    def comment(self, record_id: int, text: str) -> None:
        """Add (or replace) the comment of a stored rating."""
        with self._connection() as connection:
            updated = connection.execute("UPDATE feedback SET comment = ? WHERE id = ?", (mask_identity(text)[:2000], record_id)).rowcount
        if not updated:
            raise FeedbackError(f"没有编号为 {record_id} 的评价。")

    def rows(self) -> list[dict]:
        """Every stored rating, oldest first."""
        with self._connection() as connection:
            connection.row_factory = sqlite3.Row
            rows = [dict(r) for r in connection.execute("SELECT * FROM feedback ORDER BY id")]
        for row in rows:
            row["clause_ids"] = json.loads(row["clause_ids"])
            row["doc_numbers"] = json.loads(row["doc_numbers"])
            row["settings"] = json.loads(row["settings"])
        return rows

    def export(self, path: Path, only: str | None = None) -> int:
        """Write ratings as benchmark-schema JSONL (``eval/datasets``) for a maintainer to
        complete: the question and date as asked, the documents the answer cited as a first
        guess of the gold document, empty evidence and expected values, and the rating in
        ``feedback``. ``only`` keeps one rating ("down" for complaints). Returns the count."""
        rows = [r for r in self.rows() if only is None or r["rating"] == only]
        path = Path(path)
        if path.is_dir():
            raise FeedbackError(f"{path} 是文件夹，请给出要写入的文件名，例如 feedback.jsonl。")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            for row in rows:
                item = {
                    "id": f"feedback-{row['id']}",
                    "question": row["question"],
                    "type": "unanswerable" if row["kind"] == "not_found" else "lookup",
                    "doc_number": row["doc_numbers"][:1],
                    "evidence": "",
                    "expect": [],
                    "as_of": row["as_of"],
                    "feedback": {k: row[k] for k in ("rating", "comment", "answer", "kind", "confidence", "clause_ids", "answer_id", "created", "settings")},
                }
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
        return len(rows)

