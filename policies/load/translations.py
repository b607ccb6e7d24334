"""A second language beside English: paired text per clause, kept honest by a digest (designed, not filled).

A clause's translation sits beside it, ``clauses/<section>/<id>.<language>.md`` (Welsh: ``.cy.md``)::

    ---
    translates: staff-monitoring      # the clause it translates
    language: cy                       # an ISO 639-1 code
    source: 3f9a1c2b7d4e               # digest of the English text it was made from (check prints it)
    title: Monitro
    variants: {}                       # each variant's label in the language, where the clause has variants
    ---
    The translated text: the same variant blocks and the same {{ values }} as the English.

``check`` reads every translation and warns, at its line, when the English clause has changed since
(its digest is no longer ``source``: the translation is older than the text it translates), when the
translation reads other values than the English, or holds other variant blocks.  A school will choose
its languages (``languages: [en, cy]``) and get each document in each; publishing translated documents
is the next step and is not built yet.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from policies.errors import SourceError
from policies.load.clauses import MAX_CLAUSE_BYTES, Clause, split_front_matter
from policies.load.models import Id, Model, Text
from policies.load.problems import Problems
from policies.load.validate import validate_located
from policies.load.yamlsource import Located, parse_yaml, read_text

TRANSLATION = re.compile(r"^(?P<id>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>[a-z]{2})\.md$")
_VALUE = re.compile(r"\{\{-?\s*([a-z_]+(?:\.[a-z_]+)*)")
_BLOCK = re.compile(r"^::: variant ([a-z0-9-]+)\s*$", re.M)


class TranslationMeta(Model):
    translates: Id
    language: Annotated[str, Field(pattern=r"^[a-z]{2}$")]
    source: Annotated[str, Field(pattern=r"^[0-9a-f]{12}$")]
    title: Text
    variants: dict[Id, Text] = {}


@dataclass(frozen=True)
class Translation:
    path: Path
    meta: TranslationMeta
    lines: Located
    body: str
    body_line: int


def digest(clause: Clause) -> str:
    """What a translation records as its ``source``: the English clause's title and text, as written."""
    return hashlib.sha256(f"{clause.meta.title}\n{clause.body}".encode()).hexdigest()[:12]


def parse_translation(path: Path, problems: Problems) -> Translation | None:
    try:
        parts = split_front_matter(read_text(path, MAX_CLAUSE_BYTES))
        if parts is None:
            problems.error(path, 1, "a translation starts with YAML front matter between two '---' lines")
            return None
        located = parse_yaml(parts[0], first_line=2)
    except SourceError as exc:
        problems.error(path, exc.line, exc.message)
        return None
    if not isinstance(located.data, dict):
        problems.error(path, 2, "front matter must be a mapping: translates, language, source, title")
        return None
    meta = validate_located(located, TranslationMeta, path, problems)
    return Translation(path, meta, located, parts[1], parts[2]) if meta else None


def check_translations(clauses: dict[str, Clause], translations: list[Translation], problems: Problems) -> None:
    for item in translations:
        name = TRANSLATION.match(item.path.name)
        clause = clauses.get(item.meta.translates)
        line = item.lines.line_of(("translates",))
        if clause is None or (name and (name["id"], name["language"]) != (item.meta.translates, item.meta.language)):
            problems.error(item.path, line, f"translates '{item.meta.translates}', which is not the clause beside it")
            continue
        if item.meta.source != (current := digest(clause)):
            problems.warning(
                item.path,
                item.lines.line_of(("source",)),
                f"older than the text it translates: {item.meta.translates} has changed since; translate the "
                f"change, then set source: {current}",
            )
        if (mine := set(_VALUE.findall(item.body))) != (theirs := set(_VALUE.findall(clause.body))):
            problems.warning(
                item.path,
                item.body_line,
                f"reads other values than the English: {', '.join(sorted(mine ^ theirs))}",
            )
        if set(_BLOCK.findall(item.body)) != set(_BLOCK.findall(clause.body)):
            problems.warning(item.path, item.body_line, "holds other variant blocks than the English")
