"""The contacts box: who to contact, from the school's file, one list for the page and the DOCX.

Rows appear only for the contacts a school records: the designated safeguarding lead (by name, or the
head where the head holds the role, ``dsl.is_head``) and deputies, the LADO, the children's services
front door, the police, the online safety lead, the employee assistance programme and the HR provider.
The DSL row is always there ("not recorded" until the school names one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from policies.load.jurisdictions import Replacements, localise_label

POLICE_NUMBERS = "999 in an emergency, 101 otherwise"
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class ContactRow:
    role: str
    name: str
    phone: str | None = None
    email: str | None = None
    note: str | None = None


def _person(role: str, entry: dict[str, Any] | None) -> ContactRow | None:
    if not entry or not entry.get("name"):
        return None
    return ContactRow(role, entry["name"], entry.get("phone"), entry.get("email"))


def contact_rows(values: dict[str, Any], terms: Replacements = ()) -> list[ContactRow]:
    """The school's contacts, in the order someone with a concern needs them; the roles the library names
    in the terms of the school's country (``terms``)."""
    rows = _rows(values)
    return [replace(row, role=localise_label(row.role, terms)) if terms else row for row in rows]


def _rows(values: dict[str, Any]) -> list[ContactRow]:
    rows: list[ContactRow | None] = []
    dsl = values["dsl"]
    head = values["leadership"]["head_title"]
    if dsl["is_head"]:
        rows.append(ContactRow(dsl["role"], f"the {head}", dsl["phone"], dsl["email"]))
    else:  # every policy names its DSL; one that does not yet says so
        rows.append(_person(dsl["role"], dsl) or ContactRow(dsl["role"], NOT_RECORDED))
    rows += [_person(f"Deputy {dsl['role']}", deputy) for deputy in dsl["deputies"] or []]
    rows.append(_person("Local authority designated officer (LADO)", values["lado"]))
    rows.append(_person("Children's social care referrals", values["front_door"]))
    police = values["police"]
    if police["child_protection_team"] or police["force"]:
        name = police["child_protection_team"] or police["force"]
        if police["child_protection_team"] and police["force"]:
            name = f"{police['child_protection_team']} ({police['force']})"
        rows.append(ContactRow("Police", name, note=POLICE_NUMBERS))
    if values["online_safety_lead"]["title"]:
        rows.append(ContactRow("Online safety lead", f"the {values['online_safety_lead']['title']}"))
    rows.append(_person("Employee assistance", values["eap"]))
    if values["hr_provider"]["name"]:
        rows.append(ContactRow("HR provider", values["hr_provider"]["name"]))
    return [row for row in rows if row is not None]


def row_data(row: ContactRow) -> dict[str, str | None]:
    """Plain data for templates."""
    return {"role": row.role, "name": row.name, "phone": row.phone, "email": row.email, "note": row.note}
