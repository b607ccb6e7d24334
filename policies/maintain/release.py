"""``policies release NAME --notes TEXT``: record a release of the clause library.

A release is the library as committed: the command refuses while clauses/, schools/ or organisations/
have uncommitted changes.  It works out which clauses changed since the last release (from git, between
that release's tag and HEAD; every clause for the first release), appends the dated entry to
``clauses/releases.yml``, commits that file, and tags the commit with the release's name, so later
builds can render any document as it stood at the release (issue 18: approved versions).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

from policies.errors import ReleaseError
from policies.load.project import Project
from policies.load.releases import FILE, NAME, Release
from policies.runtime.gitrepo import git

INPUTS = ("clauses", "schools", "organisations")
HEADER = """\
# Releases of the clause library, oldest first: `policies release NAME --notes TEXT` adds each entry,
# commits this file and tags the commit NAME.  `clauses` lists the clauses the release changed since
# the one before (all of them for the first); the site's "What changed" page and feed are made from here.
"""


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git(root, *args, error=ReleaseError)


def changed_clauses(project: Project, since: str | None) -> list[str]:
    """Ids of the clauses changed between the tag ``since`` and HEAD, in outline order (all, if ``since`` is None)."""
    order = [cid for section in project.outline.sections for cid in section.clauses] if project.outline else []
    if since is None:
        return [cid for cid in order if cid in project.clauses]
    result = _git(project.root, "diff", "--name-only", f"refs/tags/{since}", "HEAD", "--", "clauses")
    if result.returncode != 0:
        raise ReleaseError(f"cannot compare with release '{since}': {result.stderr.strip()}")
    names = {Path(line).name for line in result.stdout.splitlines()}
    touched = {name.split(".")[0] for name in names if name.endswith(".md")}
    return [cid for cid in order if cid in touched]


def entry_text(release: Release) -> str:
    """The YAML of one entry, as the file keeps it (JSON strings are valid YAML)."""
    clauses = ", ".join(release.clauses)
    return (
        f"- name: {json.dumps(release.name)}\n"
        f"  date: {release.date.text}\n"
        f"  notes: {json.dumps(release.notes, ensure_ascii=False)}\n"
        f"  clauses: [{clauses}]\n"
    )


def make_release(project: Project, name: str, notes: str, today: dt.date) -> Release:
    root = project.root
    if not re.match(NAME, name):
        raise ReleaseError(f"'{name}' cannot name a release: letters, digits, '.', '_' and '-', at most 40")
    if not notes.strip() or "\n" in notes.strip():
        raise ReleaseError("the notes are one line of text for schools and governors (--notes)")
    if _git(root, "rev-parse", "--is-inside-work-tree").returncode != 0:
        raise ReleaseError(f"{root} is not a git work tree: a release is a commit of the library")
    if (
        name in {r.name for r in project.releases}
        or _git(root, "rev-parse", "-q", "--verify", f"refs/tags/{name}").returncode == 0
    ):
        raise ReleaseError(f"there is already a release (or a git tag) named '{name}'")
    dirty = [line for line in _git(root, "status", "--porcelain", "--", *INPUTS).stdout.splitlines() if line]
    if dirty:
        first = dirty[0][3:]  # "XY path"
        raise ReleaseError(f"commit the library first: {first} has uncommitted changes (a release is a commit)")
    previous = project.releases[-1].name if project.releases else None
    release = Release.model_validate(
        {
            "name": name,
            "date": f"{today.day} {today:%B %Y}",
            "notes": notes.strip(),
            "clauses": changed_clauses(project, previous),
        }
    )
    path = project.clauses_dir / FILE
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    path.write_text(text.rstrip("\n") + "\n" + entry_text(release), encoding="utf-8")
    for step in (
        ("add", "--", f"clauses/{FILE}"),
        ("commit", "-q", "-m", f"Release {name}: {notes.strip()}"),
        ("tag", "-a", name, "-m", notes.strip()),
    ):
        if (done := _git(root, *step)).returncode != 0:
            raise ReleaseError(f"git {step[0]} failed: {done.stderr.strip()}")
    return release
