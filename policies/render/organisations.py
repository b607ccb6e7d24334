"""The organisations' pages: organisations/index.md, and one page per organisation.

An organisation's page lists its member schools with each policy's status, the values and variant
choices the members share, and where a member departs from those choices, with the reason it gives.
Values come from the organisation's file as written (what its members inherit unless they say
otherwise); every string is passed to the templates as plain data, which the environment escapes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from policies.load.organisations import KIND_LABELS, KINDS, departures, members_of
from policies.load.project import Project
from policies.resolve.details import DETAILS

# Labels of the values an organisation may share that DETAILS does not name.
_LABELS = {
    "front_door.name": "Children's social care front door",
    "front_door.phone": "Front door phone",
    "front_door.email": "Front door email",
    "lado.name": "Local authority designated officer (LADO)",
    "lado.phone": "LADO phone",
    "lado.email": "LADO email",
    "police.force": "Police force",
    "hr_provider.name": "HR provider",
    "eap.name": "Employee assistance programme",
    "eap.phone": "Employee assistance programme phone",
    "filtering.provider": "Filtering provider",
    "online_safety_lead.title": "Online safety lead",
    "leadership.approver": "Approves permissions",
    "leadership.head_title": "Head's title",
    "leadership.governing_body": "Governing body",
    "school.governance": "Governance",
    "school.religious_character": "Religious character",
}


def _label(path: str) -> str:
    detail = next((d for d in DETAILS if d.id == path), None)
    if detail is not None:
        return detail.label
    return _LABELS.get(path) or path.replace("_", " ").replace(".", ": ").capitalize()


def _leaves(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        text = "; ".join(
            str(item.get("title") or item.get("name") or item) if isinstance(item, Mapping) else str(item)
            for item in data
        )
        yield path, text
    elif data is not None:
        yield path, str(data)


def members(project: Project) -> dict[str, list[str]]:
    """Each organisation's member schools, by slug, in slug order."""
    return members_of(project.memberships, project.organisations)


def organisation_data(project: Project, slug: str, members: list[str], rows: Mapping[str, Any]) -> dict[str, Any]:
    organisation = project.organisations[slug]
    raw = project.organisation_lines[slug].data
    clauses = project.clauses
    departed = [
        d
        for school in members
        for d in departures(school, project.own_variants.get(school, {}), [slug], project.organisations)
    ]

    def variant_label(clause_id: str, variant: str) -> str:
        meta = clauses[clause_id].meta.variants.get(variant) if clause_id in clauses else None
        return meta.label if meta else variant

    def title(clause_id: str) -> str:
        return clauses[clause_id].meta.title if clause_id in clauses else clause_id

    return {
        "slug": slug,
        "name": organisation.name,
        "kind": KIND_LABELS[organisation.kind],
        "website": organisation.website,
        "members": [rows[school] for school in members if school in rows],
        "shared_values": [{"label": _label(path), "value": value} for path, value in _leaves(raw.get("values") or {})],
        "choices": [
            {
                "clause": clause_id,
                "title": title(clause_id),
                "variant": variant_label(clause_id, choice.variant),
                "departing": sum(1 for d in departed if d.clause == clause_id),
            }
            for clause_id, choice in organisation.variants.items()
        ],
        "departures": [
            {
                "school": d.school,
                "name": rows[d.school]["name"] if d.school in rows else d.school,
                "clause": d.clause,
                "title": title(d.clause),
                "shared": variant_label(d.clause, d.shared),
                "variant": variant_label(d.clause, d.variant),
                "reason": d.reason,
            }
            for d in departed
        ],
    }


def organisations_index(project: Project, members: Mapping[str, list[str]], rows: Mapping[str, Any]) -> Any:
    """The organisations by kind, each with its members' counts, for organisations/index.md."""
    groups = []
    for kind in KINDS:
        items = [
            {
                "slug": slug,
                "name": organisation.name,
                "schools": len(members[slug]),
                "overdue": sum(1 for s in members[slug] if s in rows and rows[s]["status"] == "overdue"),
                "awaiting": sum(1 for s in members[slug] if s in rows and rows[s]["unconfirmed"]),
            }
            for slug, organisation in sorted(project.organisations.items(), key=lambda item: item[1].name)
            if organisation.kind == kind
        ]
        if items:
            groups.append({"id": kind, "kind": KIND_LABELS[kind], "organisations": items})
    unaffiliated = [rows[s] for s in sorted(rows) if not project.memberships.get(s)]
    return {"groups": groups, "unaffiliated": unaffiliated}
