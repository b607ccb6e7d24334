"""One PDF per school by Typst, from the same resolved policy as its DOCX and its page.

The document says what the DOCX says, in the same order: title, school,
motto, a table of the policy's details, then the sections and clauses as
level 1 and level 2 headings numbered exactly as on the site (1., 1.1 ...),
their text (``typst_markup``), the list of legislation and guidance cited, a
running header with the school and the policy, and a footer with version,
review date and "Page N of M".

It is compiled in memory by the Typst compiler in the ``typst`` wheel: no
LibreOffice, no files, no network.  Output is tagged and declares PDF/UA-1
(Typst checks what it can of it and refuses what it cannot do, such as text
no font can show); headings are H1/H2 structure and PDF bookmarks; the title
is shown in place of the file name; the language is en-GB.

Reproducible: only the fonts bundled in the wheel are used (system fonts are
ignored, so every machine sets the same glyphs), and the document date is
the policy's own (adopted, else updated), never the clock.  Same inputs, same
bytes.  The body face is Libertinus Serif, the only complete text family in
the wheel (regular, italic, semibold, bold); it has wide Latin, Greek and
Cyrillic coverage, and New Computer Modern and DejaVu Sans Mono stand behind it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from policies.documents.docx_document import footer_prefix
from policies.documents.typst_compile import compile_source
from policies.documents.typst_markup import markdown_typst, string, table, text
from policies.errors import TypstPdfError
from policies.load.library_models import Reference as Citation
from policies.load.models import AUDIENCES
from policies.resolve.contacts import contact_rows
from policies.resolve.details import ANNEX_TITLE, annex_introduction, change_heading, detail_rows
from policies.resolve.policy import ResolvedPolicy

FONTS = ("Libertinus Serif", "New Computer Modern", "DejaVu Sans Mono")
_LABEL = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Fixed page design; no school data in it, not even in the running header and footer: those read the school,
# the title and the footer's text from a metadata element placed after the content, beside the ``document``
# set rule (``typst_document``).  So every school's text is laid out under the same styles, and a worker's
# Typst reuses the layout of each paragraph, heading and table another school's document had too: only what
# differs is laid out again.  A value in a set rule above the content (the header's school name, the
# document's author or date) made every style differ, and with it every kept layout: a one-page document
# took 25-33 ms with it and 18-21 ms without, a staff policy (more of which differs between schools) 99
# against 96 ms, and about 60 ms once like documents follow one another (pdf_pool.likeness).  The PDFs are
# byte-for-byte the same either way: the header is empty only in Typst's first layout pass, which "Page N of
# M" needs anyway.  Colours pass WCAG AA contrast on white.
PREAMBLE = (
    f"\n#let FONTS = ({', '.join(string(f) for f in FONTS)})\n"
    + """\
#let info(key) = { let found = query(<policy-info>); if found.len() > 0 { found.first().value.at(key) } }
#set page(paper: "a4", margin: (x: 2.3cm, top: 2.6cm, bottom: 2.4cm),
  header: context if counter(page).get().first() > 1 [
    #set text(size: 8.5pt, fill: luma(70))
    #grid(columns: (1fr, auto), column-gutter: 1em, info("school"), info("title"))
    #v(-0.55em) #line(length: 100%, stroke: 0.4pt + luma(150))
  ],
  footer: context [
    #set text(size: 8.5pt, fill: luma(70))
    #line(length: 100%, stroke: 0.4pt + luma(150)) #v(-0.45em)
    #info("footer");Page #counter(page).display() of #counter(page).final().first()
  ])
#set text(font: FONTS, size: 11pt, lang: "en", region: "gb", hyphenate: false)
#set par(leading: 0.62em, spacing: 0.95em)
#set list(indent: 0.4em, body-indent: 0.6em, spacing: 0.6em, marker: ([•], [–], [◦]))
#set enum(indent: 0.4em, body-indent: 0.6em, spacing: 0.6em)
#set table(stroke: 0.5pt + luma(160), inset: (x: 6pt, y: 5.5pt), align: left + top,
  fill: (_, y) => if y == 0 { rgb("#e6ecf3") })
#show table.cell.where(y: 0): set text(weight: "bold")
#show table: set par(spacing: 0.6em)
#set heading(numbering: none)
#show heading: set block(breakable: false)
#let GAP = 1.3cm  // the text column: headings' numbers hang in the margin before it, as in the DOCX
#let numbered(it) = pad(left: -GAP, {
  let parts = if it.body.has("text") { it.body.text.split(" ") } else { () }
  if parts.len() > 1 and parts.first().match(regex("^\\d+(\\.\\d+)*\\.?$")) != none {
    grid(columns: (GAP, 1fr), parts.first(), parts.slice(1).join(" "))
  } else { it.body }
})
#show heading.where(level: 1): it => {
  set text(size: 15pt, weight: "bold", fill: rgb("#1f3864"))
  block(above: 1.9em, below: 0.9em, sticky: true, numbered(it))  // sticky: never last on a page
}
#show heading.where(level: 2): it => {
  set text(size: 12pt, weight: "bold", fill: rgb("#1f3864"))
  block(above: 1.4em, below: 0.7em, sticky: true, numbered(it))
}
#show title: set text(size: 24pt, weight: "bold", fill: rgb("#1f3864"))
#show title: set block(below: 0.7em)
#show link: it => underline(text(fill: rgb("#1a4f9c"), it), offset: 1.5pt, stroke: 0.4pt)
#show raw: set text(font: "DejaVu Sans Mono", size: 9.5pt)
#show quote: set pad(left: 1.2em)
#let inner-link(id, body) = context if query(label(id)).len() == 1 { link(label(id), body) } else { body }
"""
)


def _date(policy: ResolvedPolicy) -> str:
    dates = policy.dates
    created = dates.adopted or dates.updated
    if created is None:
        return "none"
    d: dt.date = created.start
    return f"datetime(year: {d.year}, month: {d.month}, day: {d.day})"


def _contact(person: Mapping[str, Any]) -> str:
    out = text(person["name"] or "")
    if person.get("phone"):
        out += text(f", {person['phone']}")
    if email := person.get("email"):
        out += text(", ") + f"#link({string('mailto:' + email)})[{text(email)}]"
    return out


def cover_rows(policy: ResolvedPolicy) -> list[tuple[str, str]]:
    """(label, markup) of the policy details: details.py's rows, as the DOCX's cover table has them."""
    return [
        (label, f"#link({string(link)})[{text(value)}]" if link else text(value))
        for label, value, link in detail_rows(policy)
    ]


def _contacts(policy: ResolvedPolicy) -> list[str]:
    """The contacts box: contacts.py's rows, as the page's "Who to contact" and the DOCX have them."""
    rows = [[text("Role"), text("Contact")]]
    for row in contact_rows(policy.values, policy.terms):
        person = _contact({"name": row.name, "phone": row.phone, "email": row.email})
        if row.note:
            person += text(f"; {row.note}")
        rows.append([text(row.role), person])
    return [f"#strong[{text('Who to contact')}]", table(rows, "(32%, 1fr)")]


def _cover(policy: ResolvedPolicy) -> list[str]:
    v = policy.values
    out = ["#v(2.2cm)", f"#title({string(policy.title)})", f"#text(size: 15pt)[{text(v['school']['name'])}]"]
    if v["school"]["motto"]:
        out.append(f"#emph[{text(v['school']['motto'])}]")
    out.append("#v(0.8em)")
    rows = [[text("Item"), text("Details")], *([text(label), value] for label, value in cover_rows(policy))]
    out.append(table(rows, "(32%, 1fr)"))
    out += _contacts(policy)
    return out


def _annex(policy: ResolvedPolicy) -> list[str]:
    """The annex "Changes to confirm", as the DOCX has it (details.py words both)."""
    if policy.source_title is None:
        return []
    out = ["#pagebreak()", f"#heading(level: 1, {string(ANNEX_TITLE)})", text(annex_introduction(policy))]
    for item in policy.changes:
        where, status = change_heading(item)
        out.append(
            f"#block(breakable: false)[#strong[{text(where)}] {text(status)}\
"
            f"#strong[{text('What: ')}]{text(item.what)}]"
        )
        out.append(f"#strong[{text('Why: ')}]{text(item.why)}")
    return out


def _heading(level: int, title: str, anchor: str, labels: set[str]) -> str:
    markup = f"#heading(level: {level}, {string(title)})"
    if _LABEL.match(anchor) and anchor not in labels:  # ids are label-safe; a repeat would make links ambiguous
        labels.add(anchor)
        markup += f" <{anchor}>"
    return markup


def _citations(policy: ResolvedPolicy, registry: Mapping[str, Citation]) -> list[str]:
    """The legislation and guidance cited, as a reference list: each title (a link), then its publisher and
    edition.  The DOCX has a table of the same three columns; a list says the same, reads as well in one
    column, and costs Typst a third of what a 45-row table spanning pages does (14 ms of a 50 ms document)."""
    cited = dict.fromkeys(ref for s in policy.sections for c in s.clauses for ref in c.references if ref in registry)
    if not cited:
        return []
    items = []
    for ref in cited:
        item = registry[ref]
        about = [part for part in (item.publisher, item.edition or (item.date.text if item.date else "")) if part]
        items.append(
            f"- #link({string(item.url)})[{text(item.title)}]" + (text(f" – {', '.join(about)}") if about else "")
        )
    return [
        f"#heading(level: 1, {string('Legislation and guidance referred to')})",
        text("This policy refers to the current editions of the following."),
        "\n".join(items),
    ]


def _body(policy: ResolvedPolicy, registry: Mapping[str, Citation]) -> list[str]:
    out = [*_cover(policy), "#pagebreak()"]
    start = len(out)
    labels: set[str] = set()
    for s_index, section in enumerate(policy.sections, start=1):
        if section.number != str(s_index):
            raise ValueError(f"section {section.id} is numbered {section.number}, not {s_index}")
        out.append(_heading(1, f"{section.number}. {section.title}", section.id, labels))
        if section.audiences:  # as the site and the DOCX say under each section title
            out.append(f"#emph[{text('For ' + '; '.join(AUDIENCES.get(a, a) for a in section.audiences) + '.')}]")
        for c_index, clause in enumerate(section.clauses, start=1):
            if clause.number != f"{s_index}.{c_index}":
                raise ValueError(f"clause {clause.id} is numbered {clause.number}, not {s_index}.{c_index}")
            out.append(_heading(2, f"{clause.number} {clause.title}", clause.id, labels))
            out.append(markdown_typst(clause.body))
    return [*out[:start], "#pad(left: GAP)[", *out[start:], *_citations(policy, registry), "]", *_annex(policy)]


def typst_source(policy: ResolvedPolicy, registry: Mapping[str, Citation] | None = None, *, subject: str = "") -> str:
    """The Typst document for one school: fixed markup around string literals of its values."""
    school = policy.values["school"]["name"]
    return typst_document(
        _body(policy, registry or {}),
        title=policy.title,
        author=school,
        description=subject or policy.title,
        date=_date(policy),
        header=(school, policy.title),
        footer=footer_prefix(policy),
    )


def typst_document(
    body: list[str], *, title: str, author: str, description: str, date: str, header: tuple[str, str], footer: str
) -> str:
    """PREAMBLE, the body's blocks, then what differs between documents: the running header's two texts and
    the footer's, as metadata the page design reads, and the PDF's title, author, description and ``date``
    (Typst markup: ``datetime(...)`` or ``none``).  After the content, not above it: see PREAMBLE."""
    info = f"(school: {string(header[0])}, title: {string(header[1])}, footer: {string(footer)})"
    tail = (
        f"#metadata({info}) <policy-info>\n"
        f"#set document(title: {string(title)}, author: {string(author)}, "
        f"description: {string(description)}, date: {date})\n"
    )
    return PREAMBLE + "\n\n".join(body) + "\n\n" + tail


def render_pdf(policy: ResolvedPolicy, registry: Mapping[str, Citation] | None = None, *, subject: str = "") -> bytes:
    """The school's policy as PDF bytes (tagged, PDF/UA-1): identical bytes for identical inputs.

    Raises TypstPdfError when Typst refuses the document, e.g. a value holds a character that none of
    the bundled fonts can show (PDF/UA forbids a glyph that is not there; the DOCX still has it).
    """
    try:
        return compile_source(typst_source(policy, registry, subject=subject))
    except TypstPdfError as exc:
        raise TypstPdfError(f"{policy.slug}: the PDF could not be made: {exc}") from exc
