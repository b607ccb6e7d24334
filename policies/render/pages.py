"""Render the site's Markdown pages.

Pages: the governors' dashboard (home), one policy page per school, the clause
library (an index and one page per clause), the references registry and the
"adopt or amend" guide.  Templates live in ``policies/templates`` and use the
same environment as clauses, so every value in them is escaped; clause bodies,
already rendered and escaped, are passed in as Markup.  Templates receive plain
dicts and strings only.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup

from policies.compare.outputs import PER_PAGE
from policies.history.versions import changes_page
from policies.load.changes import KIND_LABELS
from policies.load.models import audience_label
from policies.load.project import Project
from policies.load.status import LABELS, review_status
from policies.render.library import adopters_digest, clause_data, holders, library_index, school_entries
from policies.render.organisations import members as organisation_members
from policies.render.organisations import organisation_data, organisations_index
from policies.render.releases import PAGE as CHANGES_PAGE
from policies.render.releases import releases_data
from policies.render.reuse import Outputs, SchoolPages, digest
from policies.resolve.contacts import contact_rows, row_data
from policies.resolve.details import DASHBOARD, PAGE, REVIEW_LABEL, detail_cells, detail_rows, details_in
from policies.resolve.policy import ResolvedPolicy, tidy_markdown
from policies.templating.environment import ENV


def render_template(template: str, **data: Any) -> str:
    return tidy_markdown(ENV.get_template(template).render(**data)) + "\n"


def policy_data(policy: ResolvedPolicy, today: dt.date, pdf: bool = True) -> dict[str, Any]:
    """Plain data for templates: dicts, lists and strings only; ``pdf``: whether its PDF is published."""
    status = review_status(policy.dates.review, today)
    here = posixpath.dirname(policy.page)
    return {
        "slug": policy.slug,
        "stem": policy.stem,
        "page": policy.page,
        "main": policy.main,
        "root": Markup("../" * policy.page.count("/")),  # from its page to the top of the docs tree
        "documents": [
            {"title": d.title, "href": Markup(posixpath.relpath(d.page, here)), "current": d.page == policy.page}
            for d in policy.documents
        ],
        "pdf": pdf,
        "title": policy.title,
        "name": policy.name,
        "details": [
            {"label": label, "value": value, "link": link, "note": LABELS[status] if label == REVIEW_LABEL else None}
            for label, value, link in detail_rows(policy, PAGE)
        ],
        "cells": detail_cells(policy, DASHBOARD),  # its dashboard row
        "status": status,
        "status_label": LABELS[status],
        "contacts": [row_data(row) for row in contact_rows(policy.values, policy.terms)],
        "source_title": policy.source_title,
        "organisations": [{"slug": slug, "name": name} for slug, name in policy.organisations],
        "changes": [
            {
                "clause": item.clause,
                "title": item.title,
                "number": Markup(item.number) if item.number else None,
                "kind": KIND_LABELS[item.kind],
                "what": item.what,
                "why": item.why,
                "confirmed_by": item.confirmed_by,
                "confirmed_on": item.confirmed_on,
            }
            for item in policy.changes
        ],
        "unconfirmed": sum(1 for item in policy.changes if not item.confirmed),
        "changes_count": len(policy.changes),
        "version": version_data(policy),
        "sections": [
            {
                "number": Markup(section.number),
                "id": section.id,
                "title": section.title,
                "audiences": [audience_label(a, policy.governance) for a in section.audiences],
                "clauses": [
                    {
                        "number": Markup(clause.number),
                        "id": clause.id,
                        "title": clause.title,
                        "body": Markup(clause.body),
                    }
                    for clause in section.clauses
                ],
            }
            for section in policy.sections
        ],
    }


def version_data(policy: ResolvedPolicy) -> dict[str, Any] | None:
    """The document's version: identifier, status, and each approved version with a link to its copy."""
    version = policy.version
    if version is None:
        return None
    here = posixpath.dirname(policy.page)
    return {
        "identifier": version.identifier,
        "status": version.status,
        "status_text": version.status_text,
        "short": version.short_status,
        "changes_href": Markup(posixpath.relpath(changes_page(policy.slug, policy.document), here))
        if version.status == "changed"
        else None,
        "changes_page": changes_page(policy.slug, policy.document) if version.status == "changed" else None,
        "approvals": [
            {
                "release": approved.release,
                "date": approved.date,
                "by": approved.by,
                "minute": approved.minute,
                "identifier": approved.identifier,
                "href": Markup(posixpath.relpath(approved.page, here)),
            }
            for approved in reversed(version.approvals)  # newest first
        ],
    }


def references_data(project: Project) -> list[dict[str, Any]]:
    cited: dict[str, list[dict[str, str]]] = {}
    for clause in sorted(project.clauses.values(), key=lambda c: c.meta.id):
        for ref_id in clause.meta.references:
            cited.setdefault(ref_id, []).append({"id": clause.meta.id, "title": clause.meta.title})
    rows = []
    for ref_id, ref in project.references.items():
        rows.append(
            {
                "id": ref_id,
                "title": ref.title,
                "publisher": ref.publisher,
                "kind": ref.kind.replace("-", " "),
                "edition": ref.edition,
                "date": ref.date.text if ref.date else None,
                "url": ref.url,
                "status": ref.status,
                "superseded_by": ref.superseded_by,
                "superseded_by_title": project.references[ref.superseded_by].title
                if ref.superseded_by in project.references
                else None,
                "note": ref.note,
                "checked": ref.checked.text if ref.checked else None,
                "cited_by": cited.get(ref_id, []),
            }
        )
    return rows


def reference_groups(project: Project) -> list[dict[str, Any]]:
    rows = references_data(project)
    headings = {"current": "Current", "superseded": "Superseded", "withdrawn": "Withdrawn"}
    return [
        {"heading": heading, "items": [r for r in rows if r["status"] == status]}
        for status, heading in headings.items()
        if any(r["status"] == status for r in rows)
    ]


def site_page_count(project: Project, policies: list[ResolvedPolicy]) -> int:
    """How many pages iter_site_pages() yields, before it makes any (for a progress bar)."""
    # its first six, then one per school, per clause and per organisation
    return 6 + len(policies) + len(project.clauses) + len(project.organisations)


# What only the school's own page shows: the pages that list schools (the dashboard, each organisation's)
# read its row without them, and the memo keeps rows (reuse.py), where the changes were 14.5 KB of 16.6.
NOT_IN_ROWS = ("sections", "changes")


def iter_site_pages(
    project: Project,
    policies: list[ResolvedPolicy],
    today: dt.date,
    *,
    pdf: bool = True,
    memo: SchoolPages | None = None,
    library: tuple[Outputs, str] | None = None,
) -> Iterator[tuple[str, str | None]]:
    """(path in the docs tree, Markdown) of every page, one at a time: the build writes each and lets it go.

    ``pdf``: whether the build publishes PDFs, decided before any page is rendered, so a page links
    a PDF only when there is one.  With a ``memo`` (reuse.py), a school page whose inputs did not
    change is not rendered: it comes as (path, None), and the file stays as it is.  School pages
    come first, so only their dashboard rows are held for the home page.  With ``library`` (a memo
    and a digest of the code, clauses/ and organisations/), the clause pages are rendered only when that
    digest or what they read of the schools (``adopters_digest``) changed, or their file was touched.
    """
    rows = []  # a row per document: the dashboard lists each
    for policy in policies:
        row = memo.current_row(policy.page) if memo is not None else None
        if row is None:
            data = policy_data(policy, today, pdf)
            row = {name: value for name, value in data.items() if name not in NOT_IN_ROWS}
            if memo is not None:
                memo.rendered(policy.page, row)
            yield policy.page, render_template("school.md.jinja", policy=data)
        else:
            yield policy.page, None
        rows.append(row)
    family = project.outline.family_name if project.outline else ""
    title, family_title = f"Harmonised school {family} policies", f"{family[:1].upper()}{family[1:]} policies"
    columns = [detail.label for detail in details_in(DASHBOARD)]
    by_slug = {row["slug"]: row for row in rows if row["main"]}  # a school by its main document
    members = organisation_members(project)
    index = organisations_index(project, members, by_slug)
    home = {
        "policies": rows,
        "columns": columns,
        "title": title,
        "family": family_title,
        "today": today.isoformat(),
        "per_school": len(by_slug) <= PER_PAGE,
        "organisations": index,
        "approvals": [
            {"label": label, "documents": [row for row in rows if (row["version"] or {}).get("status") == status]}
            for status, label in (("changed", "Changes awaiting approval"), ("unapproved", "Not yet approved"))
        ],
        "reviews": [  # the dashboard's two lists: what governors act on first
            {"label": LABELS[status], "documents": [row for row in rows if row["status"] == status]}
            for status in ("overdue", "due-soon")
        ],
    }
    yield "index.md", render_template("home.md.jinja", **home)
    yield "library/index.md", render_template("library-index.md.jinja", sections=library_index(project))
    yield "references.md", render_template("references.md.jinja", groups=reference_groups(project))
    yield "adopt.md", render_template("adopt.md.jinja")
    yield CHANGES_PAGE, render_template("changes.md.jinja", releases=releases_data(project))
    yield "organisations/index.md", render_template("organisations-index.md.jinja", index=index)
    for slug in sorted(project.organisations):
        data = organisation_data(project, slug, members[slug], by_slug)
        yield f"organisations/{slug}.md", render_template("organisation.md.jinja", org=data)
    held, schools = holders(policies), school_entries(project, policies)
    inputs = digest(library[1], adopters_digest(project, held, schools)) if library is not None else ""
    for clause in project.clauses.values():
        path = f"library/{clause.meta.id}.md"
        if library is not None and library[0].current(path, digest(path, inputs)):
            yield path, None  # 72 pages that count every school's choice
            continue
        data = clause_data(project, clause, policies, held.get(clause.meta.id, {}), schools)
        yield path, render_template("clause.md.jinja", clause=data)
