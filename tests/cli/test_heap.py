"""The C heap setting made when a command starts."""

from __future__ import annotations

import platform

import pytest

from cli.heap import keep_heap_small


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_the_mmap_threshold_is_fixed_on_glibc_unless_the_environment_sets_it(monkeypatch):
    assert keep_heap_small() is True
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    assert keep_heap_small() is False
