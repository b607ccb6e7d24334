"""A school's details, defined once, and its "changes to confirm" text.

``DETAILS`` is the one list of the facts shown about a school's policy: each
with its label, how to read it, whether it is a web address, and where it
appears (the school's page, the DOCX and PDF cover, the dashboard's columns,
the comparison's value rows).  The outputs turn the same rows into their own
markup, so they can never list a fact under different labels, and adding a
school field is one entry here.  In a list (page, documents) an optional detail
the school left empty is left out; in a table (dashboard, comparison) its cell
says it is not recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from policies.load.changes import KIND_LABELS, ChangeItem
from policies.load.jurisdictions import localise_label
from policies.load.models import audience_label
from policies.load.values import lookup
from policies.resolve.policy import ResolvedPolicy

NOT_RECORDED = "not recorded"
ANNEX_TITLE = "Annex: changes to confirm"
REVIEW_LABEL = "Next review"  # also the documents' footers
STATUS_LABEL = "Status"
IDENTIFIER_LABEL = "Version identifier"  # also the documents' footers

# Where a detail appears.
PAGE, DOCUMENTS, DASHBOARD, COMPARISON = "page", "documents", "dashboard", "comparison"
EVERYWHERE = frozenset({PAGE, DOCUMENTS, DASHBOARD, COMPARISON})

DetailRow = tuple[str, str, str | None]  # (label, text, link): the link, where there is one, is the address


@dataclass(frozen=True)
class Detail:
    id: str  # the value's path in the school file: the comparison's value id
    label: str
    read: Callable[[ResolvedPolicy], Any]
    where: frozenset[str]
    required: bool = False  # listed as "not recorded" when empty (else left out of the page and documents)
    link: bool = False  # the value is a web address, linked where it is shown
    in_text: tuple[str, ...] = ()  # comparison: a value only where the policy's text uses one of these paths
    capital: bool = False  # dashboard: capitalised, as it starts a table cell


def _path(path: str) -> Callable[[ResolvedPolicy], Any]:
    return lambda policy: lookup(policy.values, path)


def _status(policy: ResolvedPolicy) -> str | None:
    return policy.version.status_text if policy.version else None


def _identifier(policy: ResolvedPolicy) -> str | None:
    return policy.version.identifier if policy.version else None


def _covers(policy: ResolvedPolicy) -> str:
    return "; ".join(audience_label(a, policy.governance) for a in policy.audiences)


def _staff_phones(policy: ResolvedPolicy) -> str | None:
    phones = policy.values.get("staff_phones")
    return f"{phones['start']} to {phones['end']}; {phones['places']}" if phones else None


_LISTS = frozenset({PAGE, DOCUMENTS})
_COMPARED = frozenset({COMPARISON})

# In the order a reader looks for them (who, for whom, then the dates ending with the next review, which the
# dashboard's status column follows); each output shows those marked for it, in this order.
DETAILS: tuple[Detail, ...] = (
    Detail("school.name", "School", _path("school.name"), _LISTS, required=True),
    Detail("policy.title", "Policy", lambda policy: policy.title, frozenset({DOCUMENTS}), required=True),
    Detail("school.motto", "Motto", _path("school.motto"), frozenset({PAGE})),
    Detail("school.governance", "Governance", _path("school.governance"), frozenset({DASHBOARD, COMPARISON}),
           capital=True),
    Detail("local_authority.name", "Local authority", _path("local_authority.name"), EVERYWHERE),
    Detail("safeguarding_partnership.name", "Safeguarding partnership", _path("safeguarding_partnership.name"),
           _LISTS | _COMPARED),
    Detail("police.child_protection_team", "Police child protection team", _path("police.child_protection_team"),
           _COMPARED),
    Detail("dsl.name", "Designated safeguarding lead", _path("dsl.name"), _COMPARED),
    Detail("dsl.role", "Safeguarding lead's title", _path("dsl.role"), _COMPARED, in_text=("dsl.role",)),
    Detail("ages.pupil_minimum", "Minimum age for pupils' social media", _path("ages.pupil_minimum"), _COMPARED,
           in_text=("ages.pupil_minimum",)),
    Detail("ages.former_pupil_contact", "Former pupils: no contact under", _path("ages.former_pupil_contact"),
           _COMPARED, in_text=("ages.former_pupil_contact",)),
    Detail("staff_phones", "Staff phones: children's hours; places", _staff_phones, _COMPARED,
           in_text=("staff_phones.start", "staff_phones.end", "staff_phones.places")),
    Detail("school.website", "Website", _path("school.website"), _LISTS, link=True),
    Detail("audiences", "Policy covers", _covers, EVERYWHERE, required=True, capital=True),
    Detail("policy.adopted", "Adopted", _path("policy.adopted"), EVERYWHERE, required=True),
    Detail("policy.approved_by", "Approving body", _path("policy.approved_by"), EVERYWHERE, required=True),
    Detail("policy.version", "Version", _path("policy.version"), _LISTS),
    Detail("policy.updated", "Last updated", _path("policy.updated"), _LISTS),
    Detail("policy.review", REVIEW_LABEL, _path("policy.review"), EVERYWHERE, required=True),
    Detail("version.status", STATUS_LABEL, _status, _LISTS),
    Detail("version.identifier", IDENTIFIER_LABEL, _identifier, _LISTS),
)  # fmt: skip


def details_in(where: str) -> tuple[Detail, ...]:
    return tuple(detail for detail in DETAILS if where in detail.where)


def detail_value(detail: Detail, policy: ResolvedPolicy) -> str | None:
    """The detail as text, or None when the school left it empty."""
    value = detail.read(policy)
    return None if value in (None, "") else str(value)


def detail_rows(policy: ResolvedPolicy, where: str = DOCUMENTS) -> list[DetailRow]:
    """The details a list shows (the page, or the DOCX and PDF cover): (label, text, link)."""
    rows: list[DetailRow] = []
    for detail in details_in(where):
        value = detail_value(detail, policy)
        if value is not None or detail.required:
            label = localise_label(detail.label, policy.terms)  # in the terms of the school's country
            rows.append((label, value or NOT_RECORDED, value if detail.link else None))
    return rows


def detail_cells(policy: ResolvedPolicy, where: str = DASHBOARD) -> list[str]:
    """One cell per detail a table shows (the dashboard), "not recorded" where empty."""
    cells = []
    for detail in details_in(where):
        value = detail_value(detail, policy) or NOT_RECORDED
        cells.append(value[:1].upper() + value[1:] if detail.capital else value)
    return cells


def annex_introduction(policy: ResolvedPolicy) -> str:
    return f"This policy was harmonised from the school's own {policy.source_title}. " + (
        "Below is every place where it says something the school's policy did not say (new), says "
        "something different (changed) or leaves something out. The governing body should confirm "
        "each one; a confirmation is recorded in the school's file."
        if policy.changes
        else "It says nothing new, nothing different and leaves nothing out."
    )


def change_heading(item: ChangeItem) -> tuple[str, str]:
    """(where and what kind, confirmation status) of one change, as the annex prints them."""
    where = f"{item.number} {item.title}" if item.number else item.title
    if item.clause and not item.number:
        where += " (not in this policy)"
    status = "Awaiting confirmation."
    if item.confirmed_by:
        status = f"Confirmed by {item.confirmed_by}, {item.confirmed_on}."
    return f"{where}: {KIND_LABELS[item.kind].lower()}.", status
