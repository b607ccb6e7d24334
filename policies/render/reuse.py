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
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

MEMO = "school-pages.pickle"
_VERSION = 3  # 2: by page (a school publishes several documents); 3: rows carry the version


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
        """A page rendered now from ``row`` (its view-model): its dashboard part is kept for the next build."""
        self.rows[page] = {name: value for name, value in row.items() if name != "sections"}
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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump((_VERSION, after), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)
