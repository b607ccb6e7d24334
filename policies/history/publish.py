"""The approved versions' outputs: each one's page, acknowledgement sheet, DOCX and PDF, made once.

An approved version is published at an address with its release in it
(``schools/<slug>/<document>/<release>/``), with its downloads in ``downloads/approved/``.  Its
outputs depend only on the release's commit, the approval's record and whether a PDF is published,
never on the build date or on later text, so later builds leave them byte for byte as they were:
each output's key (those inputs) is kept in the build's state, and an output whose key and file
are unchanged is neither rendered nor written.  The version's document is read from the cache only
when one of its outputs must be made.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markupsafe import Markup

from policies.documents.docx_document import build_docx
from policies.history.frozen import FORMAT, Frozen
from policies.history.versions import (
    APPROVED_DOWNLOADS,
    acknowledgement_page,
    document_folder,
    frozen_document,
    relative,
)
from policies.load.project import Project
from policies.render.pages import policy_data, render_template
from policies.resolve.policy import ResolvedPolicy
from policies.resolve.version import ApprovedVersion

ACKNOWLEDGEMENT_ROWS = 20
# A link to another page of the school, written for the page the document had at its release: in a frozen
# copy it is plain text, as in the downloads (the other page may have moved or gone since).
_PAGE_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\((?!#|[a-z]+:)[^)\s]*\)")


def history_state(copies: list[ApprovedCopy]) -> tuple[str, str]:
    """The build state's entry for one document's approved copies: its name, and each copy's token.

    One entry a document, not a copy: 500 schools with ten approved versions of each document have 8,000
    copies, and an entry each was most of the state every build reads and writes.  A copy's token is its
    release and a digest of its inputs, so a copy whose inputs change is made again on its own.
    """
    first = copies[0].frozen
    return f"approved:{document_folder(first.slug, first.document)}/", " ".join(copy.token for copy in copies)


@dataclass(frozen=True)
class ApprovedCopy:
    """An approved version of a document and the outputs it publishes."""

    version: ApprovedVersion
    frozen: Frozen
    current_page: str  # the document's page today, which the copy links
    pdf: bool  # whether the copy links a PDF

    @functools.cached_property
    def token(self) -> str:
        """Its release and a digest of what its outputs depend on: the release's commit, the approval's record,
        the page it links, the PDF flag (its entry in the build's state: history_state)."""
        frozen, version = self.frozen, self.version
        inputs = [str(FORMAT), frozen.commit, frozen.slug, frozen.document, version.release, version.date]
        inputs += [version.by, version.minute or "", self.current_page, str(self.pdf)]
        return f"{version.release}={hashlib.sha256(chr(0).join(inputs).encode()).hexdigest()[:24]}"

    @functools.cached_property
    def names(self) -> list[str]:
        """Its files in the docs tree: page, acknowledgement sheet, DOCX and (when published) PDF."""
        names = [self.version.page, acknowledgement_page(self.frozen.slug, self.frozen.document, self.version.release)]
        names += [f"{APPROVED_DOWNLOADS}/{self.version.stem}.docx"]
        return names + ([f"{APPROVED_DOWNLOADS}/{self.version.stem}.pdf"] if self.pdf else [])


def page_markdown(copy: ApprovedCopy, policy: ResolvedPolicy) -> str:
    """The approved version's page: its text as approved, marked as such, with its downloads."""
    document = frozen_document(policy, copy.version)
    data = policy_data(document, dt.date.fromisoformat(copy.version.iso), copy.pdf)
    page = copy.version.page
    data["root"] = Markup("../" * page.count("/"))
    for detail in data["details"]:
        detail["note"] = None  # a review's status belongs to today's page, not the record
    for section in data["sections"]:
        for clause in section["clauses"]:
            clause["body"] = Markup(_PAGE_LINK.sub(r"\1", str(clause["body"])))
    return render_template(
        "approved.md.jinja",
        policy=data,
        approval=copy.version,
        current=relative(page, copy.current_page),
        docx=Markup(f"{data['root']}{APPROVED_DOWNLOADS}/{copy.version.stem}.docx"),  # a slug and a release name
        pdf=Markup(f"{data['root']}{APPROVED_DOWNLOADS}/{copy.version.stem}.pdf") if copy.pdf else None,
    )


def acknowledgement_markdown(copy: ApprovedCopy, policy: ResolvedPolicy) -> str:
    page = acknowledgement_page(copy.frozen.slug, copy.frozen.document, copy.version.release)
    return render_template(
        "acknowledgement.md.jinja",
        title=policy.title,
        name=policy.name,
        approval=copy.version,
        page=relative(page, copy.version.page),
        root=Markup("../" * page.count("/")),
        rows=list(range(ACKNOWLEDGEMENT_ROWS)),
    )


def frozen_outputs(project: Project, copy: ApprovedCopy, names: list[str]) -> Iterator[tuple[str, str | bytes]]:
    """(path, content) of each of ``names`` (outputs of the copy), made from the approved document.

    The PDF is not made here (Typst runs in its own processes): its content is the Typst source, for
    the build's PDF workers.
    """
    policy, references = copy.frozen.load()
    document = frozen_document(policy, copy.version)
    subject = project.outline.title if project.outline else ""
    for name in names:
        if name.endswith("index.md"):
            yield name, page_markdown(copy, policy)
        elif name.endswith("acknowledgement.md"):
            yield name, acknowledgement_markdown(copy, policy)
        elif name.endswith(".docx"):
            yield name, build_docx(document, references, subject=subject)
        else:
            from policies.documents.pdf_typst import typst_source

            yield name, typst_source(document, references, subject=subject)
