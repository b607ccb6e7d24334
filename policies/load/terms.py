"""Terminology: the register of preferred terms (``clauses/terms.yml``) and the variants that must not appear.

A variant is matched case-insensitively, as whole words (any run of spaces between its words), in the
text of every clause (title, variant labels and summaries, body: at the line it is on) and in every
school value a clause prints (at its line in the school file).  Link targets and template tags are
not text; a value's fallback wording, ``{{ x | otherwise("...") }}``, is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from policies.load.library_models import Term
from policies.load.plaintext import body_lines, read_data, readable
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.validate import validate_located
from policies.load.values import NOT_VARIABLES, variable_paths
from policies.load.yamlsource import Loc

FILE = "terms.yml"

_NOT_TEXT = re.compile(r"\]\([^)]*\)|<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>|\{%.*?%\}")
_ADDRESS = re.compile(r"^(?:https?://|mailto:)|^[^@\s]+@[^@\s]+$", re.IGNORECASE)


@dataclass(frozen=True)
class Register:
    pattern: re.Pattern[str]
    terms: dict[str, Term]  # a variant, folded (lower case, single spaces) -> its entry
    allowed: re.Pattern[str] | None  # names that contain a variant but are right (an organisation's name)

    def findings(self, text: str) -> list[str]:
        """A message for each variant found in ``text``, in order."""
        messages = []
        text = _NOT_TEXT.sub(" ", text)
        if self.allowed is not None:
            text = self.allowed.sub(" ", text)
        for match in self.pattern.finditer(text):
            term = self.terms[" ".join(match[0].casefold().split())]
            messages.append(f'"{match[0]}": write "{term.preferred}" ({term.reason})')
        return messages


def load_register(project: Project, problems: Problems) -> Register | None:
    path = project.clauses_dir / FILE
    located = read_data(path, problems)
    if located is None:
        return None
    if not isinstance(located.data, list):
        problems.error(path, 1, f"{FILE} is a list of terms, each with preferred, avoid and reason")
        return None
    terms: dict[str, Term] = {}
    for index in range(len(located.data)):
        term = validate_located(located, Term, path, problems, (index,))
        if term is None:
            continue
        for v_index, variant in enumerate(term.avoid):
            key = " ".join(variant.casefold().split())
            if key in terms:
                problems.error(path, located.line_of((index, "avoid", v_index)), f"'{variant}' is listed twice")
            terms[key] = term
    if not terms:
        return None
    allowed = {" ".join(name.casefold().split()) for term in terms.values() for name in term.allow}
    return Register(_phrases(terms), terms, _phrases(allowed) if allowed else None)


def _phrases(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words, in any case, with any spaces between words; the longest first."""
    alternatives = sorted(phrases, key=len, reverse=True)
    words = (r"\s+".join(re.escape(word) for word in key.split(" ")) for key in alternatives)
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


def check_terms(project: Project, problems: Problems) -> None:
    """A warning at each line of clause text or school value where a variant the register rules out appears."""
    register = load_register(project, problems)
    if register is None:
        return
    for clause in project.clauses.values():
        if not readable(clause):
            continue
        meta, lines = clause.meta, clause.meta_lines
        texts: list[tuple[int, str]] = [(lines.line_of(("title",)), meta.title)]
        for variant, info in meta.variants.items():
            texts.append((lines.line_of(("variants", variant, "label")), info.label))
            texts.append((lines.line_of(("variants", variant, "summary")), info.summary))
        for number, text in [*texts, *body_lines(clause)]:
            for message in register.findings(text):
                problems.warning(clause.path, number, message)
    printed = variable_paths()
    for slug in sorted(project.schools):
        located = project.school_lines[slug]
        for loc, text in _strings(located.data, ()):
            keys = [str(part) for part in loc if isinstance(part, str)]
            if not keys or keys[0] in NOT_VARIABLES or _ADDRESS.match(text.strip()):
                continue
            if not any(".".join(keys[:end]) in printed for end in range(1, len(keys) + 1)):
                continue
            for message in register.findings(text):
                problems.warning(project.school_path(slug), located.line_of(loc), f"{'.'.join(keys)}: {message}")


def _strings(data: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """Every string in a school file's data, with its location."""
    if isinstance(data, str):
        return [(loc, data)]
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _strings(value, (*loc, key))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data) for found in _strings(value, (*loc, index))]
    return []
