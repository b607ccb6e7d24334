"""Changes to confirm: where a school's harmonised policy departs from its own source policy.

A shipped school records the source policy it was harmonised from (``source:`` in its file, an id of
``clauses/sources.yml``).  Its changes are of three kinds:

- ``new``: a clause of its policy whose text, in the variant it takes, derives from other sources only
  (the variant's ``provenance``, else the clause's, does not include the school's source).  Computed, so
  a default can never speak for a school silently; the register may word the explanation for a school.
- ``changed``: the school's source took a position on the clause and the harmonised text says something
  different in substance.  Recorded in the register (``clauses/changes.yml``, ``clauses/changes-*.yml``).
- ``dropped``: source text left out: each ``clauses/excluded.yml`` topic naming the school's source, and
  any ``dropped`` entry of the register.

A school confirms a change in its file (``confirmations:``: clause, kind, who, when); one confirmation
covers every item of that clause and kind.  A school without a source (one made with ``new-school``) has
no changes: nothing is new to a policy that never had an earlier version.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from policies.load.clauses import Clause
from policies.load.library_models import Change
from policies.load.models import Confirmation, School
from policies.load.project import Project
from policies.load.selection import numbers_for, selected_clauses

KINDS = ("new", "changed", "dropped")
WHOLE_POLICY = "Whole policy"  # the title of a dropped topic that excluded.yml does not tie to a clause
KIND_LABELS = {
    "new": "New for this school",
    "changed": "Changed from the school's policy",
    "dropped": "Left out of the school's policy",
}


@dataclass(frozen=True)
class ChangeItem:
    """One change, ready to show: the clause, its number in this school's policy (or None), the words."""

    clause: str
    title: str
    number: str | None
    kind: str
    what: str
    why: str
    confirmed_by: str | None = None
    confirmed_on: str | None = None  # the date as the school wrote it

    @property
    def confirmed(self) -> bool:
        return self.confirmed_by is not None


def variant_provenance(clause: Clause, variant: str) -> list[str]:
    """The sources the clause's text in this variant derives from: the variant's own list, else the clause's."""
    meta = clause.meta.variants.get(variant)
    if meta is not None and meta.provenance is not None:
        return meta.provenance
    return clause.meta.provenance


def new_clauses(project: Project, school: School) -> Iterator[tuple[Clause, str]]:
    """The clauses (and variants) of the school's policy that its source policy never had."""
    if school.source is None or project.outline is None:
        return
    for clause, variant in selected_clauses(project, school):
        if school.source not in variant_provenance(clause, variant):
            yield clause, variant


def _schools(names: list[str], project: Project) -> str:
    """ "the policy of A" or "the policies of A and B"; empty when no source is known."""
    found = [project.sources[s].school for s in names if s in project.sources]
    if not found:
        return ""
    if len(found) == 1:
        return f"the policy of {found[0]}"
    return "the policies of " + ", ".join(found[:-1]) + " and " + found[-1]


def _default_new(project: Project, clause: Clause, variant: str) -> tuple[str, str]:
    meta = clause.meta
    if variant and variant in meta.variants:
        what = (
            f"Your policy did not take this position. The harmonised policy uses the "
            f"'{meta.variants[variant].label}' text: {meta.variants[variant].summary}"
        )
    else:
        what = f"Your policy had no text on this. The harmonised policy adds the clause '{meta.title}'."
    origin = _schools(variant_provenance(clause, variant), project)
    if meta.note and not variant_provenance(clause, variant):
        why = meta.note
    elif clause.meta.variants and variant == meta.default:
        why = f"The library's recommended text, from {origin}." if origin else "The library's text."
    else:
        why = f"Text of the library, from {origin}." if origin else "Text of the library."
    return what, why


def school_changes(project: Project, slug: str) -> list[ChangeItem]:
    """Every change for the school, in the order of its policy (clauses it does not include last)."""
    school = project.schools[slug]
    if school.source is None:
        return []
    numbers = numbers_for(project, school) if project.outline is not None else {}
    register = project.derive(("register",), _register, project).get(slug, [])
    worded = {(c.clause, c.kind): c for c in register if c.kind == "new"}
    raw: list[tuple[str, str, str, str]] = []  # clause, kind, what, why
    for clause, variant in new_clauses(project, school):
        if (entry := worded.get((clause.meta.id, "new"))) is not None:
            raw.append((clause.meta.id, "new", entry.what, entry.why))
        else:
            raw.append(
                (
                    clause.meta.id,
                    "new",
                    *project.derive(("new", clause.meta.id, variant), _default_new, project, clause, variant),
                )
            )
    raw += [(c.clause, c.kind, c.what, c.why) for c in register if c.kind != "new"]
    for exclusion in project.exclusions:
        if school.source in exclusion.seeds:
            quoted = f' Your policy said: "{exclusion.seed_text}"' if exclusion.seed_text else ""
            clause_id = exclusion.clause or ""  # "" until excluded.yml names the clause (check warns)
            raw.append((clause_id, "dropped", f"Left out: {exclusion.topic}.{quoted}", exclusion.reason))
    confirmations: dict[tuple[str, str], Confirmation] = {(c.clause, c.kind): c for c in school.confirmations}
    order = project.derive(("outline-order",), _order, project)
    items = []
    for clause_id, kind, what, why in raw:
        found = project.clauses.get(clause_id)
        confirmation = confirmations.get((clause_id, kind))
        items.append(
            ChangeItem(
                clause=clause_id,
                title=found.meta.title if found else (clause_id or WHOLE_POLICY),
                number=numbers.get(clause_id),
                kind=kind,
                what=what,
                why=why,
                confirmed_by=confirmation.by if confirmation else None,
                confirmed_on=confirmation.date.text if confirmation else None,
            )
        )
    return sorted(
        items, key=lambda i: (numbers.get(i.clause) is None, order.get(i.clause, len(order)), KINDS.index(i.kind))
    )


def _register(project: Project) -> dict[str, list[Change]]:
    """The register's entries by school, in the register's order."""
    by_school: dict[str, list[Change]] = {}
    for registered in project.changes:
        by_school.setdefault(registered.change.school, []).append(registered.change)
    return by_school


def _order(project: Project) -> dict[str, int]:
    if project.outline is None:
        return {}
    ids = [cid for section in project.outline.sections for cid in section.clauses]
    return {cid: index for index, cid in enumerate(ids)}


def unconfirmed(items: list[ChangeItem]) -> list[ChangeItem]:
    return [item for item in items if not item.confirmed]
