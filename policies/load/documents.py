"""Documents: what a school publishes from the one clause library (``clauses/documents.yml``).

Real schools publish several documents from the same rules: a staff policy, a code of conduct for
parents, rules for pupils, a signed acceptable use agreement.  The library defines each once::

    pupils-rules:
      title: Online Safety Rules for Pupils
      stem: online-safety-rules           # downloads: <school>-<stem>.docx and .pdf
      sections: [pupils]                  # outline sections it holds (all of them when left out)
      audiences: [pupils]                 # clauses it holds: those addressing one of these that the school's
                                          # audiences also name
      voice: Second person, to pupils     # how it speaks to its reader
      description: The rules pupils follow online, in words they read for themselves.

A school lists what it publishes, its main document first (``documents: [staff-policy, pupils-rules]``).
Its main document is its page (``schools/<slug>.md``); each other is ``documents/<id>/<slug>.md``.  Each
has its own numbering, DOCX and PDF.  A school that lists none publishes one document: every section for
its audiences, titled as the outline (or ``policy.title``), as before the library had documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field, RootModel

from policies.load.models import Audience, Id, Model, School, Text

COMBINED = ""  # the id of the one document of a school that lists none


class Document(Model):
    title: Text
    stem: Id
    description: Text
    audiences: Annotated[list[Audience], Field(min_length=1)]
    sections: list[Id] = []
    voice: Text | None = None
    reading_level: Annotated[float, Field(ge=1, le=20)] | None = None  # the highest grade of its text (check)
    default: bool = True  # offered by `policies new-school` unless the school names its documents
    titles: dict[Id, Text] = {}  # a section's own title in this document, where the outline's does not fit


class Documents(RootModel[dict[Id, Document]]):
    """clauses/documents.yml as a whole (for the editors' JSON Schema)."""


@dataclass(frozen=True)
class Published:
    """One document of one school: what it holds, what it is called, and where it is published."""

    id: str  # its id in documents.yml, or COMBINED
    title: str
    stem: str  # the downloads' name: <school>-<document stem>
    audiences: frozenset[str]  # the document's audiences that the school's audiences also name
    sections: frozenset[str] | None  # None: every section of the outline
    main: bool
    page: str  # its page in the docs tree
    titles: tuple[tuple[str, str], ...] = ()  # (section id, its title in this document)


def published(
    slug: str, school: School, documents: dict[str, Document], outline_title: str, outline_stem: str
) -> list[Published]:
    """The documents a school publishes, main first (unknown ids are left out: check reports them)."""
    if not school.documents:
        title = school.policy.title or outline_title
        return [Published(COMBINED, title, outline_stem, frozenset(school.audiences), None, True, f"schools/{slug}.md")]
    found: list[Published] = []
    for doc_id in dict.fromkeys(school.documents):
        document = documents.get(doc_id)
        if document is None:
            continue
        main = not found
        found.append(
            Published(
                doc_id,
                (school.policy.title or document.title) if main else document.title,
                document.stem,
                frozenset(document.audiences) & frozenset(school.audiences),
                frozenset(document.sections) if document.sections else None,
                main,
                f"schools/{slug}.md" if main else f"documents/{doc_id}/{slug}.md",
                tuple(document.titles.items()),
            )
        )
    return found
