"""One writer at a time per project, and folders replaced without ever being missing.

Two ``policies build`` runs (or a build beside ``policies serve``) in the same
project would otherwise interleave their writes to ``docs/``, ``site/`` and
the cache, and one's swap of ``site/`` could find the other's half done.  Every
command that writes them holds :func:`project_lock`, an advisory ``flock`` on
``.policies-cache/lock``: the kernel releases it when the process ends, however
it ends, so a crashed build never leaves the project locked.  A second run
waits, saying so, or with ``wait=False`` gives up at once with ``ProjectBusy``.

:func:`replace_dir` puts a finished tree in place of another with one
``renameat2(RENAME_EXCHANGE)``: at every instant the path holds either the
whole old tree or the whole new one.  Where the kernel or file system cannot
exchange, it falls back to two renames, and :func:`recover_dir` (run before
each build) brings the old tree back if a run died between them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

LOCK_FILE = "lock"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class ProjectBusy(Exception):
    """Another run holds the project's lock and the caller asked not to wait."""


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return f" (process {text})"
    return ""


@contextlib.contextmanager
def project_lock(cache: Path, *, wait: bool = True, waiting: Callable[[str], object] | None = None) -> Iterator[None]:
    """Hold the lock of the project whose cache folder is ``cache`` for the ``with`` block."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            who = _holder(fd)
            if not wait:
                busy = f"another policies run{who} is writing this project; try again when it ends"
                raise ProjectBusy(busy) from None
            if waiting is not None:
                waiting(f"waiting for another policies run{who} to finish writing this project")
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot (then nothing was changed)."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(b))


def _retired(target: Path) -> Path:
    return target.with_name(f".{target.name}-old")


def recover_dir(target: Path) -> None:
    """Undo a two-rename swap that a killed run left half done: the old tree goes back in place."""
    old = _retired(target)
    if old.exists() and not target.exists():
        os.replace(old, target)
    if old.exists():
        shutil.rmtree(old)


def replace_dir(new: Path, target: Path) -> None:
    """Make the finished tree ``new`` be ``target``, so that ``target`` is never missing nor half of each."""
    if target.exists() or target.is_symlink():
        if _exchange(new, target):
            shutil.rmtree(new, ignore_errors=True)  # now the previous tree; the next build removes any rest
            return
        old = _retired(target)
        os.replace(target, old)
        os.replace(new, target)  # a run killed between the two is recovered by recover_dir()
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target)
