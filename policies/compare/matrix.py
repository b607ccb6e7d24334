"""The cross-policy comparison matrix: which variant each school adopts, clause by clause.

Harmonising is only worth it if a governor or trust lead can see at a glance
where schools agree and where they depart from the recommended text.  This
module turns the loaded project and the resolved policies into plain, frozen
dataclasses; ``export``, ``page`` and ``outputs`` serialise them (page, CSV, JSON) and never
looks at the project itself, so every format shows exactly the same data.

The shape is a public, versioned schema (README, "Comparison data"): a change
to a field's meaning or a removed field bumps ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from policies.load.project import Project
from policies.resolve.details import COMPARISON, Detail, detail_value, details_in
from policies.resolve.policy import ResolvedClause, ResolvedPolicy

SCHEMA = "school-policies/comparison-matrix"
SCHEMA_VERSION = 1

CellStatus = Literal["variant", "shared", "not-covered"]
ValueStatus = Literal["recorded", "not-recorded", "not-in-policy"]
SHARED_LABEL = "Shared text"
NOT_COVERED_LABEL = "Not covered"


@dataclass(frozen=True)
class Variant:
    id: str
    label: str
    summary: str
    recommended: bool


@dataclass(frozen=True)
class Cell:
    """One school's position on one clause."""

    status: CellStatus  # variant: it chose among variants; shared: one text for all; not-covered: audience not covered
    variant: str | None  # the variant id, for status "variant" only
    label: str  # the variant's short label, "Shared text" or "Not covered"
    departs: bool  # a variant other than the recommended default
    reason: str | None  # the school's recorded justification (schools/<slug>.yml, variants.<id>.reason)
    number: str | None  # the clause's number in the school's document that holds it, e.g. "3.2"
    document: str | None = None  # that document's id (clauses/documents.yml); "" for a school's one policy


@dataclass(frozen=True)
class ClauseRow:
    id: str
    title: str
    section: str
    audiences: tuple[str, ...]
    default: str | None
    variants: tuple[Variant, ...]
    cells: tuple[Cell, ...]  # one per school, in Matrix.schools order

    @property
    def covered(self) -> int:
        return sum(cell.status != "not-covered" for cell in self.cells)

    @property
    def adoption(self) -> dict[str, int]:
        """How many schools adopt each variant, in the clause's variant order (zeros kept)."""
        counts = Counter(cell.variant for cell in self.cells if cell.status == "variant")
        return {variant.id: counts[variant.id] for variant in self.variants}

    @property
    def differs(self) -> bool:
        """True when the schools whose policy includes the clause do not all adopt the same variant.

        Coverage alone is not a difference here (a staff-only policy has no pupil clauses, and at 300
        schools nearly every row would "differ" by coverage); it is shown by the audience filter instead.
        """
        return sum(1 for count in self.adoption.values() if count) > 1


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    audiences: tuple[str, ...]
    clauses: tuple[ClauseRow, ...]


@dataclass(frozen=True)
class ValueCell:
    status: ValueStatus  # not-in-policy: the school's policy text does not use this value
    value: str | None  # the value as written in the school file (dates at their own precision)


@dataclass(frozen=True)
class ValueRow:
    id: str
    label: str
    cells: tuple[ValueCell, ...]  # one per school

    @property
    def differs(self) -> bool:
        return len({(cell.status, cell.value) for cell in self.cells}) > 1


@dataclass(frozen=True)
class SchoolColumn:
    slug: str
    name: str
    governance: str
    audiences: tuple[str, ...]
    clauses: int  # clauses in its policy
    choices: int  # of which clauses with variants
    departures: int  # of which not the recommended variant
    reasons: int  # departures with a recorded reason


@dataclass(frozen=True)
class Matrix:
    policy: str
    schools: tuple[SchoolColumn, ...]
    sections: tuple[Section, ...]
    values: tuple[ValueRow, ...]

    @property
    def clauses(self) -> tuple[ClauseRow, ...]:
        return tuple(row for section in self.sections for row in section.clauses)


# The value rows: the details marked for the comparison (resolve/details.py), in their order.
VALUES: tuple[Detail, ...] = details_in(COMPARISON)


def _cell(held: tuple[ResolvedClause, str] | None, baseline: str | None, made: dict[tuple[Any, ...], Cell]) -> Cell:
    """``held``: the clause in a school's document and that document's id; ``baseline``: the variant a school
    is compared with where not the recommended one (its organisation's).  Cells are frozen, so equal ones are
    one object (``made``): most schools' cells repeat, and 144,000 cells at 2,000 schools took 0.5 s to make."""
    if held is None:
        key: tuple[Any, ...] = ("not-covered", None, NOT_COVERED_LABEL, False, None, None, None)
    else:
        resolved, document = held
        if not resolved.variant:
            key = ("shared", None, SHARED_LABEL, False, resolved.reason, resolved.number, document)
        else:
            departs = resolved.variant != baseline if baseline else not resolved.is_default
            key = (
                "variant",
                resolved.variant,
                resolved.variant_label,
                departs,
                resolved.reason,
                resolved.number,
                document,
            )
    cell = made.get(key)
    if cell is None:
        cell = made[key] = Cell(*key)
    return cell


def _used_paths(project: Project, policy: ResolvedPolicy) -> set[str]:
    """Every school value the text of this school's policy uses."""
    paths: set[str] = set()
    for section in policy.sections:
        for clause in section.clauses:
            paths |= set(project.clauses[clause.id].used.get(clause.variant, {}))
    return paths


def _value_cell(detail: Detail, policy: ResolvedPolicy, used: set[str]) -> ValueCell:
    if detail.in_text and not used & set(detail.in_text):
        return ValueCell("not-in-policy", None)
    value = detail_value(detail, policy)
    return ValueCell("recorded", value) if value is not None else ValueCell("not-recorded", None)


def _school(policy: ResolvedPolicy, row_cells: list[Cell]) -> SchoolColumn:
    included = [cell for cell in row_cells if cell.status != "not-covered"]
    departures = [cell for cell in included if cell.departs]
    return SchoolColumn(
        slug=policy.slug,
        name=policy.name,
        governance=policy.governance,
        audiences=policy.audiences,
        clauses=len(included),
        choices=sum(cell.status == "variant" for cell in included),
        departures=len(departures),
        reasons=sum(bool(cell.reason) for cell in departures),
    )


def build_matrix(project: Project, policies: list[ResolvedPolicy], baseline: Mapping[str, str] | None = None) -> Matrix:
    """The matrix of every outline clause (rows, in outline order) by school (columns, in ``policies`` order).

    ``baseline`` (clause id to variant id): an organisation's choices, against which its schools' departures
    are counted; a clause it does not choose for is compared with the recommended variant.
    """
    baseline = baseline or {}
    assert project.outline is not None
    documents: dict[str, list[ResolvedPolicy]] = {}  # a column per school, whatever documents it publishes
    for policy in policies:
        documents.setdefault(policy.slug, []).append(policy)
    policies = [docs[0] for docs in documents.values()]  # each school's main document names it
    by_school = [
        {clause.id: (clause, doc.document) for doc in docs for section in doc.sections for clause in section.clauses}
        for docs in documents.values()
    ]
    sections = []
    made: dict[tuple[Any, ...], Cell] = {}
    for section in project.outline.sections:
        rows = []
        for cid in section.clauses:
            if cid not in project.clauses:
                continue
            meta = project.clauses[cid].meta
            variants = tuple(Variant(vid, v.label, v.summary, vid == meta.default) for vid, v in meta.variants.items())
            rows.append(
                ClauseRow(
                    id=cid,
                    title=meta.title,
                    section=section.id,
                    audiences=tuple(a for a in meta.audiences if a in section.audiences),
                    default=meta.default,
                    variants=variants,
                    cells=tuple(_cell(clauses.get(cid), baseline.get(cid), made) for clauses in by_school),
                )
            )
        sections.append(Section(section.id, section.title, tuple(section.audiences), tuple(rows)))
    all_rows = [row for section in sections for row in section.clauses]
    schools = tuple(_school(policy, [row.cells[i] for row in all_rows]) for i, policy in enumerate(policies))
    used = [set().union(*(_used_paths(project, doc) for doc in docs)) for docs in documents.values()]
    values = tuple(
        ValueRow(spec.id, spec.label, tuple(_value_cell(spec, p, u) for p, u in zip(policies, used, strict=True)))
        for spec in VALUES
    )
    return Matrix(project.outline.title, schools, tuple(sections), values)
