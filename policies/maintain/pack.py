"""``policies pack SCHOOL``: what a governing body needs to approve the school's documents at a meeting.

Only a release of the library can be approved, so the text to approve is each document as it stands at
the latest release (clauses/releases.yml), rendered from its git tag.  For each document the pack gives
its version identifier (resolve/version.py), the sentence-level redline from the version last approved
(that approval's release, rendered from its tag; the full text when the document was never approved in
this form), the changes from the school's source policy still to confirm, and the resolution, with the
``policies approve`` line the clerk runs after the meeting.  Approvals and confirmations are read from the
working tree, where the clerk records them; a document whose working-tree text differs from the release's
is named in a warning, since that text cannot be approved until it is released.

``pack_docx`` and ``pack_pdf`` write the same ``Pack`` as DOCX and PDF.
"""

from __future__ import annotations

import datetime as dt
import difflib
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from policies.errors import DiffError, InputError, PackError
from policies.history.redline import Redline, sentence_redline
from policies.load.changes import ChangeItem
from policies.load.dates import PolicyDate
from policies.load.models import Approval
from policies.load.project import Project
from policies.load.releases import Release
from policies.maintain.diff import export_revision
from policies.resolve.policy import ResolvedPolicy, resolve_documents
from policies.resolve.prepare import load_and_check
from policies.resolve.version import content_hash, identifier

PACK_DIR = "packs"  # in the project, ignored by git
GOVERNING_BODY = "the governing body"
NO_RELEASE = "no release of the library yet: run `policies release NAME --notes TEXT` first"


@dataclass(frozen=True)
class DocumentPack:
    """One document to approve: the text at the release, what changed since its approval, the resolution."""

    policy: ResolvedPolicy  # as it stands at the release
    identifier: str
    approved: Approval | None  # the approval its redline starts from; None: never approved in this form
    redline: Redline | None  # None with ``approved``: the full text is given instead
    changes: tuple[ChangeItem, ...]  # changes from the source policy still to confirm
    resolution: str
    command: str  # the ``policies approve`` line for the clerk

    @property
    def title(self) -> str:
        return self.policy.title


@dataclass(frozen=True)
class Pack:
    slug: str
    school: str
    release: Release  # the latest release: the text to approve
    date: dt.date  # the build date, on the cover
    meeting: PolicyDate | None
    body: str  # who approves, as the school names it
    documents: tuple[DocumentPack, ...]
    warnings: tuple[str, ...] = ()


LEGEND = (
    "In the changes below, struck-through text is removed and underlined text is added; an ellipsis (…) marks "
    "unchanged text left out. Only the changed sentences are shown, each with the sentence before and after it."
)
CLAUSE_NOTES = {"added": "New clause.", "removed": "Clause removed.", "changed": ""}


def since_heading(document: DocumentPack) -> str:
    """The heading over a document's redline, or over its full text when it was never approved in this form."""
    if document.approved is None:
        return "Not approved in this form: the full text"
    a = document.approved
    return f"Changes since the version approved on {a.date.text} by {a.by} (release {a.release})"


def not_approved(document: DocumentPack) -> str:
    return (
        f"The {document.title} has not been approved in this form. Its full text follows, so that the "
        "governing body approves what it has read."
    )


def status(document: DocumentPack) -> str:
    """One line for the cover's table: what changed since the document was last approved."""
    if document.approved is None or document.redline is None:
        return "Not approved in this form: full text"
    when = f"approved on {document.approved.date.text} (release {document.approved.release})"
    count = len(document.redline.clauses)
    if not count:
        return f"No changes since it was {when}"
    return f"{count} clause{'s' if count != 1 else ''} changed since it was {when}"


def day(date: dt.date) -> str:
    """A day as the school files write one: 1 December 2026."""
    return f"{date.day} {date:%B %Y}"


def _git_ok(root: Path) -> bool:
    try:
        found = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0


def _at_release(root: Path, release: str, slug: str, tmp: Path, today: dt.date) -> dict[str, ResolvedPolicy]:
    """The school's documents as they stood at a release (by its git tag), by document id."""
    try:
        tree = export_revision(root, f"refs/tags/{release}", tmp / release)
    except DiffError as exc:
        why = str(exc).splitlines()[0] if str(exc) else "git could not read it"
        raise PackError(f"release '{release}' has no git tag here (git fetch --tags?): {why}") from exc
    project, problems = load_and_check(tree, today)
    if problems.errors:
        raise InputError(problems)
    if slug not in project.schools:
        return {}
    documents = resolve_documents(project, slug, problems)
    if problems.errors:
        raise InputError(problems)
    return {document.document: document for document in documents}


def _school(project: Project, slug: str) -> None:
    if slug in project.schools:
        return
    close = difflib.get_close_matches(slug, sorted(project.schools), n=3, cutoff=0.6)
    hint = f": did you mean {' or '.join(close)}?" if close else ""
    raise PackError(f"no school '{slug}' (schools/{slug}.yml){hint}")


def body_of(policy: ResolvedPolicy) -> str:
    """Who approves the school's policies: its record of who approved them, else its governing body."""
    values = policy.values
    named = values["policy"].get("approved_by") or values["leadership"].get("governing_body")
    return str(named) if named else GOVERNING_BODY


def _the(body: str) -> str:
    return body if body.split(" ", 1)[0].lower() in ("the", "a", "an") else f"the {body}"


def _quoted(value: str) -> str:
    """A shell argument the clerk can paste: in double quotes unless the shell would read into them."""
    return f'"{value}"' if not set(value) & set('"$`\\!') else shlex.quote(value)


def _last_approval(approvals: list[Approval], policy: ResolvedPolicy) -> Approval | None:
    mine = [a for a in approvals if a.document == policy.document or (a.document is None and policy.main)]
    return mine[-1] if mine else None


def _document(
    policy: ResolvedPolicy,
    release: str,
    approval: Approval | None,
    old: ResolvedPolicy | None,
    confirmed: set[tuple[str, str]],
    body: str,
    meeting: PolicyDate | None,
) -> DocumentPack:
    ident = identifier(policy.document, release, content_hash(policy))
    changes = tuple(c for c in policy.changes if not c.confirmed and (c.clause, c.kind) not in confirmed)
    confirms = ""
    if changes:
        confirms = ", and to confirm the change listed above" if len(changes) == 1 else ""
        confirms = confirms or f", and to confirm the {len(changes)} changes listed above"
    resolution = (  # no verb agrees with the body's name: "the Full Governors" is plural, "the Board" is not
        f"Proposed resolution of {_the(body)}: to approve the {policy.title} of {policy.name}, version {ident}, "
        f"as it stands at library release {release}{confirms}."
    )
    document = f" {policy.document}" if policy.document else ""
    date = _quoted(meeting.text if meeting else "<date of the meeting>")
    command = f"policies approve {policy.slug}{document} --release {release} --date {date} --by {_quoted(body)}"
    redline = sentence_redline(old, policy) if old is not None else None
    return DocumentPack(policy, ident, approval if old else None, redline, changes, resolution, command)


def make_pack(root: Path, slug: str, today: dt.date, meeting: PolicyDate | None = None) -> Pack:
    """The pack for one school: its documents at the latest release, against their last approved versions."""
    project, problems = load_and_check(root, today)
    if problems.errors:
        raise InputError(problems)
    _school(project, slug)
    if not project.releases:
        raise PackError(NO_RELEASE)
    if not _git_ok(root):
        raise PackError(f"{root} is not a git work tree: the pack renders each release from its git tag")
    latest = project.releases[-1]
    current = {d.document: d for d in resolve_documents(project, slug, problems)}
    if problems.errors:
        raise InputError(problems)
    school = project.schools[slug]
    confirmed: set[tuple[str, str]] = {(c.clause, c.kind) for c in school.confirmations}
    with tempfile.TemporaryDirectory(prefix="policies-pack-") as tmp:
        renders = {latest.name: _at_release(root, latest.name, slug, Path(tmp), today)}
        released = renders[latest.name]
        if not released:
            raise PackError(f"{slug} is not in release {latest.name}: record a release that includes it first")
        warnings = []
        for document_id, now in current.items():
            at = released.get(document_id)
            if at is None:
                warnings.append(f"{now.title} is not in release {latest.name}, so it is not in the pack")
            elif content_hash(at) != content_hash(now):
                warnings.append(
                    f"the working tree's text of the {now.title} differs from release {latest.name}: only a "
                    f"release can be approved, so the pack has the release's text (`policies release` records one)"
                )
        main = next(iter(released.values()))
        body = body_of(main)
        documents = []
        for policy in released.values():
            approval = _last_approval(school.approvals, policy)
            old = None
            if approval is not None:
                if approval.release not in renders:
                    renders[approval.release] = _at_release(root, approval.release, slug, Path(tmp), today)
                old = renders[approval.release].get(policy.document)
            documents.append(_document(policy, latest.name, approval, old, confirmed, body, meeting))
    return Pack(slug, main.name, latest, today, meeting, body, tuple(documents), tuple(warnings))
