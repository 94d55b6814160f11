"""Progress bars for long work (parsing, embedding, writing the index), on stderr."""

from __future__ import annotations

import sys

from tqdm import tqdm


class TqdmProgress:
    """A ``Progress`` callback that keeps one tqdm bar per stage.

    Usage::

        with TqdmProgress() as progress:
            IndexBuilder(..., progress=progress).run(...)
    """

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self._bars: dict[str, tqdm] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        bar = self._bars.get(stage)
        if bar is None:
            bar = self._bars[stage] = tqdm(total=total, desc=stage, file=self.stream, unit="项", leave=True, dynamic_ncols=True)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()  # a finished stage stops its clock

    def __enter__(self) -> TqdmProgress:
        return self

    def __exit__(self, *exc) -> None:
        for bar in self._bars.values():
            bar.close()
