"""The governors' meeting pack as PDF, by Typst: what the DOCX says, in the same order.

The page design is the school documents' (``pdf_typst.PREAMBLE``: tagged PDF/UA-1, headings as structure
and bookmarks, the title shown, en-GB); every piece of text, school values included, is a Typst string
literal (``typst_markup.text``), so it appears exactly as written.  Removed words are struck through and
added words underlined, in a colour too.  Reproducible: the bundled fonts only, and the document date is
the build date, so the same inputs give the same bytes.
"""

from __future__ import annotations

from policies.documents.pdf_typst import typst_document
from policies.documents.typst_compile import compile_source
from policies.documents.typst_markup import markdown_typst, string, table, text
from policies.history.redline import ELLIPSIS, Span
from policies.maintain.pack import CLAUSE_NOTES, LEGEND, DocumentPack, Pack, day, not_approved, since_heading, status
from policies.resolve.details import change_heading

TITLE = "Governors' meeting pack"
_MARKS = {
    "deleted": '#text(fill: rgb("#a4161a"))[#strike[{}]]',
    "inserted": '#text(fill: rgb("#1b5e20"))[#underline[{}]]',
}


def spans_typst(spans: tuple[Span, ...]) -> str:
    """A redlined sentence as markup: removed words struck through, added ones underlined."""
    return "".join(text(s.text) if s.kind == "equal" else _MARKS[s.kind].format(text(s.text)) for s in spans)


def _heading(level: int, title: str) -> str:
    return f"#heading(level: {level}, {string(title)})"


def _strong(value: str) -> str:
    return f"#strong[{text(value)}]"


def _cover(pack: Pack) -> list[str]:
    release = pack.release
    out = [
        "#v(2.2cm)",
        f"#title({string(TITLE)})",
        f"#text(size: 15pt)[{text(pack.school)}]",
        "#v(0.8em)",
        text(f"Prepared on {day(pack.date)}. The text to approve is library release {release.name} of "
             f"{release.date.text}: {release.notes}"),
    ]  # fmt: skip
    if pack.meeting is not None:
        out.append(_strong("Meeting: ") + text(pack.meeting.text))
    rows = [[text("Document"), text("Version to approve"), text("Since its last approval")]]
    rows += [[text(d.title), text(d.identifier), text(status(d))] for d in pack.documents]
    out.append(table(rows, "(35%, 30%, 1fr)"))
    out.append(text(LEGEND))
    return out


def _redline(document: DocumentPack) -> list[str]:
    assert document.redline is not None
    if not document.redline.changed:
        return [text("No changes.")]
    out = []
    for clause in document.redline.clauses:
        out.append(_heading(3, f"{clause.number} {clause.title}"))
        if clause.title_spans:
            out.append(_strong("Title: ") + spans_typst(clause.title_spans))
        if note := CLAUSE_NOTES[clause.kind]:
            out.append(f"#emph[{text(note)}]")
        for hunk in clause.hunks:
            if hunk.skipped_before:
                out.append(text(ELLIPSIS))
            out += [spans_typst(line.spans) for line in hunk.lines]
        if clause.skipped_after:
            out.append(text(ELLIPSIS))
    return out


def _full_text(document: DocumentPack) -> list[str]:
    out = [text(not_approved(document))]
    for section in document.policy.sections:
        out.append(_heading(3, f"{section.number}. {section.title}"))
        for clause in section.clauses:
            out.append(f"#block(sticky: true)[{_strong(f'{clause.number} {clause.title}')}]")
            out.append(markdown_typst(clause.body))
    return out


def _changes(document: DocumentPack) -> list[str]:
    out = [_heading(2, "Changes to confirm")]
    if not document.changes:
        return [*out, text("None: no change from the school's own policy is waiting for confirmation.")]
    source = document.policy.source_title or "policy"
    out.append(text(f"Where this document departs from the school's own {source}, not yet confirmed:"))
    for item in document.changes:
        where, state = change_heading(item)
        out.append(f"#block(breakable: false)[{_strong(where)} {text(state)}\\\n{_strong('What: ')}{text(item.what)}]")
        out.append(_strong("Why: ") + text(item.why))
    return out


def _document(document: DocumentPack) -> list[str]:
    out = [
        _heading(1, document.title),
        _strong("Version to approve: ") + text(document.identifier),
        _heading(2, since_heading(document)),
    ]
    out += _full_text(document) if document.redline is None else _redline(document)
    out += _changes(document)
    out += [
        _heading(2, "Resolution"),
        text(document.resolution),
        text(f"For the clerk, to record the approval of the {document.title} after the meeting:"),
        f"#raw(block: true, {string(document.command)})",
    ]
    return out


def pack_typst(pack: Pack) -> str:
    """The Typst document: fixed markup around string literals of the pack's text."""
    d = pack.date
    body = _cover(pack)
    for document in pack.documents:  # each on a new page; the text column as in the school's documents
        body += ["#pagebreak()", "#pad(left: GAP)[", *_document(document), "]"]
    return typst_document(
        body,
        title=f"{TITLE}: {pack.school}",
        author=pack.school,
        description=f"The documents to approve at library release {pack.release.name}",
        date=f"datetime(year: {d.year}, month: {d.month}, day: {d.day})",
        header=(pack.school, TITLE),
        footer=f"Prepared {day(pack.date)} – ",
    )


def pack_pdf(pack: Pack) -> bytes:
    """The pack as PDF bytes (tagged, PDF/UA-1): identical bytes for identical inputs."""
    return compile_source(pack_typst(pack))
