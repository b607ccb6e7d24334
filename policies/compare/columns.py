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

from policies.compare.matrix import Column
from policies.runtime.incremental import code_fingerprint
from policies.runtime.pickled import KeptEntries

FILE = "comparison-columns.pickle"
_FORMAT = "columns-1"
STALE = 50  # columns made afresh before the file is written again


class Columns(KeptEntries[tuple[str, Column]]):
    """The columns of the last build still good for this one (by school slug, under their keys), and this
    build's, to save.  ``keys``: each school's key for this build."""

    def __init__(self, cache: Path, keys: dict[str, str]) -> None:
        super().__init__(cache / FILE, f"{_FORMAT} {code_fingerprint()}", keys, STALE)
        self.keys = keys

    def get(self, slug: str) -> Column | None:
        """The school's column, if kept under its key for this build."""
        entry = self.entries.get(slug)
        return entry[1] if entry is not None and entry[0] == self.keys[slug] else None

    def put(self, slug: str, column: Column) -> None:
        self.fresh[slug] = (self.keys[slug], column)
