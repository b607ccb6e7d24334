"""The change-impact report: Markdown for a pull-request comment, HTML redlines per school.

The Markdown names the schools whose policy changes and, clause by clause, the
words removed (~~struck~~) and added (**bold**); formatting-only re-renders are
listed apart so they are not mistaken for changes of substance.
"""

from __future__ import annotations

import html
from pathlib import Path

from policies.maintain.diff import SchoolChange, redline


def _md(text: str) -> str:
    """Plain text safe inside the report's Markdown (no accidental emphasis, links or HTML)."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]<>|#~" else c for c in text)


def markdown_report(changes: list[SchoolChange], base: str, head: str) -> str:
    title = f"# Policy impact: {_md(base)} → {_md(head)}\n"
    if not changes:
        return title + "\nNo school's policy changes.\n"
    content = [c for c in changes if c.status != "changed" or c.content]
    lines = [title, "| School | Clauses with changed wording | Formatting only |", "|---|---|---|"]
    for change in changes:
        if change.status != "changed":
            lines.append(f"| {_md(change.name)} | school {change.status} | |")
        else:
            lines.append(f"| {_md(change.name)} | {len(change.content)} | {len(change.formatting)} |")
    lines.append("")
    if content:
        lines.append(f"**{len(content)} school(s) get different wording.**\n")
    else:
        lines.append("**Formatting only: no school's wording changes.**\n")
    for change in changes:
        if change.status != "changed":
            continue
        if change.content:
            lines.append(f"## {_md(change.name)}\n")
            for clause in change.content:
                lines.append(f"### {_md(clause.title)} ({clause.kind})\n")
                safe = redline(_md(clause.old), _md(clause.new))
                lines.append(f"{safe}\n")
        if change.formatting:
            names = ", ".join(_md(c.title) for c in change.formatting)
            lines.append(f"{_md(change.name)}: formatting only in {names}.\n")
    return "\n".join(lines)


HTML_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Redline: {name}</title>
<style>
body {{ font-family: sans-serif; max-width: 50rem; margin: 2rem auto; line-height: 1.5; color: #1a1a1a; }}
del {{ color: #8b0000; text-decoration: line-through; }}
ins {{ color: #004d00; text-decoration: underline; }}
</style>
</head>
<body>
<main>
<h1>Redline: {name}</h1>
<p>Changes between {base} and {head}. Removed words are struck through, added words underlined.</p>
{body}
</main>
</body>
</html>
"""


def html_pages(changes: list[SchoolChange], base: str, head: str, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for change in changes:
        if change.status != "changed" or not change.content:
            continue
        parts = []
        for clause in change.content:
            marked = redline(html.escape(clause.old), html.escape(clause.new), "<del>{}</del>", "<ins>{}</ins>")
            parts.append(f"<h2>{html.escape(clause.title)}</h2>\n<p>{marked}</p>")
        page = HTML_PAGE.format(
            name=html.escape(change.name), base=html.escape(base), head=html.escape(head), body="\n".join(parts)
        )
        path = folder / f"{change.slug}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written
