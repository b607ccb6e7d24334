"""Library releases: ``clauses/releases.yml``, the dated record of each release of the clause library.

A release names the library as it stood at a commit (``policies release NAME --notes TEXT`` adds the
entry, commits it and tags the commit with the name: maintain/release.py).  Each entry keeps its date,
its notes for schools and governors, and the clauses the release changed since the one before, so the
site's "What changed" page and its Atom feed can say what each release means without reading git.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field

from policies.load.files import load_located
from policies.load.models import RELEASE_NAME, Date, Id, Model, single_line
from policies.load.problems import Problems
from policies.load.validate import validate_located
from policies.load.yamlsource import Located

FILE = "releases.yml"
NAME = RELEASE_NAME  # a git tag name too: no spaces, slashes or "..", short


class Release(Model):
    name: Annotated[str, Field(pattern=NAME)]
    date: Date
    notes: Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(single_line)]
    clauses: list[Id] = []  # the clauses it changed since the release before (all of them for the first)


def load_releases(file: Path, problems: Problems) -> tuple[list[Release], Located]:
    """The releases in file order (oldest first), and the file's lines; none when there is no file."""
    if not file.exists():
        return [], Located(None)
    located = load_located(file, problems)
    if located is None:
        return [], Located(None)
    if not isinstance(located.data, list):
        problems.error(file, 1, "must be a list of releases (name, date, notes, clauses)")
        return [], Located(None)
    found = []
    for index in range(len(located.data)):
        if (release := validate_located(located, Release, file, problems, (index,))) is not None:
            found.append(release)
    return found, located


def check_releases(
    releases: list[Release], lines: Located, path: Path, clause_ids: set[str], today: dt.date, problems: Problems
) -> None:
    """Names are unique, dates are in order and not after the build date, and clauses exist."""
    seen: set[str] = set()
    previous: dt.date | None = None
    for index, release in enumerate(releases):
        line = lines.line_of((index, "name"))
        if release.name in seen:
            problems.error(path, line, f"release '{release.name}' is recorded twice")
        seen.add(release.name)
        if release.date.start > today:
            problems.error(path, lines.line_of((index, "date")), f"{release.date} is after the build date {today}")
        if previous is not None and release.date.end < previous:
            problems.error(path, lines.line_of((index, "date")), f"{release.date} is before the release above it")
        previous = release.date.start
        for position, clause in enumerate(release.clauses):
            if clause not in clause_ids:
                where = lines.line_of((index, "clauses", position))
                problems.warning(path, where, f"release '{release.name}' names '{clause}', no longer a clause")
