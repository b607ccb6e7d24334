"""The comparison in each of its formats: for ``policies matrix`` and for the build's docs tree.

All three are made from one :class:`~policies.compare.matrix.Matrix`, so the page, the downloads
and ``policies matrix`` cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from policies.compare.columns import Columns
from policies.compare.export import csv_pieces, json_chunks, matrix_data, to_csv, to_json
from policies.compare.matrix import Matrix, build_matrix
from policies.compare.page import Scope, to_markdown
from policies.load.organisations import members_of
from policies.load.project import Project
from policies.render.reuse import Outputs, Pieces, digest
from policies.resolve.policy import ResolvedPolicy
from policies.runtime.incremental import files_digest
from policies.runtime.write import Made, TreeWriter

FORMATS = ("md", "csv", "json")
PER_PAGE = 100  # schools on a site up to which its comparison, dashboard and clause pages name each school
# Schools in each part of an organisation's comparison: about 220 KB of HTML.  A change to one school makes
# MkDocs build its parts again (0.2 s for each 100 schools, most of it Python-Markdown reading the table).
PART_SCHOOLS = 50


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


class PartMemos:
    """The memos of the comparison's outputs (reuse.Outputs), one for its pages and one for its data, whichever
    process makes which (a build makes the two in one process or side by side): each is written by one."""

    def __init__(self, cache: Path, docs: Path, parts: tuple[str, ...]) -> None:
        self.cache = cache
        self.memos = {part: Outputs(cache, docs, f"comparison-{part}") for part in parts}
        self.columns: Columns | None = None  # the schools' columns, kept by the process that makes the data
        # The CSV's rows: when one school changed, the file is remade, but most of its rows are not.
        csv = docs / "comparison" / "matrix.csv"
        self.rows = Pieces(cache, csv, "comparison-matrix-csv") if "data" in parts else None

    def current(self, name: str, key: str) -> bool:
        return self.memos["page" if name.endswith(".md") else "data"].current(name, key)

    def save(self) -> None:
        for memo in self.memos.values():
            memo.save()
        if self.rows is not None:
            self.rows.save()
        if self.columns is not None:
            self.columns.save()


def comparison_pages(project: Project) -> int:
    """How many pages ``comparison_outputs`` makes: the index, and each organisation's parts."""
    members = members_of(project.memberships, project.organisations)
    return 1 + sum(-(-len(schools) // PART_SCHOOLS) for schools in members.values())


def comparison_outputs(
    project: Project,
    policies: list[ResolvedPolicy],
    parts: tuple[str, ...] = ("page", "data"),
    memo: Outputs | PartMemos | None = None,
    keys: Mapping[str, str] | None = None,
) -> Iterator[tuple[str, str | Iterable[str | bytes] | None]]:
    """The comparison pages and downloads, (path in the docs tree, text or its pieces), one at a time.

    comparison/index.md compares every school, with a column per school up to ``PER_PAGE`` schools
    and only the counts above; each organisation with members gets its own comparison, in parts of at
    most ``PART_SCHOOLS`` schools (comparison/<slug>.md, <slug>-part-2.md, ...), so no page grows with the
    site.  Each is written and let go before the next is made: at 2,000 schools the downloads are 44 MB
    of text, and the build's memory peaks while they are made.  ``parts``: the pages ("page"), the CSV
    and JSON downloads ("data"), or both (with two cores spare, a build makes the two side by side).

    With ``memo`` and ``keys`` (each document's key by its ``stem``: it hashes the resolved document, the
    registries and the code), an output made from the same library and documents as its file on disk is
    yielded with None, not made: a rebuild after one school changed makes the index, the data and that
    school's organisations' pages only, and of the matrix of all schools only that school's column
    (columns.py, kept by the process that makes the data).
    """
    members = members_of(project.memberships, project.organisations)
    named = sorted((o.name, slug) for slug, o in project.organisations.items() if members[slug])
    library = files_digest(project.clauses_dir) if keys is not None else ""  # its variants, outline...

    def current(name: str, *inputs: str, group: list[ResolvedPolicy] = policies) -> bool:
        if memo is None or keys is None:
            return False
        return memo.current(name, digest(name, library, *inputs, *(keys[p.stem] for p in group)))

    scope = index_scope(project, len({p.slug for p in policies}))
    make_index = "page" in parts and not current("comparison/index.md", repr(scope))
    # & and not "and": each download is recorded in the memo, whether or not the other is current
    make_data = "data" in parts and not (current("comparison/matrix.csv") & current("comparison/matrix.json"))
    columns = None
    if (make_index or make_data) and isinstance(memo, PartMemos) and keys is not None and "data" in parts:
        inputs: dict[str, list[str]] = {}  # each school's column depends on the library and its documents
        for policy in policies:
            inputs.setdefault(policy.slug, [library]).append(keys[policy.stem])
        columns = memo.columns = Columns(memo.cache, {slug: digest(*items) for slug, items in inputs.items()})
    matrix = build_matrix(project, policies, columns=columns) if make_index or make_data else None
    if "page" in parts:
        yield "comparison/index.md", to_markdown(matrix, scope) if matrix is not None and make_index else None
    if "data" in parts:
        if matrix is not None and make_data:
            data = matrix_data(matrix)  # once, for both downloads
            yield "comparison/matrix.csv", csv_pieces(data, memo.rows if isinstance(memo, PartMemos) else None)
            yield "comparison/matrix.json", json_chunks(matrix, data)  # in pieces, written as they come
            del data
        else:
            yield from [("comparison/matrix.csv", None), ("comparison/matrix.json", None)]
    del matrix
    if "page" not in parts:
        return
    by_slug: dict[str, list[ResolvedPolicy]] = {}  # each school's documents
    for policy in policies:
        by_slug.setdefault(policy.slug, []).append(policy)
    for name, slug in named:
        chosen = [by_slug[school] for school in members[slug] if school in by_slug]
        groups = [
            [doc for docs in chosen[i : i + PART_SCHOOLS] for doc in docs] for i in range(0, len(chosen), PART_SCHOOLS)
        ]
        pages = tuple([slug] + [f"{slug}-part-{n}" for n in range(2, len(groups) + 1)])
        baseline = {cid: choice.variant for cid, choice in project.organisations[slug].variants.items()}
        for number, group in enumerate(groups, start=1):
            part = Scope(True, name, slug, len(chosen), number, pages)
            path = f"comparison/{pages[number - 1]}.md"
            if current(path, repr(part), repr(sorted(baseline.items())), group=group):
                yield path, None
            else:
                yield path, to_markdown(build_matrix(project, group, baseline), part)


def write_comparison(
    project: Project,
    policies: list[ResolvedPolicy],
    docs: Path,
    parts: tuple[str, ...] = ("page", "data"),
    keys: Mapping[str, str] | None = None,
    cache: Path | None = None,
) -> Iterator[Made]:
    """Write the comparison pages and (or) its CSV and JSON downloads into the docs tree, saying which changed.

    At 2,000 schools they take longer than every school page together, so a large build makes them in a
    process of its own when a core is spare (pipeline.py).  With ``keys`` (each document's key,
    by stem) and ``cache``, an output whose inputs did not change since the last build is kept (``Outputs``).
    """
    writer = TreeWriter(docs)
    memo = PartMemos(cache, docs, parts) if keys is not None and cache else None
    for name, content in comparison_outputs(project, policies, parts, memo, keys):
        if content is None:
            writer.keep(name)
            yield Made(name, False)
        else:
            yield Made(name, writer.write(name, content))
    if memo is not None:
        memo.save()
