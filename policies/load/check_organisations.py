"""Cross-file checks of variant choices (a school's or an organisation's), and of members departing from their
organisations' choices without a reason."""

from __future__ import annotations

from pathlib import Path

from policies.load.clauses import Clause
from policies.load.organisations import departures
from policies.load.problems import Problems
from policies.load.project import Project


def check_choice(
    project: Project, path: Path, line: int, clause_id: str, variant: str, problems: Problems
) -> Clause | None:
    """A variant choice (a school's or an organisation's) names a clause with that variant: the clause, or None."""
    clause = project.clauses.get(clause_id)
    if clause is None:
        if clause_id not in project.unreadable_clauses:
            problems.error(path, line, f"variants: unknown clause '{clause_id}'")
    elif not clause.meta.variants:
        problems.error(path, line, f"variants: clause '{clause_id}' has no variants to choose from")
    elif variant not in clause.meta.variants:
        problems.error(
            path,
            line,
            f"variants: clause '{clause_id}' has no variant '{variant}' "
            f"(choose from: {', '.join(clause.meta.variants)})",
        )
    else:
        return clause
    return None


def check_organisations(project: Project, problems: Problems) -> None:
    for slug, organisation in sorted(project.organisations.items()):
        path, lines = project.organisation_path(slug), project.organisation_lines[slug]
        for clause_id, choice in organisation.variants.items():
            check_choice(project, path, lines.line_of(("variants", clause_id)), clause_id, choice.variant, problems)
    for slug, order in sorted(project.memberships.items()):
        own = project.own_variants.get(slug, {})
        for departure in departures(slug, own, order, project.organisations):
            if departure.reason:
                continue
            organisation = project.organisations[departure.organisation]
            problems.error(
                project.school_path(slug),
                project.school_lines[slug].line_of(("variants", departure.clause)),
                f"variants: '{departure.clause}' departs from the choice of {organisation.name} "
                f"('{departure.shared}', organisations/{departure.organisation}.yml): say why, as "
                f"{departure.clause}: {{variant: {departure.variant}, reason: ...}}",
            )
