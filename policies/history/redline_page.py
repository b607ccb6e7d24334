"""The sentence-level redline as Markdown for the site's pages (history/since.py).

Every piece of text is escaped for Markdown; removed and added words are ``<del>`` and ``<ins>``, each
with a visually hidden "removed:" or "added:" so a screen reader says what sighted readers see.
"""

from __future__ import annotations

from policies.history.redline import ELLIPSIS, Redline, Span
from policies.templating.escape import escape_markdown

_HIDDEN = '<span class="visually-hidden">{}</span>'
_MARK = {"deleted": ("del", "removed: "), "inserted": ("ins", "added: ")}
_CLAUSE_NOTE = {"added": "New clause.", "removed": "Clause removed.", "changed": ""}
GAP_MARKDOWN = f'<span aria-hidden="true">{ELLIPSIS}</span>' + _HIDDEN.format("Unchanged text left out.")


def span_markdown(span: Span) -> str:
    """One span as Markdown: text escaped, removed and added words marked for eyes and screen readers."""
    text = escape_markdown(span.text)
    if span.kind == "equal":
        return text
    tag, label = _MARK[span.kind]
    return f"<{tag}>{_HIDDEN.format(label)}{text}</{tag}>"


def _spans_markdown(spans: tuple[Span, ...]) -> str:
    return "".join(span_markdown(span) for span in spans)


def redline_markdown(result: Redline, level: int = 3) -> str:
    """The redline as Markdown for a page: a heading per clause, a paragraph per sentence shown."""
    if not result.changed:
        return "No changes.\n"
    out = []
    for clause in result.clauses:
        out.append(f"{'#' * level} {escape_markdown(f'{clause.number} {clause.title}')}")
        if clause.title_spans:
            out.append(f"Title: {_spans_markdown(clause.title_spans)}")
        if note := _CLAUSE_NOTE[clause.kind]:
            out.append(f"*{note}*")
        for hunk in clause.hunks:
            if hunk.skipped_before:
                out.append(GAP_MARKDOWN)
            out += [_spans_markdown(line.spans) for line in hunk.lines]
        if clause.skipped_after:
            out.append(GAP_MARKDOWN)
    return "\n\n".join(out) + "\n"
