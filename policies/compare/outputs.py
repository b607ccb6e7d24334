"""The comparison in each of its formats: for ``policies matrix`` and for the build's docs tree.

All three are made from one :class:`~policies.compare.matrix.Matrix`, so the page, the downloads
and ``policies matrix`` cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from policies.compare.export import json_chunks, matrix_data, to_csv, to_json
from policies.compare.matrix import Matrix, build_matrix
from policies.compare.page import Scope, to_markdown
from policies.load.organisations import members_of
from policies.load.project import Project
from policies.resolve.policy import ResolvedPolicy

FORMATS = ("md", "csv", "json")
PER_PAGE = 100  # schools compared side by side on one page: about 400 KB of HTML


def index_scope(project: Project, schools: int) -> Scope:
    """comparison/index.md: a column per school up to PER_PAGE schools, and a link to each organisation's."""
    members = members_of(project.memberships, project.organisations)
    named = sorted((o.name, slug) for slug, o in project.organisations.items() if members[slug])
    groups = tuple({"slug": slug, "name": name, "schools": len(members[slug])} for name, slug in named)
    return Scope(per_school=schools <= PER_PAGE, groups=groups)


def render(matrix: Matrix, fmt: str, scope: Scope | None = None) -> str:
    """``policies matrix``: the comparison page (``scope``: which one) or its data."""
    if fmt == "md":
        return to_markdown(matrix, scope)
    return to_csv(matrix) if fmt == "csv" else to_json(matrix)


def comparison_pages(project: Project) -> int:
    """How many pages ``comparison_outputs`` makes: the index, and each organisation's parts."""
    members = members_of(project.memberships, project.organisations)
    return 1 + sum(-(-len(schools) // PER_PAGE) for schools in members.values())


def comparison_outputs(
    project: Project, policies: list[ResolvedPolicy], parts: tuple[str, ...] = ("page", "data")
) -> Iterator[tuple[str, str | Iterable[str]]]:
    """The comparison pages and downloads, (path in the docs tree, text or its pieces), one at a time.

    comparison/index.md compares every school, with a column per school up to ``PER_PAGE`` schools
    and only the counts above; each organisation with members gets its own comparison, in parts of at
    most ``PER_PAGE`` schools (comparison/<slug>.md, <slug>-part-2.md, ...), so no page grows with the
    site.  Each is written and let go before the next is made: at 2,000 schools the downloads are 44 MB
    of text, and the build's memory peaks while they are made.  ``parts``: the pages ("page"), the CSV
    and JSON downloads ("data"), or both (a rebuild makes the two in processes of their own, side by side).
    """
    members = members_of(project.memberships, project.organisations)
    named = sorted((o.name, slug) for slug, o in project.organisations.items() if members[slug])
    matrix = build_matrix(project, policies)
    if "page" in parts:
        yield "comparison/index.md", to_markdown(matrix, index_scope(project, len(matrix.schools)))
    if "data" in parts:
        data = matrix_data(matrix)  # once, for both downloads
        yield "comparison/matrix.csv", to_csv(matrix, data)
        yield "comparison/matrix.json", json_chunks(matrix, data)  # in pieces, written as they come
        del data
    del matrix
    if "page" not in parts:
        return
    by_slug: dict[str, list[ResolvedPolicy]] = {}  # each school's documents
    for policy in policies:
        by_slug.setdefault(policy.slug, []).append(policy)
    for name, slug in named:
        chosen = [by_slug[school] for school in members[slug] if school in by_slug]
        groups = [[doc for docs in chosen[i : i + PER_PAGE] for doc in docs] for i in range(0, len(chosen), PER_PAGE)]
        pages = tuple([slug] + [f"{slug}-part-{n}" for n in range(2, len(groups) + 1)])
        baseline = {cid: choice.variant for cid, choice in project.organisations[slug].variants.items()}
        for number, group in enumerate(groups, start=1):
            scope = Scope(True, name, slug, len(chosen), number, pages)
            yield f"comparison/{pages[number - 1]}.md", to_markdown(build_matrix(project, group, baseline), scope)
