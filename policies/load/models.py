"""Typed models of the school files, and the field types every input model shares.

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


def single_line(value: str) -> str:
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


Text = Annotated[str, Field(max_length=300), AfterValidator(single_line)]
Label = Annotated[str, Field(max_length=40), AfterValidator(single_line)]
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


RELEASE_NAME = r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$"  # a release of the library, and its git tag: no spaces or "/"


class Approval(Model):
    """A governing body's approval of one of the school's documents as it stood at a library release.

    ``policies approve`` appends one; ``check`` validates it against clauses/releases.yml (load/approvals.py),
    and every build publishes that version, frozen, at its own address (history/).
    """

    document: Id | None = None  # an id from clauses/documents.yml; none: the school's main document
    release: Annotated[str, Field(pattern=RELEASE_NAME)]
    date: Date  # the meeting's date: a day
    by: Text  # the body that approved it, for example "Full Governing Body"
    minute: Text | None = None  # the minute's reference, for example "FGB 2026/14"


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
    jurisdiction: Literal["england", "wales"] = "england"  # whose law, guidance and terms its documents use
    documents: list[Id] = []  # the documents it publishes (clauses/documents.yml), main first; none: one policy
    organisations: list[Id] = []  # organisations/<slug>.yml it belongs to, whose values it inherits
    source: Annotated[str, Field(pattern=r"^\d{3}$")] | None = None  # id in clauses/sources.yml; none if new
    confirmations: list[Confirmation] = []
    approvals: list[Approval] = []  # oldest first: what its governing body approved, and when

    @model_validator(mode="after")
    def _unique_audiences(self) -> School:
        if len(set(self.audiences)) != len(self.audiences):
            raise ValueError("audiences lists the same audience twice")
        return self
