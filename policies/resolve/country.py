"""A school's country in its policy: the references printed, and no term of another country in its text.

``avoid`` in clauses/jurisdictions.yml lists the terms of other countries' law and guidance.  A term in a
clause's text is an error at the clause (give it the country's wording, or mark where it is true); one
that came in with the school's own value, at the school's file; one in a reference the policy prints,
at that reference (map it to its counterpart, or omit it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from policies.load.clauses import Clause
from policies.load.jurisdictions import Replacements, found_terms, localise
from policies.load.problems import Problems
from policies.load.project import Project


class _Clause(Protocol):  # a ResolvedClause (resolve/policy.py imports this module, not the reverse)
    @property
    def id(self) -> str: ...
    @property
    def variant(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def references(self) -> tuple[str, ...]: ...


class _Section(Protocol):
    @property
    def clauses(self) -> Sequence[_Clause]: ...


def check_country(
    project: Project, slug: str, sections: Sequence[_Section], terms: Replacements, problems: Problems
) -> None:
    """No term of another jurisdiction reaches the school's text: an error at the clause, or at the school's
    file when the term came in with one of its own values."""
    school = project.schools[slug]
    country = project.jurisdictions.get(school.jurisdiction)
    if country is None or not country.avoid:
        return
    printed = sorted({ref for section in sections for c in section.clauses for ref in c.references})
    for ref in printed:
        entry = project.references.get(ref)
        text = f"{entry.title}\n{entry.publisher or ''}" if entry else ""
        if found := found_terms(text, country.avoid):
            problems.error(
                project.clauses_dir / "references.yml",
                project.references_lines.line_of((ref,)),
                f"'{found[0]}': {ref} is printed among the references of {slug}, a school in {country.name}: "
                "map it to its counterpart there, or omit it, in clauses/jurisdictions.yml",
            )
    for section in sections:
        for resolved in section.clauses:
            # Title and body apart: each is one string shared by many schools, so found_terms reads it once.
            in_clause = {*found_terms(resolved.title, country.avoid), *found_terms(resolved.body, country.avoid)}
            if not in_clause:
                continue
            clause = project.clauses[resolved.id]
            library = localise(f"{clause.meta.title}\n{clause.sources.get(resolved.variant, '')}", terms)
            for term in (term for term in country.avoid if term in in_clause):
                in_text = bool(found_terms(library, [term]))
                problems.error(
                    clause.path if in_text else project.school_path(slug),
                    clause.body_line if in_text else 1,
                    f"'{term}' is not a term of {country.name}, but {slug} is a school there ({resolved.id}"
                    f"{'' if in_text else ', from a value in its file'}): "
                    + (
                        "give the clause its wording there, or mark where it is true (jurisdictions)"
                        if in_text
                        else "use the term of its country"
                    ),
                )


def printed_references(project: Project, clause: Clause, governance: str, jurisdiction: str) -> tuple[str, ...]:
    """The references a clause prints for a school of this governance, in its jurisdiction's counterparts."""
    key = ("references", clause.meta.id, governance, jurisdiction)
    return project.derive(key, _printed, project, clause, governance, jurisdiction)


def _printed(project: Project, clause: Clause, governance: str, jurisdiction: str) -> tuple[str, ...]:
    country = project.jurisdictions.get(jurisdiction)
    cited, omitted = (country.references, set(country.omit)) if country else ({}, set())
    return tuple(
        cited.get(ref, ref)
        for ref in clause.meta.references
        if ref not in omitted and governance in clause.meta.governance_references.get(ref, [governance])
    )
