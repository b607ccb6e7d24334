"""The downloads of a sharded site: copied as they are, outside MkDocs, and only when they change.

MkDocs does nothing to a DOCX, a PDF or a CSV but copy it, yet at 2,000 schools the documents are
4,000 files and about 500 MB, and the comparison's data 60 MB that change with any school: copying
them in the primary shard's run, and hashing them for its key, cost seconds in every rebuild, and a
change to one school reran the primary for its data alone.  So the primary run leaves ``COPIED``
out (its pages still link there, and a link to a missing file still fails the strict build, since
MkDocs knows excluded files), and the site takes each of those files from the cache (``MIRROR``), a
copy made when the file in the docs tree is new or changed.  A file is judged by its size,
modification time and inode, in the docs tree (written only by replacing, so a new file gets a new
inode) and in the cache (the site links the cached file, so a write through the site's name changes
it there, and it is copied again).  The copies are the docs tree's bytes, as MkDocs' own copies were.

The live site and the cache hold each download as one file.  Where the site holds the same bytes as a
file of its own (the cache was made again, after an upgrade or with ``.policies-cache`` deleted, and
the previous build kept the site's older file so its time stayed: assemble.py), the cache takes the
site's file, once; else every later build compared the two byte for byte, 1 GB at 2,000 schools.
"""

from __future__ import annotations

import errno
import filecmp
import json
import os
import shutil
from pathlib import Path

from policies.runtime.write import replacing

# What of the docs tree the site takes as it is: the documents' folder, and the comparison's data
# (compare/outputs.py writes them; tests/test_site_shards.py checks that these are its names).
COPIED = ("downloads/", "comparison/matrix.csv", "comparison/matrix.json")
MIRROR = "copied"  # the cache's copies, laid out as in the docs tree
RECORD = "copied.json"


def is_copied(relative: str) -> bool:
    """Whether the docs tree's file ``relative`` is one the site takes as it is."""
    return any(relative.startswith(entry) if entry.endswith("/") else relative == entry for entry in COPIED)


def copied_in(docs: Path) -> list[str]:
    """The files of the docs tree that the site takes as they are, relative to it, sorted."""
    found = []
    for entry in COPIED:
        if entry.endswith("/"):
            found += [entry + name for name in listed(docs / entry)] if (docs / entry).is_dir() else []
        elif (docs / entry).is_file():
            found.append(entry)
    return sorted(found)


def listed(folder: Path) -> list[str]:
    """Every file below ``folder``, as its path relative to it, sorted: one ``os.walk`` (the docs tree's
    12,000 files at 2,000 schools: 0.05 s, against 0.3 s with ``rglob`` and ``is_file``).  It follows
    linked folders, as MkDocs does when it lists the docs tree."""
    base, found = str(folder), []
    for top, _, names in os.walk(base, followlinks=True):
        prefix = "" if top == base else top[len(base) + 1 :].replace(os.sep, "/") + "/"
        found += [prefix + name for name in names]
    return sorted(found)


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino]


def _same_bytes(one: Path, other: Path) -> bool:
    try:
        return filecmp.cmp(one, other, shallow=False)
    except OSError:
        return False


def _one_file(one: Path, other: Path) -> bool:
    try:
        return os.path.samefile(one, other)
    except OSError:
        return False


# What os.link raises where the file system cannot link (the target's folder is on another, or has none)
NO_LINKS = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


def link_over(source: str | Path, target: str | Path) -> bool:
    """``target`` becomes another name of ``source``; False, with nothing changed, where the file system has no
    hard links.  An existing ``target`` is replaced in one rename, never written through: the cache's and the
    sites' files are other names of one another."""
    try:
        try:
            os.link(source, target)
        except FileExistsError:
            with replacing(Path(target)) as temporary:
                temporary.unlink(missing_ok=True)
                os.link(source, temporary)
    except OSError as exc:
        if exc.errno in NO_LINKS:
            return False
        raise
    return True


def copy_over(source: str | Path, target: str | Path) -> None:
    """``target`` becomes a copy of ``source``, bytes and time, in one rename (never written through)."""
    with replacing(Path(target)) as temporary:
        shutil.copy2(source, temporary)


def sync(docs: Path, cache: Path, live: Path | None = None) -> list[str]:
    """Bring the cache's copies (``MIRROR``) to the docs tree's ``COPIED``; returns the files, relative to the site.

    ``live``: the site being replaced, whose equal files the cache takes (see the module)."""
    source, target = docs, cache / MIRROR
    try:
        record = json.loads((cache / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    if not isinstance(record, dict):
        record = {}
    wanted = copied_in(docs)
    kept = {}
    for name in wanted:
        copy = target / name
        stamps = record.get(name)
        try:
            current = stamps == [_stamp(source / name), _stamp(copy)]
        except OSError:
            current = False
        shown = live / name if live is not None and (live / name).is_file() else None
        if not current:
            copy.parent.mkdir(parents=True, exist_ok=True)
            if not (shown is not None and _same_bytes(shown, source / name) and link_over(shown, copy)):
                copy_over(source / name, copy)
        elif shown is not None and not _one_file(shown, copy) and _same_bytes(shown, copy):
            link_over(shown, copy)
        kept[name] = [_stamp(source / name), _stamp(copy)]
    if target.is_dir():
        for relative in listed(target):
            if relative not in kept:
                (target / relative).unlink()
        for top, _, _ in sorted(os.walk(target), reverse=True):  # deepest first: then their parents
            if top != str(target) and not os.listdir(top):
                os.rmdir(top)
    tmp = cache / f".{RECORD}.tmp"
    tmp.write_text(json.dumps(kept), encoding="utf-8")
    os.replace(tmp, cache / RECORD)
    return wanted
