"""One writer at a time per project, and folders replaced without ever being missing.

Two ``policies build`` runs (or a build beside ``policies serve``) in the same
project would otherwise interleave their writes to ``docs/``, ``site/`` and
the cache, and one's swap of ``site/`` could find the other's half done.  Every
command that writes them holds :func:`project_lock`, an advisory ``flock`` on
the project folder: the kernel releases it when the process ends, however it
ends, so a crashed build never leaves the project locked.  A second run
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
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from policies.errors import ProjectBusy
from policies.runtime.libc import libc

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


@contextlib.contextmanager
def project_lock(root: Path, *, wait: bool = True, waiting: Callable[[str], object] | None = None) -> Iterator[None]:
    """Hold the lock of the project in ``root`` for the ``with`` block.

    The lock is on the project folder itself (a folder can be locked like a file), so taking it
    creates nothing: a build stopped by bad input leaves the project exactly as it found it.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise ProjectBusy("another policies run is writing this project; try again when it ends") from None
            if waiting is not None:
                waiting("waiting for another policies run to finish writing this project")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step; False where the system cannot (then nothing was changed)."""
    renameat2 = getattr(libc(), "renameat2", None)
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


def replace_dir(new: Path, target: Path, *, keep_previous: bool = False) -> None:
    """Make the finished tree ``new`` be ``target``, so that ``target`` is never missing nor half of each.

    With ``keep_previous``, where the two are exchanged in one step, the previous tree is left at ``new``.
    """
    if target.exists() or target.is_symlink():
        if _exchange(new, target):
            if not keep_previous:
                shutil.rmtree(new, ignore_errors=True)  # now the previous tree; the next build removes any rest
            return
        old = _retired(target)
        os.replace(target, old)
        os.replace(new, target)  # a run killed between the two is recovered by recover_dir()
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target)
