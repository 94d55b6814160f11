"""Progress on a terminal is a bar; in a log it is one line per stage with its real figures."""

from __future__ import annotations

import io

from assistant.progress import TqdmProgress


def test_in_a_log_each_stage_is_one_line_with_its_count_and_rate():
    log = io.StringIO()
    with TqdmProgress(log) as progress:
        for done in range(0, 101, 10):
            progress("向量化", done, 100)
        progress("写入向量库", 0, 5)
    lines = log.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("向量化：100 项，用时 ") and "\r" not in log.getvalue()
    assert lines[1].startswith("写入向量库：停在 0/5 项")


def test_a_stage_that_jumps_straight_to_its_end_claims_no_rate():
    log = io.StringIO()
    with TqdmProgress(log) as progress:
        progress("解析", 56_667_724, 56_667_724)
    assert "项/秒" not in log.getvalue() and log.getvalue().startswith("解析：56667724 项")


def test_on_a_terminal_it_draws_bars():
    screen = io.StringIO()
    with TqdmProgress(screen, bars=True) as progress:
        progress("解析", 1, 2)
        progress("解析", 2, 2)
    assert "解析" in screen.getvalue() and "\r" in screen.getvalue()
