"""Cross-file checks of each school's approvals: what its governing body approved, at which release, when.

An approval (``approvals:`` in a school file, ``policies approve`` adds one) names one of the documents the
school publishes (its main document when ``document:`` is left out), a release recorded in
``clauses/releases.yml``, the day of the meeting, and who approved it.  Here each is followed to what it
names: the document and the release exist, the day is a day, not after the build date and not before the
release, no document is approved twice at one release, and each document's approvals are oldest first.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from pathlib import Path

from policies.load.dates import PolicyDate
from policies.load.documents import COMBINED, Published
from policies.load.models import Approval
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.releases import FILE as RELEASES
from policies.load.releases import Release
from policies.load.yamlsource import Located
from policies.runtime.gitrepo import tag_commits


def did_you_mean(name: str, known: Iterable[str], most: int = 1) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``known`` to ``name`` (up to ``most`` of them, closest
    first: ``'x', 'y' or 'z'``), or nothing when none is close."""
    close = [f"'{match}'" for match in difflib.get_close_matches(name, sorted(known), n=most, cutoff=0.6)]
    if not close:
        return ""
    listed = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
    return f" (did you mean {listed}?)"


def document_name(doc_id: str) -> str:
    """How a message names a document: its id, or "its policy" for the one policy of a school without documents."""
    return f"'{doc_id}'" if doc_id != COMBINED else "its policy"


def approved_document(approval: Approval, published: list[Published]) -> str | None:
    """The id of the document an approval names (the main one when it names none); None if it cannot tell."""
    if approval.document is not None:
        return approval.document
    return published[0].id if published else None


def check_approvals(project: Project, problems: Problems, today: dt.date | None) -> None:
    """Every school's approvals against its documents, the library's releases and the build date."""
    releases: dict[str, Release] = {}
    for release in project.releases:
        releases.setdefault(release.name, release)
    for slug, school in sorted(project.schools.items()):
        if school.approvals:
            _check_school(project, slug, releases, today, problems)


def _check_school(
    project: Project, slug: str, releases: dict[str, Release], today: dt.date | None, problems: Problems
) -> None:
    """One school's approvals (lines are looked up only for a problem: a school may record hundreds)."""
    school, path, lines = project.schools[slug], project.school_path(slug), project.school_lines[slug]
    published = project.published(slug)
    ids = {document.id for document in published}
    releases_file = project.clauses_dir / RELEASES
    first: dict[tuple[str, str], int] = {}  # (document, release) -> the index of its first approval
    latest: dict[str, tuple[PolicyDate, int]] = {}  # document -> its latest approval's day above, and its index
    for index, approval in enumerate(school.approvals):
        doc_id = _document(approval, school.documents, published, ids, path, lines, index, problems)
        known = _release(approval, releases, releases_file, path, lines, index, problems)
        a_day = _date(approval, known, today, path, lines, index, problems)
        if doc_id is None:
            continue
        key = (doc_id, approval.release)
        if key in first:
            problems.error(
                path,
                lines.line_of(("approvals", index, "release")),
                f"approvals: {document_name(doc_id)} is already recorded as approved at release "
                f"'{approval.release}' (line {lines.line_of(('approvals', first[key]))}): remove one of them",
            )
        first.setdefault(key, index)
        if not a_day:
            continue
        if doc_id in latest and approval.date.start < latest[doc_id][0].start:
            before, above = latest[doc_id]
            problems.error(
                path,
                lines.line_of(("approvals", index, "date")),
                f"approvals are oldest first: {approval.date} is before {before}, the date of the approval of "
                f"{document_name(doc_id)} on line {lines.line_of(('approvals', above))}: move this one above it",
            )
        else:
            latest[doc_id] = (approval.date, index)


def _document(
    approval: Approval,
    listed: list[str],
    published: list[Published],
    ids: set[str],
    path: Path,
    lines: Located,
    index: int,
    problems: Problems,
) -> str | None:
    """The approved document's id, or None (after an error) when the school does not publish it."""
    if approval.document is None or approval.document in ids:
        return approved_document(approval, published)
    doc_id, line = approval.document, lines.line_of(("approvals", index, "document"))
    if not listed:
        problems.error(
            path,
            line,
            f"approvals: document '{doc_id}': this school publishes one policy (its file lists no documents:), "
            "so leave document: out",
        )
    elif doc_id not in listed:  # a listed id the library lacks is reported at documents: (check_documents)
        in_order = [document.id for document in published]
        problems.error(
            path,
            line,
            f"approvals: '{doc_id}' is not a document this school publishes{did_you_mean(doc_id, in_order)}; "
            f"it publishes {', '.join(in_order) or 'none the library defines'}",
        )
    return None


def _release(
    approval: Approval,
    releases: dict[str, Release],
    file: Path,
    path: Path,
    lines: Located,
    index: int,
    problems: Problems,
) -> Release | None:
    """The release the approval names, or None (after an error) when clauses/releases.yml does not record it."""
    if (release := releases.get(approval.release)) is not None:
        return release
    line = lines.line_of(("approvals", index, "release"))
    if not releases:
        problems.error(
            path,
            line,
            f"approvals: release '{approval.release}' is not recorded: the library has no releases yet "
            f"({problems.rel(file)}); `policies release NAME --notes TEXT` records one",
        )
    else:
        problems.error(
            path,
            line,
            f"approvals: release '{approval.release}' is not recorded in {problems.rel(file)}"
            f"{did_you_mean(approval.release, releases)}",
        )
    return None


def _date(
    approval: Approval,
    release: Release | None,
    today: dt.date | None,
    path: Path,
    lines: Located,
    index: int,
    problems: Problems,
) -> bool:
    """Whether the date is one day (errors when it is not, or is after the build date or before the release)."""
    date = approval.date
    day = date.start == date.end
    if day and (today is None or date.start <= today) and (release is None or date.start >= release.date.start):
        return True
    line = lines.line_of(("approvals", index, "date"))
    if not day:
        problems.error(
            path,
            line,
            f"approvals: date '{date}' is not a day: write the day of the meeting, for example '14 March 2026'",
        )
        return False
    if today is not None and date.start > today:
        problems.error(path, line, f"approvals: date {date} is after the build date {today.isoformat()}")
    if release is not None and date.start < release.date.start:
        problems.error(
            path,
            line,
            f"approvals: date {date} is before release '{release.name}' ({release.date}): "
            "a body approves a release after it is made",
        )
    return True


def no_tag(release: str) -> str:
    """The problem of an approval whose release has no git tag (``check`` and ``build`` say the same)."""
    return f"release '{release}' has no git tag here: its text cannot be read (git fetch --tags?)"


def check_release_tags(project: Project, problems: Problems) -> None:
    """Every approval's release, when clauses/releases.yml records it, has a git tag in the project's
    repository: the build renders the approved text from that tag's tree (history/frozen.py)."""
    recorded = {release.name for release in project.releases}
    wanting = [
        (slug, index, approval.release)
        for slug, school in sorted(project.schools.items())
        for index, approval in enumerate(school.approvals)
        if approval.release in recorded  # one not recorded is reported by check_approvals
    ]
    if not wanting:
        return
    tags = tag_commits(project.root)
    for slug, index, release in wanting:
        if release not in tags:
            line = project.school_lines[slug].line_of(("approvals", index, "release"))
            problems.error(project.school_path(slug), line, no_tag(release))
