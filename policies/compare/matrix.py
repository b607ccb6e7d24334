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
from typing import Any, Literal, Protocol

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


Column = tuple[SchoolColumn, tuple[Cell, ...], tuple[ValueCell, ...]]  # a school's counts, cells, value cells


class ColumnMemo(Protocol):
    """Columns kept from an earlier build (compare/columns.py): a school's, if its inputs are the same."""

    def get(self, slug: str) -> Column | None: ...
    def put(self, slug: str, column: Column) -> None: ...


def build_matrix(
    project: Project,
    policies: list[ResolvedPolicy],
    baseline: Mapping[str, str] | None = None,
    columns: ColumnMemo | None = None,
) -> Matrix:
    """The matrix of every outline clause (rows, in outline order) by school (columns, in ``policies`` order).

    ``baseline`` (clause id to variant id): an organisation's choices, against which its schools' departures
    are counted; a clause it does not choose for is compared with the recommended variant.  ``columns``: each
    school's column as an earlier build made it, where its inputs are the same (compare/columns.py); the
    memo's keys must then cover ``baseline``.
    """
    baseline = baseline or {}
    assert project.outline is not None
    documents: dict[str, list[ResolvedPolicy]] = {}  # a column per school, whatever documents it publishes
    for policy in policies:
        documents.setdefault(policy.slug, []).append(policy)
    outline = [
        (section, [cid for cid in section.clauses if cid in project.clauses]) for section in project.outline.sections
    ]
    ids = [cid for _, cids in outline for cid in cids]
    made: dict[tuple[Any, ...], Cell] = {}
    made_columns = []
    for slug, docs in documents.items():
        column = columns.get(slug) if columns is not None else None
        if column is None:
            column = _column(project, docs, ids, baseline, made)
            if columns is not None:
                columns.put(slug, column)
        made_columns.append(column)
    sections = []
    row = 0
    for section, cids in outline:
        rows = []
        for cid in cids:
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
                    cells=tuple(column[1][row] for column in made_columns),
                )
            )
            row += 1
        sections.append(Section(section.id, section.title, tuple(section.audiences), tuple(rows)))
    values = tuple(
        ValueRow(spec.id, spec.label, tuple(column[2][i] for column in made_columns)) for i, spec in enumerate(VALUES)
    )
    return Matrix(project.outline.title, tuple(column[0] for column in made_columns), tuple(sections), values)


def _column(
    project: Project,
    docs: list[ResolvedPolicy],
    ids: list[str],
    baseline: Mapping[str, str],
    made: dict[tuple[Any, ...], Cell],
) -> Column:
    """One school's column: its counts, its cell for each clause (``ids``, in outline order) and for each value.
    ``docs``: the school's documents, its main one (which names it) first."""
    held = {clause.id: (clause, doc.document) for doc in docs for section in doc.sections for clause in section.clauses}
    cells = tuple(_cell(held.get(cid), baseline.get(cid), made) for cid in ids)
    used = set().union(*(_used_paths(project, doc) for doc in docs))
    return _school(docs[0], list(cells)), cells, tuple(_value_cell(spec, docs[0], used) for spec in VALUES)
