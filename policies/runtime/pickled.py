"""A cache file of pickled entries by name, behind a one-line header of what they were made by.

The resolved documents (resolve/cache.py) and the comparison's school columns (compare/columns.py) are
kept this way between builds.  The header names the format and what every entry depends on (the code
above all), so a stale file is passed over without unpickling it: objects of classes that have since
changed are never built.  A file that cannot be read, or holds anything but a dict, is not used; the
file is written by rename, so a build stopped midway leaves the previous one, and one that cannot be
written is simply not kept.  It is a cache: nothing is lost with it.

``KeptEntries`` is what both caches do with such a file: take the entries still good for this build, add
those made afresh, and write the file again only when it held nothing good or more than a few entries were
made afresh (writing every entry costs as much as making hundreds of them again).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
from collections.abc import Collection
from pathlib import Path
from typing import Any, Generic, TypeVar

E = TypeVar("E")  # an entry


def read_entries(file: Path, header: str) -> dict[str, Any] | None:
    """The entries ``file`` holds under ``header``, or None (no file, another header, unreadable)."""
    try:
        with file.open("rb") as handle:
            if handle.readline() != f"{header}\n".encode():
                return None  # another generator, library or project: nothing in it is good now
            enabled = gc.isenabled()
            gc.disable()  # many new objects, none of them garbage: 0.2 s to load instead of 0.55 at 2,000 schools
            try:
                data = pickle.load(handle)
            finally:
                if enabled:
                    gc.enable()
    except Exception:  # a cache that cannot be read is not used
        return None
    return data if isinstance(data, dict) else None


def write_entries(file: Path, header: str, entries: dict[str, Any]) -> None:
    """Replace ``file`` with ``entries`` under ``header``; an OSError (full disk, read-only) leaves it as it was."""
    with contextlib.suppress(OSError):
        file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(f"{header}\n".encode())
                pickle.dump(entries, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, file)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


class KeptEntries(Generic[E]):
    """The entries ``file`` holds under ``header`` (``found``: whether it held any for this header), and
    those made afresh by this build (``fresh``); ``names``: this build's, the only ones ``save`` keeps;
    ``stale``: how many may be made afresh before the file is written again."""

    def __init__(self, file: Path, header: str, names: Collection[str], stale: int) -> None:
        self.file, self.header, self.names, self.stale = file, header, names, stale
        found = read_entries(file, header)
        self.found = found is not None  # else the file is written afresh
        self.entries: dict[str, E] = found or {}
        self.fresh: dict[str, E] = {}

    def save(self) -> None:
        """Keep this build's entries, unless at most ``stale`` were made afresh against a file that holds the
        rest: the next build makes those few again."""
        if self.found and len(self.fresh) <= self.stale:
            return
        kept = {name: entry for name, entry in {**self.entries, **self.fresh}.items() if name in self.names}
        write_entries(self.file, self.header, kept)
