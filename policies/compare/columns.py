"""Each school's column of the comparison across all schools, kept between builds.

The comparison of every school (its index page and its CSV and JSON downloads) is remade whenever one
school changes, and at 2,000 schools working out every school's cells again took 0.4 s of the 1 s the
comparison's process spends on a one-school rebuild.  A school's column (its cells, its value cells and
its counts) depends on its documents, the clause library and the code only, so it is kept under a key of
exactly those: each of its documents' keys (runtime/incremental.docx_key: the resolved document, the
registries, the code) and a digest of clauses/.  The file is written when more than ``STALE`` columns
were made afresh (a column takes a fraction of a millisecond to make again; writing them all, a tenth of
a second), with the generator's code in its header (runtime/pickled.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from policies.runtime.incremental import code_fingerprint
from policies.runtime.pickled import read_entries, write_entries

FILE = "comparison-columns.pickle"
_FORMAT = "columns-1"
STALE = 50  # columns made afresh before the file is written again


class Columns:
    """The columns of the last build still good for this one (by school slug, under their keys), and this
    build's, to save.  ``keys``: each school's key for this build."""

    def __init__(self, cache: Path, keys: dict[str, str]) -> None:
        self.file, self.keys = cache / FILE, keys
        found = read_entries(self.file, self._header())
        self.found = found is not None
        self.entries: dict[str, tuple[str, Any]] = found or {}
        self.fresh = 0

    @staticmethod
    def _header() -> str:
        return f"{_FORMAT} {code_fingerprint()}"

    def get(self, slug: str) -> Any | None:
        """The school's column, if kept under its key for this build."""
        entry = self.entries.get(slug)
        return entry[1] if entry is not None and entry[0] == self.keys.get(slug) else None

    def put(self, slug: str, column: Any) -> None:
        if slug in self.keys:
            self.entries[slug] = (self.keys[slug], column)
            self.fresh += 1

    def save(self) -> None:
        """Keep this build's schools' columns, unless only a few were made against a file that has the rest."""
        if self.found and self.fresh <= STALE:
            return
        write_entries(self.file, self._header(), {slug: e for slug, e in self.entries.items() if slug in self.keys})
