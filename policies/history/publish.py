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
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markupsafe import Markup

from policies.documents.docx_document import build_docx
from policies.history.frozen import FORMAT, Frozen
from policies.history.versions import APPROVED_DOWNLOADS, acknowledgement_page, frozen_document, relative
from policies.load.project import Project
from policies.render.pages import policy_data, render_template
from policies.resolve.policy import ResolvedPolicy
from policies.resolve.version import ApprovedVersion

ACKNOWLEDGEMENT_ROWS = 20
# A link to another page of the school, written for the page the document had at its release: in a frozen
# copy it is plain text, as in the downloads (the other page may have moved or gone since).
_PAGE_LINK = re.compile(r"\[((?:[^\]\\]|\\.)*)\]\((?!#|[a-z]+:)[^)\s]*\)")


@dataclass(frozen=True)
class FrozenOutput:
    """One output of an approved version: its path in the docs tree and its key."""

    name: str
    key: str


@dataclass(frozen=True)
class ApprovedCopy:
    """An approved version of a document and the outputs it publishes."""

    version: ApprovedVersion
    frozen: Frozen
    current_page: str  # the document's page today, which the copy links
    pdf: bool  # whether the copy links a PDF

    @functools.cached_property
    def outputs(self) -> list[FrozenOutput]:
        """Its files in the docs tree, each with its key: worked out once a build (10,000s at scale)."""
        frozen, version = self.frozen, self.version
        inputs = [str(FORMAT), frozen.commit, frozen.slug, frozen.document, version.release, version.date]
        inputs += [version.by, version.minute or "", self.current_page, str(self.pdf)]
        base = hashlib.sha256("\0".join(inputs).encode()).hexdigest()
        names = [self.version.page, acknowledgement_page(self.frozen.slug, self.frozen.document, self.version.release)]
        names += [f"{APPROVED_DOWNLOADS}/{self.version.stem}.docx"]
        names += [f"{APPROVED_DOWNLOADS}/{self.version.stem}.pdf"] if self.pdf else []
        return [FrozenOutput(name, base) for name in names]


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


def frozen_outputs(
    project: Project, copy: ApprovedCopy, state: dict[str, str], present: Callable[[str], bool]
) -> Iterator[tuple[str, str | bytes | None]]:
    """(path, content) of each output of the copy to write, or (path, None) for one that is current.

    The PDF is not made here (Typst runs in its own processes): its content is the Typst source, for
    the build's PDF workers.  ``present(name)``: whether the file is in the docs tree.
    """
    outputs = copy.outputs
    if all(state.get(o.name) == o.key and present(o.name) for o in outputs):
        for output in outputs:
            yield output.name, None
        return
    policy, references = copy.frozen.load()
    document = frozen_document(policy, copy.version)
    subject = project.outline.title if project.outline else ""
    for output in outputs:
        current = state.get(output.name) == output.key and present(output.name)
        if current:
            yield output.name, None
        elif output.name.endswith("index.md"):
            yield output.name, page_markdown(copy, policy)
        elif output.name.endswith("acknowledgement.md"):
            yield output.name, acknowledgement_markdown(copy, policy)
        elif output.name.endswith(".docx"):
            yield output.name, build_docx(document, references, subject=subject)
        else:
            from policies.documents.pdf_typst import typst_source

            yield output.name, typst_source(document, references, subject=subject)
