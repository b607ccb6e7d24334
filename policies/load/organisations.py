"""Organisations: local authorities, dioceses, trusts and federations whose schools share values and choices.

``organisations/<slug>.yml`` names the organisation and holds what its member schools share::

    name: Cheshire West and Chester Council
    kind: local-authority            # local-authority, diocese, trust or federation
    website: https://www.cheshirewestandchester.gov.uk/
    values:                          # any school value the members share, with a school file's keys
      local_authority: {name: Cheshire West and Chester Council}
      front_door: {name: Integrated Access and Referral Team (i-ART), phone: 0300 123 7047}
    variants:                        # variant choices the members share
      procedures-allegations: lado-referral

A school lists its organisations (``organisations: [cheshire-west-and-chester]``, at most one of each
kind) and inherits from them in the order of ``KINDS``: the local authority, then the diocese, then the
trust, then the federation, and last its own file.  A later file replaces an earlier one's values key by key:
mappings merge, and a list or a single value is replaced whole.  So a trust's approver overrides nothing a
school says, and a school's own ``lado`` phone keeps the authority's ``lado`` name.

A school that chooses another variant of a clause than one of its organisations chose *departs* from it
and must say why (``variants: {clause: {variant: ..., reason: ...}}``); the organisation's page and its
comparison show each departure with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator

from policies.load.models import (
    Ages,
    Contact,
    Dsl,
    Filtering,
    Id,
    Leadership,
    Model,
    Named,
    Platforms,
    Police,
    RelatedPolicy,
    RoleTitle,
    StaffPhones,
    Text,
    Url,
    VariantChoice,
    _choice,
)

# Inheritance order, widest first: a later kind's values replace an earlier one's, and the school's own last.
KINDS = ("local-authority", "diocese", "trust", "federation")
KIND_LABELS = {
    "local-authority": "Local authority",
    "diocese": "Diocese",
    "trust": "Trust",
    "federation": "Federation",
}
Kind = Literal["local-authority", "diocese", "trust", "federation"]


class SharedSchoolInfo(Model):
    """The parts of ``school:`` an organisation may set for its members (a trust's academies, say)."""

    governance: Literal["maintained", "academy", "independent"] | None = None
    religious_character: Text | None = None


class SharedValues(Model):
    """What an organisation's members may inherit: a school file's values, without its identity or dates."""

    jurisdiction: Literal["england", "wales"] | None = None
    school: SharedSchoolInfo | None = None
    leadership: Leadership | None = None
    dsl: Dsl | None = None
    police: Police | None = None
    local_authority: Named | None = None
    safeguarding_partnership: Named | None = None
    front_door: Contact | None = None
    lado: Contact | None = None
    hr_provider: Named | None = None
    eap: Contact | None = None
    filtering: Filtering | None = None
    online_safety_lead: RoleTitle | None = None
    platforms: Platforms | None = None
    ages: Ages | None = None
    staff_phones: StaffPhones | None = None
    related_policies: list[RelatedPolicy] | None = None


class Organisation(Model):
    name: Text
    kind: Kind
    website: Url | None = None
    values: SharedValues = SharedValues()
    variants: dict[Id, Annotated[VariantChoice, BeforeValidator(_choice)]] = {}


@dataclass(frozen=True)
class Departure:
    """A member school's variant of a clause that differs from its organisation's choice."""

    school: str
    clause: str
    organisation: str
    shared: str  # the organisation's variant
    variant: str  # the school's own
    reason: str | None


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` laid on ``base``: mappings merge key by key; anything else in ``over`` replaces."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def in_order(slugs: list[str], organisations: Mapping[str, Organisation]) -> list[str]:
    """A school's organisations in inheritance order (known ones only), widest first."""
    known = [slug for slug in slugs if slug in organisations]
    return sorted(known, key=lambda slug: KINDS.index(organisations[slug].kind))


def inherited_data(school_data: Mapping[str, Any], order: list[str], raw: Mapping[str, Mapping[str, Any]]) -> Any:
    """A school file's data with its organisations' values and variant choices beneath it."""
    merged: dict[str, Any] = {}
    for slug in order:
        data = raw[slug]
        merged = deep_merge(merged, data.get("values") or {})
        if variants := data.get("variants"):
            merged = deep_merge(merged, {"variants": variants})
    return deep_merge(merged, school_data)


def departures(
    slug: str, own: Mapping[str, VariantChoice], order: list[str], organisations: Mapping[str, Organisation]
) -> Iterator[Departure]:
    """Where a school's own variant choices differ from those of its organisations."""
    for org_slug in order:
        for clause, shared in sorted(organisations[org_slug].variants.items()):
            mine = own.get(clause)
            if mine is not None and mine.variant != shared.variant:
                yield Departure(slug, clause, org_slug, shared.variant, mine.variant, mine.reason)


def members_of(memberships: Mapping[str, list[str]], organisations: Mapping[str, Organisation]) -> dict[str, list[str]]:
    """Each organisation's member schools, by slug, in slug order."""
    members: dict[str, list[str]] = {slug: [] for slug in organisations}
    for school, order in sorted(memberships.items()):
        for slug in order:
            members[slug].append(school)
    return members


# Names an organisation's file cannot have: its pages would take the place of the site's own.
RESERVED = re.compile(r"^(?:index|readme|matrix)$|-part-\d+$")


def organisation_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and not p.name.startswith("."))
