"""A policy's details and its "changes to confirm" text: one source for the DOCX and the PDF.

Each detail row is (label, text, link): the link, where there is one, is the
address the text stands for (a website).  The DOCX and the PDF turn the same
rows into their own markup, so the two documents can never list different
facts, in a different order, under different labels.
"""

from __future__ import annotations

from policies.load.changes import KIND_LABELS, ChangeItem
from policies.load.models import audience_label
from policies.resolve.policy import ResolvedPolicy

NOT_RECORDED = "Not recorded"
ANNEX_TITLE = "Annex: changes to confirm"

DetailRow = tuple[str, str, str | None]


def detail_rows(policy: ResolvedPolicy) -> list[DetailRow]:
    """The policy details table, in the order a reader looks for them."""
    v = policy.values
    p = v["policy"]
    rows: list[DetailRow] = [("School", v["school"]["name"], None), ("Policy", policy.title, None)]
    rows.append(("Adopted", p["adopted"] or NOT_RECORDED, None))
    rows.append(("Approved by", p["approved_by"] or NOT_RECORDED, None))
    if p["version"]:
        rows.append(("Version", p["version"], None))
    if p["updated"]:
        rows.append(("Last updated", p["updated"], None))
    rows.append(("Next review", p["review"] or NOT_RECORDED, None))
    for label, value in (
        ("Local authority", v["local_authority"]["name"]),
        ("Safeguarding partnership", v["safeguarding_partnership"]["name"]),
    ):
        if value:
            rows.append((label, value, None))
    if site := v["school"]["website"]:
        rows.append(("Website", site, site))
    covers = "; ".join(audience_label(a, policy.governance) for a in policy.audiences)
    rows.append(("This policy covers", covers, None))
    return rows


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
