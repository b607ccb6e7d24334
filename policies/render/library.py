"""The clause library's pages: each clause with its variants and the schools (by organisation) that use them.

A site of up to ``NAMED_MAX`` schools names each school under the variant it adopts; a larger one gives the
number of schools in each organisation and links that organisation's comparison, which names them clause by
clause.  Naming 2,000 schools made each of the 72 pages 145 KB of links that no reader could scan, and every
page changed (and was built again) whenever a school was added.
"""

from __future__ import annotations

import hashlib
from typing import Any

from markupsafe import Markup

from policies.load.clauses import Clause
from policies.load.models import AUDIENCES, School
from policies.load.project import Project
from policies.load.selection import variant_for
from policies.load.values import placeholder_context
from policies.load.xrefs import fill_links
from policies.resolve.policy import ResolvedPolicy, tidy_markdown
from policies.templating.escape import escape_markdown

NAMED_MAX = 100  # schools on the site up to which clause pages name every school (the comparison's PER_PAGE)


def holders(policies: list[ResolvedPolicy]) -> dict[str, dict[str, str]]:
    """Clause id -> school slug -> the page of the school's document that holds the clause (one pass)."""
    found: dict[str, dict[str, str]] = {}
    for policy in policies:
        for section in policy.sections:
            for clause in section.clauses:
                found.setdefault(clause.id, {}).setdefault(policy.slug, policy.page)
    return found


def school_entries(project: Project, policies: list[ResolvedPolicy]) -> list[tuple[dict[str, Any], School, str]]:
    """Each school once, by its main document, for the clause pages: (its entry, its model, its page).
    Made once for all 72 pages (at 2,000 schools, making them for each page took 0.5 s)."""
    return [
        ({"slug": p.slug, "name": p.name, "group": p.organisations[-1:]}, project.schools[p.slug], p.page)
        for p in policies
        if p.main
    ]


def adopters_digest(
    project: Project, held: dict[str, dict[str, str]], schools: list[tuple[dict[str, Any], School, str]]
) -> str:
    """A digest of all that the clause pages read of the schools (``held`` from ``holders``, ``schools`` from
    ``school_entries``): each school's entry and page and, for each clause it holds, the variant it adopts
    and the page that holds it.  A school file edited elsewhere (a name of staff, a date) leaves it as it
    was, so the 72 clause pages are not made again (0.3 s of a rebuild at 2,000 schools)."""
    rows = []
    for entry, school, page in schools:
        slug = entry["slug"]
        chosen = [
            (cid, variant_for(clause, school), held[cid][slug])
            for cid, clause in project.clauses.items()
            if slug in held.get(cid, {})
        ]
        rows.append((slug, entry["name"], entry["group"], page, chosen))
    return hashlib.sha256(repr(rows).encode("utf-8")).hexdigest()


def clause_data(
    project: Project,
    clause: Clause,
    policies: list[ResolvedPolicy],
    held: dict[str, str] | None = None,
    schools: list[tuple[dict[str, Any], School, str]] | None = None,
) -> dict[str, Any]:
    """A clause for its library page: placeholder text per variant, and who uses which (``held``: the
    schools whose documents hold it, from ``holders``; ``schools``: from ``school_entries``)."""
    placeholders = placeholder_context()
    placeholders["policy"]["title"] = "‹policy.title›"
    meta = clause.meta
    adopters: dict[str, list[dict[str, Any]]] = {v: [] for v in clause.variant_ids}
    not_covered = []
    holding = held if held is not None else holders(policies).get(meta.id, {})
    schools = schools if schools is not None else school_entries(project, policies)
    named = len(schools) <= NAMED_MAX
    for entry, school, page in schools:
        slug = entry["slug"]
        if named:  # the page of the document that holds the clause; from library/<id>.md, one folder up
            entry = {**entry, "href": Markup(f"../{holding.get(slug, page)}")}
        if slug in holding:
            adopters[variant_for(clause, school)].append(entry)
        else:
            not_covered.append(entry)
    section = next(s for s in project.outline.sections if s.id == meta.section) if project.outline else None
    return {
        "id": meta.id,
        "title": meta.title,
        "section": section.title if section else meta.section,
        "audiences": [AUDIENCES[a] for a in meta.audiences],
        "variables": meta.variables,
        "note": meta.note,
        "references": [
            {"id": ref, "title": project.references[ref].title, "edition": project.references[ref].edition}
            for ref in meta.references
            if ref in project.references
        ],
        "provenance": [
            {"id": seed, "school": project.sources[seed].school, "title": project.sources[seed].title}
            for seed in meta.provenance
            if seed in project.sources
        ],
        "variants": [
            {
                "id": variant,
                "label": meta.variants[variant].label if variant else "",
                "summary": meta.variants[variant].summary if variant else "",
                "recommended": variant == (meta.default or ""),
                "text": Markup(_library_links(project, tidy_markdown(clause.templates[variant].render(placeholders)))),
                "schools": adopters[variant],
                "groups": _by_organisation(adopters[variant]),
            }
            for variant in clause.variant_ids
        ],
        "not_covered": not_covered,
        "named": named,
    }


def _by_organisation(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Schools grouped by their most specific organisation (a trust before its local authority), by name;
    schools in none come last, in a group without a slug."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in entries:
        slug, name = entry["group"][0] if entry["group"] else ("", "")
        groups.setdefault((name, slug), []).append(entry)
    ordered = sorted(groups.items(), key=lambda item: (not item[0][1], item[0][0]))
    return [{"name": name, "slug": slug, "schools": schools} for (name, slug), schools in ordered]


def _library_links(project: Project, markdown: str) -> str:
    """Cross-references on a library page: the target's title, linking its own library page."""
    titles = {cid: escape_markdown(clause.meta.title) for cid, clause in project.clauses.items()}
    return fill_links(markdown, titles.get, lambda target: f"{target}.md")


def library_index(project: Project) -> list[dict[str, Any]]:
    assert project.outline is not None
    return [
        {
            "id": section.id,
            "title": section.title,
            "audiences": [AUDIENCES[a] for a in section.audiences],
            "clauses": [
                {
                    "id": cid,
                    "title": project.clauses[cid].meta.title,
                    "variants": [v.label for v in project.clauses[cid].meta.variants.values()],
                }
                for cid in section.clauses
                if cid in project.clauses
            ],
        }
        for section in project.outline.sections
    ]
