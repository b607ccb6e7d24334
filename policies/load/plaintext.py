"""Clause text as plain sentences, each with its line in the clause file: what the plain-text checks read.

The text is the clause body as written, one variant at a time (the shared text and that variant's block),
with the Markdown stripped: link text kept, targets dropped; list, heading and emphasis marks dropped; an
``{% if %}`` read as its first branch.  Each ``{{ value }}`` is replaced by a stand-in: one short
word for the reading level (a school's value is usually a name or a role), nothing for the repetition
check (so two clauses that differ only in the values they read still compare equal).  Working from the
source rather than one school's rendered text keeps the line of every sentence, and measures the text
every school shares once.  Paragraphs are single lines in the library, so a sentence never spans two lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from policies.load.clauses import _CLOSE, _OPEN, Clause
from policies.load.problems import Problems
from policies.load.yamlsource import Located, SourceError, load_yaml_file

VALUE_WORD = "name"  # what a value reads as when measuring the reading level

_TAG = re.compile(r"\{%-?\s*(\w*)[^%]*%\}")
_COMMENT = re.compile(r"\{#.*?#\}")
_EXPR = re.compile(r"\{\{.*?\}\}")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>")
_PREFIX = re.compile(r"^\s*(?:#+\s+|[-*+]\s+|\d+[.)]\s+|>\s*)*")
_MARKS = re.compile(r"\*+|`+|(?<!\w)_+|_+(?!\w)|\{:[^}]*\}")
_RULE = re.compile(r"^\s*\|?[\s:|-]*\|?\s*$")
_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9‹])")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Sentence:
    line: int  # in the clause file
    text: str  # plain text


def readable(clause: Clause) -> bool:
    """Whether the clause's text compiled (every variant's template): the checks read only text Jinja accepted."""
    return len(clause.templates) == len(clause.variant_ids)


def variant_lines(clause: Clause, variant: str) -> list[tuple[int, str]]:
    """(file line, Markdown line) of the body as a school choosing ``variant`` reads it: shared text and its block."""
    result = []
    owner: str | None = None
    for offset, line in enumerate(clause.body.split("\n")):
        if match := _OPEN.match(line):
            owner = match[1]
        elif _CLOSE.match(line):
            owner = None
        elif owner is None or owner == variant:
            result.append((clause.body_line + offset, line))
    return result


def body_lines(clause: Clause) -> list[tuple[int, str]]:
    """Every line of text in the body, of every variant (marker lines left out)."""
    return [
        (clause.body_line + offset, line)
        for offset, line in enumerate(clause.body.split("\n"))
        if not _OPEN.match(line) and not _CLOSE.match(line)
    ]


def first_branch(line: str, skipping: list[bool]) -> str:
    """The line without its tags, and without the text of any ``{% if %}``'s second and later branches.

    ``skipping`` has one entry per ``{% if %}`` open at the start of the line (whether its current branch
    is left out); it is updated, so a block spanning lines is followed line by line.
    """
    kept = []
    start = 0
    for tag in _TAG.finditer(line):
        if not any(skipping):
            kept.append(line[start : tag.start()])
        word = tag[1]
        if word == "if":
            skipping.append(False)
        elif word in ("elif", "else") and skipping:
            skipping[-1] = True
        elif word == "endif" and skipping:
            skipping.pop()
        start = tag.end()
    if not any(skipping):
        kept.append(line[start:])
    return "".join(kept)


def plain_line(line: str, value: str = "", skipping: list[bool] | None = None) -> str:
    """One Markdown line as the words a reader reads, ``{{ value }}`` replaced by ``value``."""
    text = first_branch(_COMMENT.sub("", line), [] if skipping is None else skipping)
    if _RULE.match(text):
        return ""
    text = _EXPR.sub(value, text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub("", text)
    text = _PREFIX.sub("", text)
    text = _MARKS.sub("", text)
    text = text.replace("|", " ")
    return " ".join(text.split())


def sentences(clause: Clause, variant: str, value: str = "") -> list[Sentence]:
    """The sentences of the clause's text for ``variant``, in order, each with its line."""
    found: list[Sentence] = []
    skipping: list[bool] = []
    for number, line in variant_lines(clause, variant):
        text = plain_line(line, value, skipping)
        found.extend(Sentence(number, part) for part in _SPLIT.split(text) if part.strip())
    return found


def words(text: str) -> list[str]:
    """A sentence's words, lower case, numbers and punctuation dropped: what the repetition check compares."""
    return _WORD.findall(text.casefold().replace("’", "'"))


def shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def read_data(path: Path, problems: Problems) -> Located | None:
    """An optional data file of the library (clauses/readability.yml, clauses/terms.yml): None when absent."""
    if not path.exists():
        return None
    try:
        return load_yaml_file(path)
    except SourceError as exc:
        problems.error(path, exc.line, exc.message)
        return None
