"""Cross-file checks of the changes register, the exclusions and each school's confirmations.

Part of ``check``: a school's harmonised policy against its own source policy (``changes.py``).
"""

from __future__ import annotations

import datetime as dt

from policies.load.changes import new_clauses, school_changes, unconfirmed
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.selection import selected_clauses


def check_changes_notices(project: Project, problems: Problems) -> None:
    """A notice for each school with changes from its source policy still to confirm."""
    for slug in sorted(project.schools):
        waiting = unconfirmed(school_changes(project, slug))
        if waiting:
            lines = project.school_lines[slug]
            problems.notice(
                project.school_path(slug),
                lines.line_of(("source",)),
                f"{len(waiting)} change(s) from its source policy await confirmation (policies changes {slug})",
            )


def check_changes(project: Project, problems: Problems, today: dt.date | None) -> None:
    excluded = project.clauses_dir / "excluded.yml"
    for exclusion, line in zip(project.exclusions, project.exclusion_lines, strict=True):
        if exclusion.clause is None:  # a warning, not an error: older revisions (policies diff) lack it
            problems.warning(
                excluded,
                line,
                f"excluded topic '{exclusion.topic}' names no clause: add 'clause:' so that schools can confirm it",
            )
        elif exclusion.clause not in project.clauses and exclusion.clause not in project.unreadable_clauses:
            problems.error(excluded, line, f"unknown clause '{exclusion.clause}'")
    first: dict[tuple[str, str, str], str] = {}  # (school, clause, kind) -> where its first entry is
    for registered in project.changes:
        change = registered.change
        key = (change.school, change.clause, change.kind)
        if key in first:
            problems.error(
                registered.path,
                registered.line("kind"),
                f"'{change.school}' already has a {change.kind} entry for clause '{change.clause}' ({first[key]}): "
                "merge them into one, so that governors read one account of each change",
            )
            continue
        first[key] = f"{problems.rel(registered.path)}:{registered.line('school')}"
        school = project.schools.get(change.school)
        if change.clause not in project.clauses:
            if change.clause not in project.unreadable_clauses:
                problems.error(registered.path, registered.line("clause"), f"unknown clause '{change.clause}'")
            continue
        if school is None:
            if not project.school_path(change.school).exists():
                problems.error(registered.path, registered.line("school"), f"unknown school '{change.school}'")
            continue
        if school.source is None:
            problems.error(
                registered.path,
                registered.line("school"),
                f"school '{change.school}' records no source policy (source: in its file), so nothing changed from it",
            )
            continue
        in_policy = {clause.meta.id for clause, _ in selected_clauses(project, school)} if project.outline else set()
        if change.kind != "dropped" and change.clause not in in_policy:
            problems.error(
                registered.path,
                registered.line("clause"),
                f"clause '{change.clause}' is not in the policy of '{change.school}', so it cannot be {change.kind}",
            )
        elif change.kind == "new" and change.clause not in {c.meta.id for c, _ in new_clauses(project, school)}:
            problems.error(
                registered.path,
                registered.line("kind"),
                f"clause '{change.clause}' is not new to '{change.school}': its provenance includes source "
                f"'{school.source}' (record a 'changed' entry instead)",
            )
    for slug, school in sorted(project.schools.items()):
        path = project.school_path(slug)
        lines = project.school_lines[slug]
        if school.source is not None and school.source not in project.sources:
            problems.error(
                path, lines.line_of(("source",)), f"unknown source '{school.source}' (not in clauses/sources.yml)"
            )
            continue
        if not school.confirmations:
            continue
        if school.source is None:
            problems.error(
                path,
                lines.line_of(("confirmations",)),
                "confirmations: the school records no source policy (source:), so it has no changes to confirm",
            )
            continue
        listed = {(item.clause, item.kind) for item in school_changes(project, slug)}
        seen: set[tuple[str, str]] = set()
        for index, confirmation in enumerate(school.confirmations):
            confirmed = (confirmation.clause, confirmation.kind)
            line = lines.line_of(("confirmations", index, "clause"))
            if confirmation.clause not in project.clauses:
                if confirmation.clause not in project.unreadable_clauses:
                    problems.error(path, line, f"confirmations: unknown clause '{confirmation.clause}'")
            elif confirmed in seen:
                problems.error(
                    path, line, f"confirmations: '{confirmation.clause}' ({confirmation.kind}) is confirmed twice"
                )
            elif confirmed not in listed:
                problems.error(
                    path,
                    line,
                    f"confirmations: no {confirmation.kind} change of clause '{confirmation.clause}' to confirm "
                    f"(see policies changes {slug})",
                )
            seen.add(confirmed)
            if today is not None and confirmation.date.start > today:
                problems.error(
                    path,
                    lines.line_of(("confirmations", index, "date")),
                    f"confirmations: date {confirmation.date} is after the build date {today.isoformat()}",
                )
