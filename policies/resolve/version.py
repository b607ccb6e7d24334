"""Which version of a document a reader holds: its content hash, its identifier and its approval status.

A document's *content* is what a governing body approves and staff read: its title, and each
section's and clause's number, title and text.  The cover's details (dates, who approved it) are
facts about the approval, not the text approved, so a school recording its approval does not make its
document differ from the version it approved.

The identifier is short enough to quote on an acknowledgement form and names the three things a
reader needs: the document, the library release it was approved at (``draft`` while it is not the
text of an approved version) and the first eight hex digits of the content hash, for example
``staff-policy/2026.1/3f9a1c2e``.  A current document whose text is that of its last approved
version carries that version's identifier, so what staff signed and what the page shows match.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

DRAFT = "draft"
HASH_VERSION = 2  # raise when content_hash changes: kept hashes of approved versions are then made again
HASH_LENGTH = 8
Status = Literal["approved", "changed", "unapproved"]


class Document(Protocol):
    """What the hash reads of a ResolvedPolicy (policy.py imports this module, so not that class)."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def sections(self) -> Sequence[Any]: ...


@functools.lru_cache(maxsize=16384)
def _text_hash(text: str) -> str:
    """One piece of a document's text, hashed: schools share most clause texts (the same string objects)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def content_hash(policy: Document) -> str:
    """The hash of the document's content (hex, in full): its school, title, and each section's and clause's
    number, title and text, in order (the first HASH_LENGTH digits go in the identifier)."""
    parts = [_text_hash(policy.name), _text_hash(policy.title)]
    for section in policy.sections:
        parts += ["section", section.number, _text_hash(section.title)]
        for c in section.clauses:
            parts += ["clause", c.number, c.id, _text_hash(c.title), _text_hash(c.body)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def identifier(document: str, release: str | None, digest: str) -> str:
    """``<document>/<release or draft>/<hash>``: a document without an id (one combined policy) is ``policy``."""
    return f"{document or 'policy'}/{release or DRAFT}/{digest[:HASH_LENGTH]}"


@dataclass(frozen=True)
class ApprovedVersion:
    """One approval of a document, and where its frozen copy is published."""

    release: str
    date: str  # as the school file records it: "14 March 2026"
    iso: str  # the same day, ISO 8601
    by: str
    minute: str | None
    identifier: str
    digest: str  # the approved text's content hash
    page: str  # its page in the docs tree: schools/<slug>/<document>/<release>.md
    stem: str  # its downloads' name without extension, under downloads/approved/


@dataclass(frozen=True)
class VersionInfo:
    """A document's version: its identifier, its status against its approvals, and those approvals."""

    identifier: str
    digest: str
    status: Status
    approvals: tuple[ApprovedVersion, ...] = ()  # oldest first

    @property
    def last(self) -> ApprovedVersion | None:
        return self.approvals[-1] if self.approvals else None

    @property
    def draft(self) -> bool:
        """Its text is not the text its governing body last approved (or it has never been approved)."""
        return self.status != "approved"

    @property
    def status_text(self) -> str:
        """The status as a document's details say it: which approval, or what awaits one."""
        last = self.last
        if self.status == "approved" and last is not None:
            minute = f", minute {last.minute}" if last.minute else ""
            return f"Approved by {last.by} on {last.date}{minute} (library release {last.release})"
        if self.status == "changed" and last is not None:
            return f"Draft: changes awaiting approval since the version approved on {last.date}"
        return "Draft: not yet approved by the governing body"

    @property
    def short_status(self) -> str:
        """The status in a table's cell (the dashboard)."""
        last = self.last
        if self.status == "approved" and last is not None:
            return f"Approved {last.date}"
        return "Changes awaiting approval" if self.status == "changed" else "Not yet approved"
