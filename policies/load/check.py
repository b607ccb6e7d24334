"""Cross-file checks: everything that is valid alone but wrong together.

Each file was validated against its own model while loading; here the ids that
connect them are followed: outline -> clauses, clauses -> references and seed
sources, schools -> variants and the variables their selected clauses read.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter

from policies.load.approvals import check_approvals
from policies.load.check_changes import check_changes
from policies.load.check_documents import check_documents
from policies.load.check_organisations import check_choice, check_organisations
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.readability import check_readability
from policies.load.releases import FILE as RELEASES
from policies.load.releases import check_releases
from policies.load.repetition import check_repetition
from policies.load.selection import holds, selected_clauses
from policies.load.status import review_status
from policies.load.terms import check_terms
from policies.load.translations import check_translations
from policies.load.values import context_of, lookup, variable_paths
from policies.load.xrefs import check_cross_references

VARIABLES = variable_paths()


def check_project(project: Project, problems: Problems, today: dt.date | None = None) -> None:
    """Every cross-file check; ``today`` (the build date) is needed only to check dates against it (confirmations,
    approvals, releases)."""
    _check_outline(project, problems)
    _check_clauses(project, problems)
    check_cross_references(project, problems)
    _check_registries(project, problems)
    _check_schools(project, problems)
    check_organisations(project, problems)
    check_documents(project, problems)
    check_translations(project.clauses, project.translations, problems)
    check_changes(project, problems, today)
    check_approvals(project, problems, today)
    if today is not None:
        path = project.clauses_dir / RELEASES
        check_releases(project.releases, project.releases_lines, path, set(project.clauses), today, problems)


def _check_outline(project: Project, problems: Problems) -> None:
    outline = project.outline
    if outline is None:
        return
    path = project.clauses_dir / "outline.yml"
    lines = project.outline_lines
    listed: dict[str, str] = {}
    for s_index, section in enumerate(outline.sections):
        if section.id in [s.id for s in outline.sections[:s_index]]:
            problems.error(path, lines.line_of(("sections", s_index, "id")), f"section '{section.id}' appears twice")
        for c_index, clause_id in enumerate(section.clauses):
            line = lines.line_of(("sections", s_index, "clauses", c_index))
            clause = project.clauses.get(clause_id)
            if clause_id in listed:
                problems.error(path, line, f"clause '{clause_id}' is already listed in section '{listed[clause_id]}'")
                continue
            listed[clause_id] = section.id
            if clause is None:
                if clause_id not in project.unreadable_clauses:
                    problems.error(path, line, f"unknown clause '{clause_id}'")
                continue
            if clause.meta.section != section.id:
                problems.error(path, line, f"clause '{clause_id}' says its section is '{clause.meta.section}'")
            extra = sorted(set(clause.meta.audiences) - set(section.audiences))
            if extra:
                problems.error(
                    clause.path,
                    clause.meta_lines.line_of(("audiences",)),
                    f"audience {', '.join(extra)} is not an audience of section '{section.id}'",
                )
    for clause_id, clause in sorted(project.clauses.items()):
        if clause_id not in listed:
            problems.error(
                clause.path,
                clause.meta_lines.line_of(("id",)),
                f"clause '{clause_id}' is not listed in clauses/outline.yml, so no policy includes it",
            )


def _check_clauses(project: Project, problems: Problems) -> None:
    for clause in project.clauses.values():
        lines = clause.meta_lines
        for index, ref in enumerate(clause.meta.references):
            line = lines.line_of(("references", index))
            entry = project.references.get(ref)
            if entry is None:
                problems.error(clause.path, line, f"unknown reference '{ref}' (not in clauses/references.yml)")
            elif entry.status != "current":
                better = f"; cite '{entry.superseded_by}' instead" if entry.superseded_by else ""
                affected = _schools_with(project, clause.meta.id)
                who = f" (in the policy of {', '.join(affected)})" if affected else " (in no school's policy)"
                problems.warning(clause.path, line, f"cites '{ref}', which is {entry.status}{better}{who}")
        for index, seed in enumerate(clause.meta.provenance):
            if seed not in project.sources:
                problems.error(
                    clause.path,
                    lines.line_of(("provenance", index)),
                    f"unknown source '{seed}' (not in clauses/sources.yml)",
                )
        for variant, meta in clause.meta.variants.items():
            for index, seed in enumerate(meta.provenance or []):
                line = lines.line_of(("variants", variant, "provenance", index))
                if seed not in project.sources:
                    problems.error(clause.path, line, f"unknown source '{seed}' (not in clauses/sources.yml)")
                elif seed not in clause.meta.provenance:
                    problems.error(
                        clause.path, line, f"variant '{variant}': source '{seed}' is not in the clause's provenance"
                    )
        for variant, used in clause.used.items():
            for name, (line, _) in used.items():
                if name not in VARIABLES:
                    where = f" in variant '{variant}'" if variant else ""
                    family = sorted(v for v in VARIABLES if v.split(".")[0] == name.split(".")[0])
                    close = difflib.get_close_matches(name, family or sorted(VARIABLES), n=1, cutoff=0.5)
                    hint = f" (did you mean '{close[0]}'?)" if close else ""
                    problems.error(clause.path, line, f"unknown variable '{name}'{where}{hint}")


def _schools_with(project: Project, clause_id: str) -> list[str]:
    """Slugs of the schools whose policy includes the clause."""
    clause = project.clauses[clause_id]
    return [slug for slug, school in sorted(project.schools.items()) if holds(project, school, clause)]


def check_plain_text(project: Project, problems: Problems) -> None:
    """Warnings that keep the text plain (``policies check`` only): reading level, terminology, repetition."""
    check_readability(project, problems)
    check_terms(project, problems)
    check_repetition(project, problems)


def check_reviews(project: Project, problems: Problems, today: dt.date) -> None:
    """A warning for each school whose policy review is overdue or due within three months."""
    for slug, school in sorted(project.schools.items()):
        status = review_status(school.policy.review, today)
        if status in ("overdue", "due-soon"):
            lines = project.school_lines[slug]
            what = "overdue" if status == "overdue" else "due within three months"
            problems.notice(
                project.school_path(slug),
                lines.line_of(("policy", "review")),
                f"policy review {what}: {school.policy.review} (build date {today.isoformat()})",
            )


def check_reference_currency(project: Project, problems: Problems, today: dt.date) -> None:
    """A warning for each current reference not verified in the year before the build date.

    Guidance such as Keeping children safe in education is reissued every year, so an entry
    nobody has checked for a year may name an edition that is no longer in force.
    """
    path = project.clauses_dir / "references.yml"
    lines = project.references_lines
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    for ref_id, ref in project.references.items():
        if ref.status != "current":
            continue
        if ref.checked is None:
            problems.warning(
                path,
                lines.line_of((ref_id,)),
                f"current reference '{ref_id}' has no 'checked' date: verify it and record when",
            )
        elif ref.checked.end < year_ago:
            problems.warning(
                path,
                lines.line_of((ref_id, "checked")),
                f"current reference '{ref_id}' was last checked {ref.checked}, more than a year before "
                f"the build date {today.isoformat()}: verify the edition in force and update 'checked'",
            )


def _check_registries(project: Project, problems: Problems) -> None:
    path = project.clauses_dir / "references.yml"
    for ref_id, ref in project.references.items():
        if ref.superseded_by and ref.superseded_by not in project.references:
            problems.error(path, 0, f"reference '{ref_id}' is superseded by unknown reference '{ref.superseded_by}'")
    for exclusion in project.exclusions:
        for seed in exclusion.seeds:
            if seed not in project.sources:
                problems.error(
                    project.clauses_dir / "excluded.yml",
                    0,
                    f"excluded topic '{exclusion.topic}' names unknown source '{seed}'",
                )


def _check_schools(project: Project, problems: Problems) -> None:
    names = Counter(school.school.name.casefold() for school in project.schools.values())
    for slug, school in sorted(project.schools.items()):
        path = project.school_path(slug)
        lines = project.school_lines[slug]
        if names[school.school.name.casefold()] > 1:
            others = [
                s
                for s, o in project.schools.items()
                if o.school.name.casefold() == school.school.name.casefold() and s != slug
            ]
            problems.error(
                path,
                lines.line_of(("school", "name")),
                f"school name '{school.school.name}' is also used by schools/{others[0]}.yml",
            )
        for clause_id, choice in project.own_variants.get(slug, school.variants).items():  # inherited: at its source
            line = lines.line_of(("variants", clause_id))
            clause = check_choice(project, path, line, clause_id, choice.variant, problems)
            if clause is not None and not holds(project, school, clause):
                problems.warning(
                    path,
                    line,
                    f"variants: clause '{clause_id}' is not in this school's policy "
                    "(no document it publishes holds it), so the choice has no effect",
                )
        for key, what in (
            ("adopted", "the date the policy was adopted"),
            ("approved_by", "who approved it"),
            ("review", "when it is due for review"),
        ):
            if getattr(school.policy, key) is None:
                problems.warning(path, lines.line_of(("policy",)), f"policy.{key} is not set: add {what}")
        if project.outline is None:
            continue
        context = context_of(project, slug)
        missing: dict[str, list[str]] = {}
        for clause, variant in selected_clauses(project, school):
            if clause.meta.variants and variant not in clause.meta.variants:
                continue
            for name, (_, required) in clause.used.get(variant, {}).items():
                if required and name in VARIABLES and lookup(context, name) is None:
                    missing.setdefault(name, []).append(clause.meta.id)
        for name, users in sorted(missing.items()):
            parent = tuple(name.split("."))
            problems.error(path, lines.line_of(parent), f"'{name}' is not set, but clause {', '.join(users)} uses it")
