"""How this process's C heap hands memory back.

glibc serves a large allocation from the heap, not from a mapping of its own, once a block
that large has been freed: its mmap threshold rises with every such free, up to 32 MB. ONNX
Runtime allocates and frees its activations on every call, and opening an index parses
tens of MB of JSON, so the heap fills with freed space glibc keeps. With the threshold
fixed at 1 MB, large blocks are mapped and unmapped each time: a replica answering over
the regulations held 606 MB after 100 questions instead of 654 MB, at the same speed.

Usage::

    keep_heap_small()   # first thing in a process that loads the index
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import platform

M_MMAP_THRESHOLD = -3  # mallopt parameter number in glibc's malloc.h
THRESHOLD = 1 << 20

log = logging.getLogger(__name__)


def keep_heap_small() -> bool:
    """Fix glibc's mmap threshold at 1 MB; True when set (False elsewhere than glibc, where
    the allocator has its own policy). Environment settings (MALLOC_MMAP_THRESHOLD_) win."""
    if platform.libc_ver()[0] != "glibc" or "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, THRESHOLD))
    except (OSError, AttributeError) as error:
        log.debug("mallopt unavailable: %s", error)
        return False
