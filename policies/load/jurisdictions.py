"""A school's jurisdiction: the terms of its country in the library's text (clauses/jurisdictions.yml).

The library is written in England's terms.  For a school in another jurisdiction (Wales) each clause's
template is compiled a second time with that jurisdiction's replacements applied to its *source*, so the
school's own values, which enter only when the template renders, are never changed by them; labels the
code prints (details, contacts) get the same replacements in any letter case.  A clause whose text is
true in England only says so (``jurisdictions: [england]``) and a school elsewhere does not print it.
After a policy is resolved, ``avoid`` is checked: no term of another jurisdiction may reach it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from jinja2 import Template

from policies.load.clauses import Clause
from policies.templating.environment import ENV

Replacements = tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=1024)
def _pattern(term: str, any_case: bool = False) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE if any_case else 0)


@functools.lru_cache(maxsize=64)
def _any(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list of terms: a text that has none of them is read once."""
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, terms))})(?![\w-])")


def localise(text: str, replacements: Replacements) -> str:
    """The library's text in a jurisdiction's terms: whole words, as written, in order."""
    for find, replace in replacements:
        text = _pattern(find).sub(replace.replace("\\", "\\\\"), text)
    return text


def localise_label(text: str, replacements: Replacements) -> str:
    """A label the code prints ("Designated safeguarding lead"), in any case, keeping its first letter's."""
    for find, replace in replacements:

        def keep_case(match: re.Match[str], replace: str = replace) -> str:
            found = match.group(0)
            if found == found.lower():
                return replace.lower()
            return replace[:1].upper() + replace[1:].lower() if found[1:] == found[1:].lower() else replace

        text = _pattern(find, any_case=True).sub(keep_case, text)
    return text


def template_for(clause: Clause, variant: str, jurisdiction: str, replacements: Replacements) -> Template:
    """The clause's template for a jurisdiction, compiled once from its localised source."""
    if not replacements:
        return clause.templates[variant]
    key = f"{variant}\x00{jurisdiction}"
    if (template := clause.localised.get(key)) is None:
        template = clause.localised[key] = ENV.from_string(localise(clause.sources[variant], replacements))
    return template


def found_terms(text: str, terms: Iterable[str]) -> list[str]:
    """Which of ``terms`` occur in ``text`` as whole words (the same text and terms are read once)."""
    return list(_found(text, tuple(terms)))


@functools.lru_cache(maxsize=65536)  # a clause's text is the same object for every school with the same values
def _found(text: str, terms: tuple[str, ...]) -> tuple[str, ...]:
    if not terms or not _any(terms).search(text):
        return ()
    return tuple(term for term in terms if _pattern(term).search(text))
