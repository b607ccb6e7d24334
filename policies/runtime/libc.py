"""The C library, loaded once for the three calls Python has no wrapper for.

``renameat2`` (runlock: swap two folders in one step), ``malloc_trim`` (background:
hand freed heap back before MkDocs starts) and ``prctl`` (serve: end MkDocs with its
parent).  ``None`` where there is no C library to load (then each caller falls back).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The process's C library, with ``errno`` kept for ``ctypes.get_errno``; None if it cannot be loaded."""
    name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        return ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
