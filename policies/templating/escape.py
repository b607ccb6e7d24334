"""Make a school's value inert in each output format.

School values are data, never markup: a school called ``*Star* <b>Academy</b>``
must appear with its asterisks and angle brackets, in the page and in the DOCX.
Markdown is the intermediate format, so values are escaped for Markdown here;
the DOCX writer later parses that Markdown, which turns the escapes back into
the literal characters, and the site's Markdown renderer does the same.

Escaping uses numeric character references, which both Python-Markdown (the
site) and markdown-it (the DOCX) decode and neither treats as syntax.
"""

from __future__ import annotations

import functools
import re

# Characters that start Markdown, HTML or extension syntax anywhere in a line.
_INLINE = set("\\`*_{}[]<>|~^=")
# "&" matters only where it would begin a character reference such as "&lt;".
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# A value placed at the start of a line could start a list, quote or heading.
_LEADING = re.compile(r"^(\d+)([.)])|^([-+>#=.])")


def _ref(char: str) -> str:
    return f"&#{ord(char)};"


# Anything any rule below would change; most values (names, phone numbers) contain none of it.
_NEEDS_WORK = re.compile(r"[\\`*_{}\[\]<>|~^=]|&#?[A-Za-z0-9]+;|^(?:\d+[.)]|[-+>#=.])|  ")


@functools.lru_cache(maxsize=65536)
def escape_markdown(value: str) -> str:
    """Escape one value so Markdown renders exactly its characters as text (cached: values repeat)."""
    if not _NEEDS_WORK.search(value):
        return value
    text = _ENTITY.sub("&#38;", value)
    text = "".join(_ref(c) if c in _INLINE else c for c in text)
    text = _LEADING.sub(lambda m: (m[1] + _ref(m[2])) if m[1] else _ref(m[3]), text, count=1)
    # Two spaces before a newline would be a hard break; values are single-line,
    # but collapse whitespace runs so the rendered text matches what was typed.
    return re.sub(r"  +", lambda m: " " + "&#32;" * (len(m[0]) - 1), text)
