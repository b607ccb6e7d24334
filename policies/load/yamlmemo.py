"""Parsed YAML kept between runs: a file whose text did not change is not parsed again.

Parsing is the larger part of loading thousands of school files (the loader composes every node to
keep its line), and most files are unchanged from one build to the next.  While a project is loaded
``remembering`` a memo file, each text parsed is kept by its SHA-256, as the pickled result (so a
caller that changes the data it was given cannot change what is kept); the next run unpickles it
instead of parsing.  A text that fails to parse is never kept: its error is reported every run.  The
memo keeps only what the last run read, and is a cache: a memo that cannot be read or written is
simply not used.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
_VERSION = 1
_active: list[tuple[dict[str, bytes], set[str]]] = []  # the memo of the load in progress, if any


def recall(key: str) -> Any:
    """What was kept under ``key`` in an earlier run (a fresh copy), or None."""
    if not _active or not key:
        return None
    memo, used = _active[-1]
    used.add(key)
    kept = memo.get(key)
    return None if kept is None else pickle.loads(kept)


def keep(key: str, value: object) -> None:
    """Keep ``value`` (as it is now) under ``key`` for the next run; ``key`` names all it depends on."""
    if _active and key:
        memo, used = _active[-1]
        used.add(key)
        memo[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def parsed(text: str, parse: Callable[[str], T]) -> tuple[T, str]:
    """``parse(text)`` (or what it gave for the same text in an earlier run), and the text's digest."""
    digest = digest_of(text) if _active else ""
    found = recall(digest)
    if found is None:
        found = parse(text)
        keep(digest, found)
    return found, digest


def _read(file: Path, version: str) -> dict[str, bytes]:
    try:
        with file.open("rb") as handle:
            kept_version, memo = pickle.load(handle)
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return {}
    return memo if kept_version == version and isinstance(memo, dict) else {}


class Memo:
    """The memo of one load: ``save`` keeps what it parsed for the next run (only a load without errors does,
    so a run that stops at bad input leaves the project's folder exactly as it was)."""

    def __init__(self, file: Path, version: str = "") -> None:
        self.file, self.version = file, f"{_VERSION}:{version}"
        self.before = _read(file, self.version)
        self.memo, self.used = dict(self.before), set[str]()

    def save(self) -> None:
        kept = {digest: self.memo[digest] for digest in self.used if digest in self.memo}
        if kept.keys() == self.before.keys():
            return
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=f".{self.file.name}.")
            try:
                with os.fdopen(handle, "wb") as out:
                    pickle.dump((self.version, kept), out, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.file)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


@contextlib.contextmanager
def remembering(file: Path, version: str = "") -> Iterator[Memo]:
    """Within the block, what is parsed or kept is taken from the memo in ``file``, and added to it.

    ``version``: the code that made what is kept (the generator's fingerprint); another discards the memo.
    """
    memo = Memo(file, version)
    _active.append((memo.memo, memo.used))
    try:
        yield memo
    finally:
        _active.pop()
