"""Typed models of the inputs: school files, clause front matter, registries.

Pydantic does the type checking and rejects unknown keys (``extra="forbid"``)
so a typo such as ``polcy:`` is an error rather than a silently missing value.
Models are frozen: every later stage reads them, none changes them.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
    model_validator,
)

from policies.load.dates import PolicyDate, parse_policy_date

Audience = Literal["staff", "governors", "pupils", "parents", "agreement"]
AUDIENCES: dict[str, str] = {
    "staff": "staff",
    "governors": "governors, directors and volunteers",
    "pupils": "pupils",
    "parents": "parents and carers",
    "agreement": "the signed acceptable use agreement",
}

# The "governors" audience as each kind of school names its governing people: a maintained school has no
# directors or proprietor, an independent school's proprietor may be a company with directors.
GOVERNORS_BY_GOVERNANCE: dict[str, str] = {
    "maintained": "governors and volunteers",
    "academy": "trustees, governors and volunteers",
    "independent": "directors or governors, and volunteers",
}


def audience_label(audience: str, governance: str | None = None) -> str:
    """The audience as the policy names it: for governors, worded by the school's governance."""
    if audience == "governors" and governance in GOVERNORS_BY_GOVERNANCE:
        return GOVERNORS_BY_GOVERNANCE[governance]
    return AUDIENCES.get(audience, audience)


ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")

# Names that school pages (schools/<slug>.md) or clause pages (library/<id>.md) cannot take: MkDocs makes
# index.md (and README.md) the folder's own page.  Slugs are lowercase, so "readme" is safe on Linux but
# not on a case-insensitive file system (macOS, Windows), where it would be README.md.
RESERVED_SLUGS = frozenset({"index", "readme"})


def _single_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("must be on one line")
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


def _url(value: str) -> str:
    if not re.match(r"^https?://[^\s<>\"'`()\\]+$", value):
        raise ValueError("must be a web address starting with https:// or http://")
    return value


def _time(value: str) -> str:
    m = re.match(r"^([01]\d|2[0-3]):([0-5]\d)$", value)
    if not m:
        raise ValueError("must be a 24-hour time such as 08:45")
    return value


def _date(value: Any) -> PolicyDate:
    if isinstance(value, PolicyDate):
        return value
    return parse_policy_date(value)


Text = Annotated[str, Field(max_length=300), AfterValidator(_single_line)]
Label = Annotated[str, Field(max_length=40), AfterValidator(_single_line)]
Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=60)]
Url = Annotated[str, Field(max_length=500), AfterValidator(_url)]
Time = Annotated[str, AfterValidator(_time)]
Date = Annotated[
    PolicyDate,
    BeforeValidator(_date),
    WithJsonSchema(
        {
            "type": ["string", "integer"],
            "description": "A date as precise as known: '1 January 2012', 'June 2018', 'Summer 2022', '2022' or ISO",
        }
    ),
]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9][0-9 ()-]{5,20}$")]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, arbitrary_types_allowed=True)


# --- school files ---------------------------------------------------------------------------------


class SchoolInfo(Model):
    name: Text
    short_name: Text | None = None
    motto: Text | None = None
    religious_character: Text | None = None
    governance: Literal["maintained", "academy", "independent"]
    phase: Literal["nursery", "primary", "secondary", "all-through", "special"] | None = None
    nursery: bool = False
    website: Url | None = None


class Leadership(Model):
    head_title: Text = "Headteacher"
    approver: Text | None = None
    governing_body: Text | None = None


Email = Annotated[str, Field(pattern=r"^[^@\s<>]+@[^@\s<>]+\.[a-z]{2,}$")]


class Contact(Model):
    name: Text
    phone: Phone | None = None
    email: Email | None = None


class Dsl(Model):
    name: Text | None = None
    role: Text = "Designated Safeguarding Lead"
    phone: Phone | None = None
    email: Email | None = None
    is_head: bool = False  # the head is the DSL (Elton's source: the Head Teacher is the child protection lead)
    deputies: list[Contact] = []  # deputy designated safeguarding leads

    @model_validator(mode="after")
    def _head_or_name(self) -> Dsl:
        if self.is_head and self.name:
            raise ValueError("give either name or is_head: true (the head's name is not recorded), not both")
        return self


class Police(Model):
    force: Text | None = None
    child_protection_team: Text | None = None


class Named(Model):
    name: Text


class Filtering(Model):
    provider: Text


class RoleTitle(Model):
    title: Text


class Platforms(Model):
    learning_platform: Text | None = None
    homework: list[Text] = []


class Ages(Model):
    pupil_minimum: Annotated[StrictInt, Field(ge=10, le=18)] = 13
    former_pupil_contact: Annotated[StrictInt, Field(ge=16, le=25)] = 18


class StaffPhones(Model):
    start: Time
    end: Time
    places: Text

    @model_validator(mode="after")
    def _order(self) -> StaffPhones:
        if self.start >= self.end:
            raise ValueError(f"start {self.start} must be before end {self.end}")
        return self


class Scenario(Model):
    pupils: Text


class RelatedPolicy(Model):
    title: Text
    url: Url | None = None


class Policy(Model):
    title: Text | None = None
    adopted: Date | None = None
    approved_by: Text | None = None
    version: Text | None = None
    review: Date | None = None
    updated: Date | None = None

    @model_validator(mode="after")
    def _review_after_adoption(self) -> Policy:
        for name in ("adopted", "updated"):
            start = getattr(self, name)
            if start and self.review and self.review.start <= start.end:
                raise ValueError(f"review date {self.review} is not after the {name} date {start}")
        if self.adopted and self.updated and self.updated.end < self.adopted.start:
            raise ValueError(f"updated date {self.updated} is before the adoption date {self.adopted}")
        return self


class Confirmation(Model):
    """A school's confirmation of one listed change from its source policy (``policies changes``)."""

    clause: Id
    kind: Literal["new", "changed", "dropped"]
    by: Text
    date: Date


class VariantChoice(Model):
    variant: Id
    reason: Text | None = None


def _choice(value: Any) -> Any:
    return {"variant": value} if isinstance(value, str) else value


class School(Model):
    """One school's values and choices; the slug is its file name."""

    school: SchoolInfo
    audiences: Annotated[list[Audience], Field(min_length=1)]
    policy: Policy = Policy()
    leadership: Leadership = Leadership()
    dsl: Dsl = Dsl()
    police: Police = Police()
    local_authority: Named | None = None
    safeguarding_partnership: Named | None = None
    front_door: Contact | None = None
    lado: Contact | None = None  # the local authority designated officer (or team) for allegations against adults
    hr_provider: Named | None = None
    eap: Contact | None = None
    filtering: Filtering | None = None
    online_safety_lead: RoleTitle | None = None
    platforms: Platforms = Platforms()
    ages: Ages = Ages()
    staff_phones: StaffPhones | None = None
    scenario: Scenario | None = None
    related_policies: list[RelatedPolicy] = []
    variants: dict[Id, Annotated[VariantChoice, BeforeValidator(_choice)]] = {}
    source: Annotated[str, Field(pattern=r"^\d{3}$")] | None = None  # id in clauses/sources.yml; none if new
    confirmations: list[Confirmation] = []

    @model_validator(mode="after")
    def _unique_audiences(self) -> School:
        if len(set(self.audiences)) != len(self.audiences):
            raise ValueError("audiences lists the same audience twice")
        return self


# --- clause library -------------------------------------------------------------------------------

SeedId = Annotated[str, Field(pattern=r"^\d{3}$")]
VarPath = Annotated[str, Field(pattern=r"^[a-z_]+(?:\.[a-z_]+)*$")]


class VariantMeta(Model):
    label: Label
    summary: Annotated[str, Field(max_length=400), AfterValidator(_single_line)]
    provenance: list[SeedId] | None = None  # the sources whose position this variant takes; else the clause's


class ClauseMeta(Model):
    id: Id
    title: Text
    section: Id
    audiences: Annotated[list[Audience], Field(min_length=1)]
    variables: list[VarPath] = []
    references: list[Id] = []
    governance_references: Annotated[
        dict[Id, list[Literal["maintained", "academy", "independent"]]],
        Field(
            description="References that apply only to some kinds of school (e.g. a maintained-school power): "
            "a school of another governance does not list them among the laws its policy refers to"
        ),
    ] = {}
    provenance: list[SeedId] = []
    note: Annotated[str, Field(max_length=1000)] | None = None
    default: Id | None = None
    variants: dict[Id, VariantMeta] = {}

    @model_validator(mode="after")
    def _variants(self) -> ClauseMeta:
        if self.variants and self.default not in self.variants:
            raise ValueError(f"default must name one of the variants: {', '.join(self.variants)}")
        if not self.variants and self.default is not None:
            raise ValueError("default is set but the clause has no variants")
        if len(self.variants) == 1:
            raise ValueError("a clause with variants needs at least two")
        if not self.provenance and not self.note:
            raise ValueError("a clause with no provenance needs a note saying why it was added")
        if extra := sorted(set(self.governance_references) - set(self.references)):
            raise ValueError(f"governance_references names {', '.join(extra)}, which references does not list")
        return self


class Section(Model):
    id: Id
    title: Text
    audiences: Annotated[list[Audience], Field(min_length=1)]
    clauses: Annotated[list[Id], Field(min_length=1)]


class Outline(Model):
    title: Text
    sections: Annotated[list[Section], Field(min_length=1)]


class Reference(Model):
    title: Text
    publisher: Text | None = None
    kind: Literal["legislation", "statutory-guidance", "guidance", "standard"]
    edition: Text | None = None
    date: Date | None = None
    url: Url
    status: Literal["current", "superseded", "withdrawn"]
    superseded_by: Id | None = None
    note: Annotated[str, Field(max_length=1000, description="Published on the references page")] | None = None
    checked: Annotated[
        Date | None,
        Field(description="When a maintainer last verified the entry against its publisher (published)"),
    ] = None
    maintainer_note: (
        Annotated[
            str,
            Field(
                max_length=3000,
                description="Research notes for maintainers (what was and was not verified); never published",
            ),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _supersession(self) -> Reference:
        if self.status == "superseded" and not self.superseded_by:
            raise ValueError("a superseded reference must say what supersedes it (superseded_by)")
        if self.status != "superseded" and self.superseded_by:
            raise ValueError("superseded_by is set but status is not 'superseded'")
        return self


class Source(Model):
    file: Text
    school: Text
    title: Text


class Exclusion(Model):
    topic: Text
    seeds: Annotated[list[SeedId], Field(min_length=1)]
    clause: Id | None = None  # the clause the text would have belonged to: where a school confirms it was left out
    seed_text: Annotated[str, Field(max_length=1000)] | None = None
    reason: Annotated[str, Field(max_length=1000)]


class Change(Model):
    """One entry of the changes register (clauses/changes.yml, clauses/changes-*.yml)."""

    school: Annotated[str, Field(pattern=ID_PATTERN, max_length=60)]
    clause: Id
    kind: Literal["new", "changed", "dropped"]
    what: Annotated[str, Field(max_length=1500), AfterValidator(_single_line)]
    why: Annotated[str, Field(max_length=1000), AfterValidator(_single_line)]
