"""A 2-D ``.npy`` file read a few rows at a time: a build's chunk vectors.

Serving reads the vectors of a few dozen chunks per question (the candidates' similarities)
out of every chunk's. Mapped from disk, each row touched brought about 700 KB of the file
into the process on this machine's kernel (it maps page-cache folios whole): after the
64-row check made when a build is opened, 21 MB of the regulations' 42 MB were resident
in every replica. Read with ``pread``, a row costs its 1.5 KB, only while it is used.

Usage::

    vectors = RowFile(build_dir / "vectors.npy")
    vectors[[3, 17]] @ query          # a (2, 384) array
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Sequence
from pathlib import Path

import numpy as np


class RowFile:
    """Rows of a C-ordered 2-D ``.npy`` array of plain numbers, read from disk on each access."""

    def __init__(self, path: Path):
        self.path = Path(path)
        with self.path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = header(handle)
            self._offset = handle.tell()
        if len(shape) != 2 or fortran or dtype.hasobject:
            raise ValueError(f"{path}: not a C-ordered 2-D array of numbers (shape {shape})")
        self.shape: tuple[int, int] = shape
        self.dtype = dtype
        self._row_bytes = shape[1] * dtype.itemsize
        if self.path.stat().st_size < self._offset + shape[0] * self._row_bytes:
            raise ValueError(f"{path}: shorter than its {shape[0]} rows")
        self._fd = os.open(self.path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, rows: int | Sequence[int]) -> np.ndarray:
        """The rows at these positions, in this order, as a new array (one row, 1-D, for a number)."""
        if isinstance(rows, (int, np.integer)):
            return self[[rows]][0]
        if isinstance(rows, slice):
            raise TypeError("RowFile takes a row number or a list of row numbers")
        out = np.empty((len(rows), self.shape[1]), dtype=self.dtype)
        for position, row in enumerate(rows):
            if not 0 <= row < self.shape[0]:
                raise IndexError(f"row {row} is outside {self.path.name}'s {self.shape[0]} rows")
            out[position] = np.frombuffer(os.pread(self._fd, self._row_bytes, self._offset + int(row) * self._row_bytes), dtype=self.dtype)
        return out
