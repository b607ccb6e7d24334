"""A clause's Markdown as Typst markup, and the one way any text reaches Typst: a string literal.

Safety: Typst markup gives meaning to ``# $ * _ ` < > @ [ ] \\ = - + / ~``
and more (``--`` becomes a dash, ``//`` starts a comment), so no text is ever
written as markup.  Every piece of school data and clause text is a Typst
string literal, ``#"..."``, in which only ``\\`` and ``"`` are special (and
are escaped, as are control characters): a school called ``#set page(width:
1pt)`` or ``$x$ // *y*`` is text, whatever it contains.  Only this module's
own fixed markup (function calls, brackets) is code.  A literal always ends
with ``;`` so nothing after it can continue it as an expression.

markdown-it-py parses the same Markdown as the DOCX writer (``docx_markdown``),
so the PDF says what the DOCX and the page say.  School values reach the
Markdown escaped as character references; the parser decodes them into plain
text tokens, which become string literals here.  Conversion is cached by the
Markdown text: shared clause text is converted once per build.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.token import Token

from policies.documents.docx_markdown import _MD, EXTERNAL

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def string(value: str) -> str:
    """A Typst string literal of exactly ``value`` (code mode)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _CONTROL.sub(lambda m: f"\\u{{{ord(m[0]):x}}}", escaped) + '"'


def text(value: str) -> str:
    """``value`` as literal text in markup: an embedded string, ended by ``;``."""
    return f"#{string(value)};" if value else ""


def _close(tokens: list[Token], index: int) -> int:
    """The index of the token closing the block opened at ``index``."""
    level = tokens[index].level
    for j in range(index + 1, len(tokens)):
        if tokens[j].level == level and tokens[j].nesting == -1:
            return j
    return len(tokens) - 1


def inline(tokens: list[Token] | None) -> str:
    """Markup for one paragraph's inline tokens."""
    out: list[str] = []
    closers: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append(text("".join(pending)))
            pending.clear()

    for token in tokens or []:
        kind = token.type
        if kind in ("text", "image", "softbreak"):  # an image keeps its alternative text
            pending.append(" " if kind == "softbreak" else token.content)
            continue
        flush()
        if kind == "hardbreak":
            out.append("#linebreak();")
        elif kind == "code_inline":
            out.append(f"#raw({string(token.content)});")
        elif kind in ("strong_open", "em_open"):
            out.append("#strong[" if kind == "strong_open" else "#emph[")
        elif kind in ("strong_close", "em_close"):
            out.append("]")
        elif kind == "link_open":
            href = str(token.attrs.get("href", ""))
            if href.startswith("#") and len(href) > 1:
                out.append(f"#inner-link({string(href[1:])})[")
                closers.append("]")
            elif EXTERNAL.match(href):
                out.append(f"#link({string(href)})[")
                closers.append("]")
            else:  # a site-relative link means nothing in a download: keep its text
                closers.append("")
        elif kind == "link_close" and closers:
            out.append(closers.pop())
    flush()
    return "".join(out)


def table(rows: list[list[str]], columns: str) -> str:
    """A table whose first row is its header (repeated on each page); cells are markup."""
    width = max((len(r) for r in rows), default=1)
    cells = [[*r, *[""] * (width - len(r))] for r in rows]
    head = ", ".join(f"[{c}]" for c in cells[0])
    body = "".join(f"  {', '.join(f'[{c}]' for c in row)},\n" for row in cells[1:])
    return f"#table(columns: {columns}, table.header({head}),\n{body})"


def _table(tokens: list[Token]) -> str:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(inline(token.children))
    width = max((len(r) for r in rows), default=1)
    return table(rows, f"({', '.join(['1fr'] * width)})")


def blocks(tokens: list[Token], start: int, end: int) -> list[str]:
    """Markup of each block between ``start`` and ``end`` (exclusive)."""
    out: list[str] = []
    i = start
    while i < end:
        token = tokens[i]
        kind = token.type
        j = _close(tokens, i) if token.nesting == 1 else i
        if kind == "paragraph_open":
            out.append(inline(tokens[i + 1].children))
        elif kind == "heading_open":  # clause bodies have no headings; keep the text, bold, as the DOCX does
            out.append(f"#strong[{inline(tokens[i + 1].children)}]")
        elif kind in ("bullet_list_open", "ordered_list_open"):
            items = []
            k = i + 1
            while k < j:
                end_item = _close(tokens, k)
                items.append("[" + "\n\n".join(blocks(tokens, k + 1, end_item)) + "]")
                k = end_item + 1
            if kind == "bullet_list_open":
                out.append(f"#list({', '.join(items)})")
            else:
                start_at = int(token.attrs.get("start", 1))
                out.append(f"#enum(start: {start_at}, {', '.join(items)})")
        elif kind == "blockquote_open":
            out.append("#quote(block: true)[" + "\n\n".join(blocks(tokens, i + 1, j)) + "]")
        elif kind in ("fence", "code_block"):
            out.append(f"#raw(block: true, {string(token.content.rstrip(chr(10)))})")
        elif kind == "table_open":
            out.append(_table(tokens[i : j + 1]))
        elif kind == "hr":
            out.append("#line(length: 100%, stroke: 0.5pt + luma(160))")
        i = j + 1
    return out


@lru_cache(maxsize=8192)
def markdown_typst(markdown: str) -> str:
    """The Typst markup for one clause body (cached: shared text is converted once)."""
    tokens = _MD.parse(markdown)
    return "\n\n".join(blocks(tokens, 0, len(tokens)))
