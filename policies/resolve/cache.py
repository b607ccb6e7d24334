"""Each school's resolved documents kept between builds: a school whose inputs did not change is not resolved again.

Resolving every document is most of a rebuild's work at scale (about 1 s of the 4-5 s a one-school change
took at 2,000 schools); loading what the last build resolved takes a fifth of that.  A school's documents
depend on its own file and on everything else the load read (the clause library, the registers, the
organisations, the jurisdictions), on the generator's code and on the packages that render it; never on the
build date, and never on another school's file.  So the cache is keyed in two parts:

- ``common``: the code, the packages, the project's folder, and every file the load read except the
  school files (load/yamlsource.py's ``recording``).  A change to any of them empties the cache;
- each school's entry: the SHA-256 of its file's bytes, as the load read them.

An entry holds the school's documents and the problems resolving them reported, replayed in the same
order as if resolved now.  The file is one pickle, so a clause text that thousands of schools share is
kept once (31 MB at 2,000 schools); its first line is the format and ``common``, so a stale cache is
passed over without unpickling it.  Writing it takes as long as resolving a few hundred schools, so a build
that resolved only a few (a school changed or added) leaves it as it is, and the next build resolves those
few again (a millisecond each); it is written when ``common`` changed or more than ``STALE`` schools were
resolved.  Like load/yamlmemo.py's memo it is a cache: one that cannot be read or written is simply not
used, and it is written by rename, so a build stopped midway leaves the previous one.
"""

from __future__ import annotations

import hashlib
import sys
from importlib import metadata
from pathlib import Path

from policies.load.problems import Problem, Problems
from policies.load.project import Project
from policies.resolve.policy import ResolvedPolicy, resolve_documents
from policies.runtime.incremental import code_fingerprint
from policies.runtime.pickled import KeptEntries

FILE = "resolved.pickle"
# What renders and holds the documents besides the generator's code: their versions are part of the key (9 ms).
PACKAGES = ("jinja2", "markupsafe", "pydantic", "pydantic-core", "pyyaml")
_FORMAT = "resolved-1"
# Schools resolved in a build before it writes the file again (0.5 s at 2,000 schools, against 1-2 ms a school).
STALE = 50

Entry = tuple[str, list[ResolvedPolicy], list[Problem]]  # the school file's digest, its documents, their problems


def common_key(project: Project, reads: dict[str, str]) -> str:
    """What every school's documents depend on besides its own file (see the module's docstring)."""
    digest = hashlib.sha256()
    versions = [metadata.version(package) for package in PACKAGES]
    for part in (_FORMAT, code_fingerprint(), sys.version, *versions, str(project.root.resolve())):
        digest.update(f"{part}\0".encode())
    schools = {str(project.school_path(slug)) for slug in project.schools}
    for path in sorted(reads):
        if path not in schools:
            digest.update(f"{path}\0{reads[path]}\0".encode())
    return digest.hexdigest()


class ResolvedCache(KeptEntries[Entry]):
    """The entries of the last build that are still good for this one, and this build's, to save."""

    def __init__(self, file: Path, common: str, schools: dict[str, str]) -> None:
        """``schools``: each school's file digest, by slug (a school without one is resolved, never kept)."""
        super().__init__(file, f"{_FORMAT} {common}", schools, STALE)
        self.schools = schools

    @classmethod
    def of(cls, project: Project, reads: dict[str, str], file: Path) -> ResolvedCache:
        """The cache in ``file`` for this load of ``project`` (``reads``: what it read, by path)."""
        schools = {slug: reads[path] for slug in project.schools if (path := str(project.school_path(slug))) in reads}
        return cls(file, common_key(project, reads), schools)

    def resolve(self, project: Project, slug: str, problems: Problems) -> list[ResolvedPolicy]:
        """The school's documents, from the cache if its entry is current, else resolved (and kept, if the file
        is written)."""
        key = self.schools.get(slug)
        entry = self.entries.get(slug)
        if key is not None and entry is not None and entry[0] == key:
            problems.extend(entry[2])
            return entry[1]
        own = Problems(project.root)
        documents = resolve_documents(project, slug, own)
        problems.extend(own.items)
        if key is not None:
            self.fresh[slug] = (key, documents, own.items)
        return documents
