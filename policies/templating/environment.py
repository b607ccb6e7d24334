"""The one Jinja environment every template (clauses and pages) is rendered with.

* Sandboxed: clause text arrives by pull request and must not reach Python.
* ``StrictUndefined``: a missing value is an error, never an empty string.
* ``finalize`` escapes every ``{{ value }}`` for Markdown, so school values are
  always data; only text the generator itself produced as :class:`Markup`
  (already-rendered clause bodies) passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from jinja2 import PackageLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from policies.templating.escape import escape_markdown


def _finalize(value: Any) -> str:
    if isinstance(value, Markup):
        return str(value)
    return escape_markdown(str(value))


def join_and(items: Iterable[Any]) -> str:
    """["a", "b", "c"] -> "a, b and c" (British usage, no serial comma)."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def join(items: Iterable[Any], separator: str = ", ") -> str:
    return separator.join(str(item) for item in items)


def otherwise(value: Any, fallback: str) -> Any:
    """The school's value, or the clause's generic wording when the school has none."""
    return fallback if value is None or value == [] or value == "" else value


def capfirst(value: Any) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


def safe_id(value: Any) -> Markup:
    """Ids and slugs are validated to [a-z0-9-]; mark them as syntax, not data."""
    text = str(value)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
        raise ValueError(f"'{text}' is not a valid id")
    return Markup(text)


def anchor(value: Any, searchable: bool = True) -> Markup:
    """The attr_list suffix that gives a heading a stable id: ``{#clause-id}``.

    ``searchable=False`` keeps the heading's section out of the search index: a
    school's clauses repeat the library's shared text, which is indexed once.
    """
    extra = "" if searchable else " data-search-exclude"
    return Markup("{#" + safe_id(value) + extra + "}")


def safe_url(value: Any) -> Markup:
    """A web address for a Markdown link target: http(s) only, nothing that ends the link early."""
    text = str(value)
    if not re.fullmatch(r"https?://[^\s<>\"'`()\\]+", text):
        raise ValueError(f"'{text}' is not a safe web address")
    return Markup(text)


def safe_path(value: Any) -> Markup:
    """A page of the docs tree for a link target, ending in .md: folders named by slugs or release names
    (letters, digits, '.', '_', '-'), or '..' to go up; nothing that could end the link early."""
    text = str(value)
    if not re.fullmatch(r"(?:(?:\.\.|[0-9A-Za-z][0-9A-Za-z._-]*)/)*[a-z0-9]+(?:-[a-z0-9]+)*\.md", text):
        raise ValueError(f"'{text}' is not a page of the site")
    return Markup(text)


def make_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        loader=PackageLoader("policies", "templates"),
    )
    env.filters.clear()
    env.filters.update(
        {
            "join_and": join_and,
            "capfirst": capfirst,
            "otherwise": otherwise,
            "safe_id": safe_id,
            "anchor": anchor,
            "safe_url": safe_url,
            "safe_path": safe_path,
            "length": len,
            "join": join,
            "lower": lambda value: str(value).lower(),
        }
    )
    env.tests.clear()
    env.tests.update({"defined": lambda v: v is not None})
    env.globals.clear()
    return env


ENV = make_environment()
