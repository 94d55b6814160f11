"""Rows of a .npy file read on demand."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.arrays import RowFile


def test_rows_are_read_in_the_order_asked_as_numpy_would_give_them(tmp_path):
    array = np.arange(5 * 4, dtype=np.float32).reshape(5, 4)
    np.save(tmp_path / "v.npy", array)
    rows = RowFile(tmp_path / "v.npy")
    assert len(rows) == 5 and rows.shape == (5, 4) and rows.dtype == np.float32
    assert np.array_equal(rows[[4, 0, 4]], array[[4, 0, 4]])
    assert rows[[]].shape == (0, 4)
    with pytest.raises(IndexError, match="outside"):
        rows[[5]]
    assert np.array_equal(rows[1], array[1])
    with pytest.raises(TypeError):
        rows[1:3]


def test_a_file_that_is_not_a_whole_2d_array_is_refused(tmp_path):
    np.save(tmp_path / "flat.npy", np.arange(3, dtype=np.float32))
    with pytest.raises(ValueError, match="2-D"):
        RowFile(tmp_path / "flat.npy")
    np.save(tmp_path / "cut.npy", np.ones((4, 3), dtype=np.float32))
    (tmp_path / "cut.npy").write_bytes((tmp_path / "cut.npy").read_bytes()[:-5])
    with pytest.raises(ValueError, match="shorter"):
        RowFile(tmp_path / "cut.npy")
