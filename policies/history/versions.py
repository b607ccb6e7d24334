"""Each document's version: its approvals, its identifier, and whether its text is what was approved.

A document is *approved* when its text (resolve/version.py: the content hash) is that of its last
approved version, *changed* when it differs (changes awaiting approval), and *unapproved* when its
governing body has recorded no approval of it.  Only an approved document carries a release in its
identifier; the others are drafts.
"""

from __future__ import annotations

import csv
import io
import posixpath
from dataclasses import replace

from policies.history.frozen import Frozen, Wanted
from policies.resolve.policy import ResolvedPolicy
from policies.resolve.version import ApprovedVersion, VersionInfo, content_hash, identifier

APPROVED_DOWNLOADS = "downloads/approved"
VERSIONS_CSV = "downloads/versions.csv"


def document_folder(slug: str, document: str) -> str:
    """The folder of a document's history in the docs tree: its approved versions and its changes."""
    return f"schools/{slug}/{document or 'policy'}"


def approved_page(slug: str, document: str, release: str) -> str:
    return f"{document_folder(slug, document)}/{release}/index.md"


def acknowledgement_page(slug: str, document: str, release: str) -> str:
    return f"{document_folder(slug, document)}/{release}/acknowledgement.md"


def changes_page(slug: str, document: str) -> str:
    """The redline of a document's text against its last approved version."""
    return f"{document_folder(slug, document)}/since-approval.md"


def approved_versions(
    wanted: list[Wanted], frozen: dict[tuple[str, str, str], Frozen]
) -> dict[tuple[str, str], list[ApprovedVersion]]:
    """(slug, document) -> its approved versions, oldest first (those that could be rendered)."""
    found: dict[tuple[str, str], list[ApprovedVersion]] = {}
    for item in wanted:
        release = item.approval.release
        version = frozen.get((item.slug, item.document, release))
        if version is None:
            continue
        found.setdefault((item.slug, item.document), []).append(
            ApprovedVersion(
                release=release,
                date=str(item.approval.date),
                iso=item.approval.date.start.isoformat(),
                by=item.approval.by,
                minute=item.approval.minute,
                identifier=identifier(item.document, release, version.digest),
                digest=version.digest,
                page=approved_page(item.slug, item.document, release),
                stem=f"{version.stem}-{release}",
            )
        )
    return found


def with_versions(
    policies: list[ResolvedPolicy], approved: dict[tuple[str, str], list[ApprovedVersion]]
) -> list[ResolvedPolicy]:
    """Every document with its VersionInfo: identifier, status against its last approval, approvals."""
    result = []
    for policy in policies:
        digest = content_hash(policy)
        history = tuple(approved.get((policy.slug, policy.document), ()))
        last = history[-1] if history else None
        if last is None:
            version = VersionInfo(identifier(policy.document, None, digest), digest, "unapproved", history)
        elif last.digest == digest:
            version = VersionInfo(last.identifier, digest, "approved", history)
        else:
            version = VersionInfo(identifier(policy.document, None, digest), digest, "changed", history)
        result.append(replace(policy, version=version))
    return result


def frozen_document(policy: ResolvedPolicy, version: ApprovedVersion) -> ResolvedPolicy:
    """An approved version as its own outputs show it: marked approved, with that approval alone."""
    return replace(policy, version=VersionInfo(version.identifier, version.digest, "approved", (version,)))


def relative(page: str, target: str) -> str:
    """A link from one page of the docs tree to another (Markdown file paths, as MkDocs resolves them)."""
    return posixpath.relpath(target, posixpath.dirname(page))


CSV_COLUMNS = (
    "school",
    "school_name",
    "document",
    "document_title",
    "version",
    "identifier",
    "status",
    "approval_date",
    "approved_by",
    "minute",
    "address",
)


def versions_csv(policies: list[ResolvedPolicy], titles: dict[tuple[str, str, str], str]) -> str:
    """Every approved version of every document, and each current draft: for HR and acknowledgement systems.

    ``titles`` gives an approved version's document title at its release, by (slug, document, release).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for policy in policies:
        version = policy.version
        if version is None:
            continue
        for approved in version.approvals:
            title = titles.get((policy.slug, policy.document, approved.release), policy.title)
            address = approved.page.removesuffix("index.md")
            school = (policy.slug, policy.name, policy.document, title)
            approval = (approved.release, approved.identifier, "approved", approved.iso, approved.by)
            writer.writerow((*school, *approval, approved.minute or "", address))
        if version.status != "approved":
            address = policy.page.removesuffix(".md") + "/"
            school = (policy.slug, policy.name, policy.document, policy.title)
            writer.writerow((*school, "draft", version.identifier, version.status, "", "", "", address))
    return out.getvalue()
