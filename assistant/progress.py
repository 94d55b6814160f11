"""Progress of long work (parsing, embedding, writing the index), on stderr.

On a terminal each stage gets a live bar. Written to a file or a pipe (a log), bars would
become one line per update with meaningless rates, so each stage writes one line when it
ends instead: its real count, time and rate.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm


class TqdmProgress:
    """A ``Progress`` callback: one tqdm bar per stage on a terminal, one line per stage elsewhere.

    Usage::

        with TqdmProgress() as progress:
            IndexBuilder(..., progress=progress).run(...)
    """

    def __init__(self, stream=sys.stderr, bars: bool | None = None):
        self.stream = stream
        self.bars = _is_terminal(stream) if bars is None else bars
        self._bars: dict[str, tqdm] = {}
        self._started: dict[str, float] = {}
        self._last: dict[str, tuple[int, int]] = {}
        self._ended: set[str] = set()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.bars:
            self._started.setdefault(stage, time.perf_counter())
            self._last[stage] = (done, total)
            if done >= total and stage not in self._ended:
                self._line(stage, done, total)
            return
        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(total=total, desc=stage, file=self.stream, unit="项", leave=True, dynamic_ncols=True)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()  # a finished stage stops its clock

    def _line(self, stage: str, done: int, total: int, unfinished: bool = False) -> None:
        self._ended.add(stage)
        seconds = time.perf_counter() - self._started[stage]
        rate = f"，{done / seconds:.1f} 项/秒" if done and seconds >= 0.05 else ""
        state = f"停在 {done}/{total} 项" if unfinished else f"{done} 项"
        print(f"{stage}：{state}，用时 {seconds:.1f} 秒{rate}", file=self.stream, flush=True)

    def __enter__(self) -> TqdmProgress:
        return self

    def __exit__(self, *exc) -> None:
        for bar in self._bars.values():
            bar.close()
        for stage, (done, total) in self._last.items():
            if stage not in self._ended:
                self._line(stage, done, total, unfinished=True)


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False
