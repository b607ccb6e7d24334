"""School pages whose inputs did not change since the last build are not rendered or written again.

A school's page is a function of its resolved policy, the build date, whether PDFs are published
and the generator's code (its templates included).  The build gives each school's page a key of
exactly those (``page_key``: the DOCX's key, which hashes the policy, the registries and the code,
with the date and the PDF flag); this memo keeps, per document page, the key its page was last written
with, the size and modification time of that file, and the school's row of the dashboard.  When
the key and the file are both as recorded, the page is left as it is and the dashboard takes the
stored row: rendering 2,000 school pages is about 2 s of a rebuild.  A page edited or deleted by
hand has another size or time, and is written again.  The memo lives in ``.policies-cache/`` and is
rewritten by every build that renders pages.

``Outputs`` does the same for outputs that depend on many schools (the comparison's pages and
downloads), keyed by a digest of their inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from policies.load.project import Project
from policies.runtime import incremental
from policies.runtime.write import write_if_changed

MEMO = "school-pages.pickle"
_VERSION = 4  # 2: by page (a school publishes several documents); 3: rows carry the version; 4: not the changes


def page_key(document_key: str, today: dt.date, pdf: bool) -> str:
    """The key of a school page's inputs, from its DOCX's key (policy, registries, code), the date, the PDF flag."""
    return hashlib.sha256(f"{document_key}\0{today.isoformat()}\0{int(pdf)}".encode()).hexdigest()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class SchoolPages:
    """The memo of one build: which school pages are current, and what to remember for the next build."""

    def __init__(self, cache: Path, docs: Path, keys: dict[str, str]) -> None:
        self.path, self.docs, self.keys = cache / MEMO, docs, keys
        try:
            with self.path.open("rb") as handle:
                version, before = pickle.load(handle)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError, AttributeError, ImportError):
            version, before = None, {}
        self.before: dict[str, tuple[str, dict[str, Any], tuple[int, int]]] = before if version == _VERSION else {}
        self.rows: dict[str, dict[str, Any]] = {}  # this build's: every school's dashboard row
        self.fresh = 0  # pages rendered by this build

    def file(self, page: str) -> Path:
        return self.docs / page

    def current_row(self, page: str) -> dict[str, Any] | None:
        """The school's dashboard row if its page is current (then it is not rendered), else None."""
        entry = self.before.get(page)
        if entry is None or entry[0] != self.keys.get(page) or _stamp(self.file(page)) != entry[2]:
            return None
        self.rows[page] = entry[1]
        return entry[1]

    def rendered(self, page: str, row: dict[str, Any]) -> None:
        """A page rendered now, with ``row``, its dashboard part: kept for the next build."""
        self.rows[page] = row
        self.fresh += 1

    def save(self) -> None:
        """Record every school page as it now is on disk (call once the pages are written).

        When no page was rendered and every page of the last build is still current, the memo already
        says so, and is left as it is (an unchanged rebuild).
        """
        if not self.fresh and self.rows.keys() == self.before.keys():
            return
        after = {}
        for page, row in self.rows.items():
            stamp = _stamp(self.file(page))
            if stamp is not None and page in self.keys:
                after[page] = (self.keys[page], row, stamp)
        write_if_changed(self.path, pickle.dumps((_VERSION, after), protocol=pickle.HIGHEST_PROTOCOL))


class Outputs:
    """A memo of outputs that depend on many schools (the comparison's pages and downloads): each file's
    key (a digest of its inputs) and the size and modification time it was left with.

    An output whose key is unchanged and whose file is as recorded is kept, not made again: at 2,000
    schools the comparison's 41 pages take 8 s to make.  A file edited or deleted by hand has another
    size or time, and is made again.  Stored as JSON in ``.policies-cache/``, one memo for each kind of
    output (the comparison's pages and its data may be made by two processes at once: compare/outputs.py).
    """

    def __init__(self, cache: Path, docs: Path, name: str) -> None:
        self.path, self.docs = cache / f"outputs-{name}.json", docs
        try:
            before = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
        self.before: dict[str, list[Any]] = before if isinstance(before, dict) else {}
        self.after: dict[str, str] = {}  # this build's: every output's key

    def current(self, name: str, key: str) -> bool:
        """Whether ``name`` was left by an earlier build from the same inputs, untouched since."""
        self.after[name] = key
        entry = self.before.get(name)
        return isinstance(entry, list) and entry[:1] == [key] and list(_stamp(self.docs / name) or ()) == entry[1:]

    def save(self) -> None:
        """Record each output as it now is on disk (call once they are written)."""
        after = {}
        for name, key in self.after.items():
            if (stamp := _stamp(self.docs / name)) is not None:
                after[name] = [key, *stamp]
        if after != self.before:
            write_if_changed(self.path, json.dumps(after, sort_keys=True).encode("utf-8"))


def digest(*parts: str) -> str:
    """One key of several strings (a NUL between them)."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def clause_pages_memo(project: Project, cache: Path, docs: Path) -> tuple[Outputs, str]:
    """The memo of the clause library's pages, and a digest of the inputs they read but the schools: the
    generator's code and every file of clauses/ and organisations/.  What they read of the schools is
    digested beside it, once the schools are resolved (render/library.adopters_digest)."""
    folders = (project.clauses_dir, project.organisations_dir)
    return Outputs(cache, docs, "library"), digest(
        incremental.code_fingerprint(), *map(incremental.files_digest, folders)
    )


class Pieces:
    """A file written in keyed pieces, remembered between builds: a piece whose key is unchanged is read back
    from the file as the last build left it, not made again (the comparison's CSV, a piece a row: export.py).

    The memo records each piece's key, where it starts in the file and its length, with the file's size and
    modification time and the generator's code; if the file is not as recorded (edited, deleted, a build that
    stopped before writing it) or the code changed, every piece is made again.  Pieces are read from the file
    while its new text is written beside it (``write_pieces_if_changed`` replaces it only at the end).
    """

    def __init__(self, cache: Path, file: Path, name: str) -> None:
        self.path, self.file = cache / f"pieces-{name}.json", file
        self.version = incremental.code_fingerprint()  # the code that makes the pieces: a new one makes all again
        try:
            before = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = {}
        valid = (
            isinstance(before, dict)
            and before.get("version") == self.version
            and before.get("stamp") == list(_stamp(file) or ())
        )
        self.before: dict[str, tuple[int, int]] = {
            key: (start, length) for key, start, length in (before.get("pieces", []) if valid else [])
        }
        self.after: list[tuple[str, int, int]] = []
        self.offset = 0
        self.finished = False
        self.handle: IO[bytes] | None = None

    def start(self, offset: int) -> None:
        """The pieces begin ``offset`` bytes into the file (after a header that is not a piece)."""
        self.after, self.offset, self.finished = [], offset, False

    def piece(self, key: str, make: Callable[[], bytes]) -> bytes:
        """The piece of ``key``: as the file holds it, else ``make()``'s bytes."""
        data = self._read(*self.before[key]) if key in self.before else None
        if data is None:
            data = make()
        self.after.append((key, self.offset, len(data)))
        self.offset += len(data)
        return data

    def _read(self, start: int, length: int) -> bytes | None:
        try:
            if self.handle is None:
                self.handle = self.file.open("rb")
            self.handle.seek(start)
            data: bytes = self.handle.read(length)
        except OSError:
            return None
        return data if len(data) == length else None

    def finish(self) -> None:
        """Every piece was made: ``save`` may record them, once the file is written."""
        self.finished = True
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def save(self) -> None:
        """Record the pieces as the file now holds them (call once it is written); nothing if they were not all
        made, which leaves the last record, still true of the file as it is, or no longer matching it."""
        if not self.finished:
            return
        pieces = [list(item) for item in self.after]
        record = {"version": self.version, "stamp": list(_stamp(self.file) or ()), "pieces": pieces}
        write_if_changed(self.path, json.dumps(record).encode("utf-8"))
