"""Which clauses, in which variants, make up one school's policy.

A section is in a school's policy when it addresses one of the audiences the
school's policy covers; a clause likewise.  A school takes each clause's
recommended variant unless its file chooses another.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from policies.load.clauses import DEFAULT, Clause
from policies.load.documents import Published
from policies.load.library_models import Section
from policies.load.models import School
from policies.load.project import Project


def addresses(school: School, audiences: Iterable[str]) -> bool:
    """Whether a text for ``audiences`` reaches the school's policy: one of them is an audience it covers."""
    return not set(school.audiences).isdisjoint(audiences)


def covers(school: School, clause: Clause) -> bool:
    """The one test of "is this clause in this school's policy" (its section is then too: see check):
    it addresses one of the school's audiences and its text is true where the school is."""
    return addresses(school, clause.meta.audiences) and school.jurisdiction in clause.meta.jurisdictions


def sections_for(
    project: Project, school: School, document: Published | None = None
) -> Iterator[tuple[Section, list[Clause]]]:
    """The sections of the school's policy, each with its clauses; of one of its documents if given.

    A document holds the sections it names (all, by default) that address one of its audiences, and
    in them the clauses that do; without one, the school's whole policy: everything for its audiences.
    """
    audiences = document.audiences if document is not None else frozenset(school.audiences)
    chosen = document.sections if document is not None else None
    key = ("sections", audiences, chosen, school.jurisdiction)
    found = project.derive(key, _sections, project, audiences, chosen, school.jurisdiction)
    for section, clauses in found:
        yield section, list(clauses)


def _sections(
    project: Project, audiences: frozenset[str], chosen: frozenset[str] | None, jurisdiction: str
) -> list[tuple[Section, list[Clause]]]:
    assert project.outline is not None
    found = []
    for section in project.outline.sections:
        if chosen is not None and section.id not in chosen:
            continue
        if audiences.isdisjoint(section.audiences):
            continue
        clauses = [project.clauses[cid] for cid in section.clauses if cid in project.clauses]
        clauses = [
            clause
            for clause in clauses
            if not audiences.isdisjoint(clause.meta.audiences) and jurisdiction in clause.meta.jurisdictions
        ]
        if clauses:
            found.append((section, clauses))
    return found


def numbers_for(project: Project, school: School, document: Published | None = None) -> dict[str, str]:
    """Each clause's number (1.1, 1.2, 2.1 ...) in one of the school's documents, or in its whole policy
    (``sections_for``); shared by every school of the same selection: read it, never change it."""
    audiences = document.audiences if document is not None else frozenset(school.audiences)
    chosen = document.sections if document is not None else None
    return project.derive(
        ("numbers", audiences, chosen, school.jurisdiction),
        lambda: {
            clause.meta.id: f"{s_index}.{c_index}"
            for s_index, (_, clauses) in enumerate(sections_for(project, school, document), start=1)
            for c_index, clause in enumerate(clauses, start=1)
        },
    )


def variant_for(clause: Clause, school: School) -> str:
    if not clause.meta.variants:
        return DEFAULT
    choice = school.variants.get(clause.meta.id)
    return choice.variant if choice else (clause.meta.default or DEFAULT)


def selected_clauses(project: Project, school: School) -> Iterator[tuple[Clause, str]]:
    """Every clause the school publishes, once, in outline order: those its documents hold (or, for a school
    that lists no documents, those its one policy holds), each in the variant it takes."""
    for clause in _published_clauses(project, school).values():
        yield clause, variant_for(clause, school)


def _published_clauses(project: Project, school: School) -> dict[str, Clause]:
    """The clauses of ``selected_clauses`` by id, in order; worked out once for each selection of documents."""
    documents = [d for d in project.published_for(school)] if school.documents else [None]
    whole = frozenset(school.audiences)  # what a school that lists no documents publishes
    key = ("published", school.jurisdiction, *((d.audiences, d.sections) if d else (whole, None) for d in documents))
    return project.derive(
        key,
        lambda: {
            clause.meta.id: clause
            for document in documents  # a clause keeps the place where it first comes
            for _, clauses in sections_for(project, school, document)
            for clause in clauses
        },
    )


def holds(project: Project, school: School, clause: Clause) -> bool:
    """Whether the school publishes the clause (in one of its documents)."""
    return _published_clauses(project, school).get(clause.meta.id) is clause
