"""Typed models of the clause library's files: clause front matter, the outline and the registries.

The field types and the ``Model`` base (unknown keys refused, frozen) are shared with the school
files' models in ``models.py``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from policies.load.models import ID_PATTERN, Audience, Date, Id, Label, Model, Text, Url, single_line

SeedId = Annotated[str, Field(pattern=r"^\d{3}$")]
VarPath = Annotated[str, Field(pattern=r"^[a-z_]+(?:\.[a-z_]+)*$")]


class VariantMeta(Model):
    label: Label
    summary: Annotated[str, Field(max_length=400), AfterValidator(single_line)]
    provenance: list[SeedId] | None = None  # the sources whose position this variant takes; else the clause's


class ReadingLevel(Model):
    """A clause's justified exception to its audiences' reading-level targets (clauses/readability.yml)."""

    max: Annotated[float, Field(ge=1, le=20, description="The highest Flesch-Kincaid grade accepted for this clause")]
    reason: Annotated[str, Field(min_length=1, max_length=400), AfterValidator(single_line)]


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
    reading_level: ReadingLevel | None = None
    jurisdictions: Annotated[
        list[Literal["england", "wales"]],
        Field(
            min_length=1,
            description="Where the clause's text is true: a clause that states English law or guidance only "
            "is [england], and a school in Wales does not print it",
        ),
    ] = ["england", "wales"]

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
    """The policy family: its title, name and file stem (data, so a second family needs no code), and sections.

    ``family`` and ``stem`` are derived from the title when an older outline lacks them
    (``policies diff`` reads earlier revisions).
    """

    title: Text
    family: Text | None = None
    stem: Id | None = None
    max_words: Annotated[
        int | None,
        Field(ge=100, description="The most words of policy text a school's policy should have (check warns)"),
    ] = None
    sections: Annotated[list[Section], Field(min_length=1)]

    @property
    def family_name(self) -> str:
        """The family in running text: "social media" for "Social Media Policy"."""
        return self.family or re.sub(r"\s+policy$", "", self.title, flags=re.IGNORECASE).lower()

    @property
    def file_stem(self) -> str:
        """What a school's downloads are named after, following its slug: "social-media-policy"."""
        return self.stem or re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-")


class Replacement(Model):
    """One term of the library's (England's) text and the term a jurisdiction uses instead."""

    find: Text  # whole words, as written (case matters: "DSL" is not "dsl")
    replace: Text


class Jurisdiction(Model):
    """clauses/jurisdictions.yml: one country's terms, guidance and the terms that must not reach its schools."""

    name: Text
    replacements: list[Replacement] = []  # applied in order to the text of its schools' documents
    references: dict[Id, Id] = {}  # a reference the library cites -> the one this country's policies cite
    omit: list[Id] = []  # references of another country's law or guidance that its policies do not print
    avoid: list[Text] = []  # terms that must never reach its schools' documents (checked)


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
    what: Annotated[str, Field(max_length=1500), AfterValidator(single_line)]
    why: Annotated[str, Field(max_length=1000), AfterValidator(single_line)]


ReadingAudience = Literal["primary pupils", "secondary pupils", "parents", "staff", "governors", "agreement"]
Phase = Literal["nursery", "primary", "secondary", "all-through", "special", "unknown"]


class Readability(Model):
    """clauses/readability.yml: the highest Flesch-Kincaid grade for text addressed to each audience."""

    targets: dict[ReadingAudience, Annotated[float, Field(ge=1, le=20)]]
    pupils: Annotated[
        dict[Phase, Literal["primary pupils", "secondary pupils"]],
        Field(description="Which pupils' target a school's pupils have, by school.phase ('unknown': no phase)"),
    ]


class Term(Model):
    """One entry of clauses/terms.yml: the term to use and the variants that must not appear."""

    preferred: Text
    avoid: Annotated[list[Text], Field(min_length=1)]
    allow: Annotated[list[Text], Field(description="Names that contain a variant but are right as they are")] = []
    reason: Annotated[str, Field(min_length=1, max_length=400), AfterValidator(single_line)]
