"""The governors' meeting pack as DOCX: the house style (docx_styles), its own content.

Headings are the house style's Heading 1-3, unnumbered (the clause numbers are in their text, as in the
school's documents).  In the redline removed words are struck through and added words underlined, each in
a colour too but never by colour alone; the cover says what the marks mean.  School values are written as
text only (``docx_package.run``).  Reproducible: the zip is written by ``docx_package.write_package``
(fixed times, order and compression) and the core properties carry the build date, so the same inputs
give the same bytes.
"""

from __future__ import annotations

from policies.documents.docx_document import _place
from policies.documents.docx_markdown import markdown_xml, table_xml
from policies.documents.docx_package import (
    NS_ATTRS,
    XML_DECL,
    footer_xml,
    header_xml,
    para,
    relationships,
    run,
    text,
    write_package,
)
from policies.documents.docx_reference import PART_RELS, SECTION_REFS, house_style
from policies.documents.docx_styles import TEXT_WIDTH
from policies.history.redline import ELLIPSIS, Span
from policies.maintain.pack import (
    CLAUSE_NOTES,
    LEGEND,
    DocumentPack,
    Pack,
    day,
    not_approved,
    since_heading,
    status,
)
from policies.resolve.details import change_heading

UNNUMBERED = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
STRONG = '<w:rStyle w:val="Strong"/>'
DELETED = '<w:strike/><w:color w:val="A4161A"/>'  # struck through, and dark red (AA on white)
INSERTED = '<w:color w:val="1B5E20"/><w:u w:val="single"/>'  # underlined, and dark green (AA on white)
TITLE = "Governors' meeting pack"


def _heading(level: int, title: str, page_break: bool = False) -> str:
    return para(f"Heading{level}", run(title), ("<w:pageBreakBefore/>" if page_break else "") + UNNUMBERED)


def _body(content: str, keep: bool = False) -> str:
    return para("BodyText", content, "<w:keepNext/>" if keep else "")


def spans_xml(spans: tuple[Span, ...]) -> str:
    """Runs of a redlined sentence: removed words struck through, added ones underlined."""
    marks = {"equal": "", "deleted": DELETED, "inserted": INSERTED}
    return "".join(run(span.text, marks[span.kind]) for span in spans)


def _cover(pack: Pack) -> list[str]:
    release = pack.release
    out = [
        para("Title", run(TITLE)),
        para("Subtitle", run(pack.school)),
        _body(run(f"Prepared on {day(pack.date)}. ")
              + run(f"The text to approve is library release {release.name} of {release.date.text}: {release.notes}")),
    ]  # fmt: skip
    if pack.meeting is not None:
        out.append(_body(run("Meeting: ", STRONG) + run(pack.meeting.text)))
    rows = [[para("TableHeading", run(h)) for h in ("Document", "Version to approve", "Since its last approval")]]
    for document in pack.documents:
        cells = (document.title, document.identifier, status(document))
        rows.append([para("TableText", run(cell)) for cell in cells])
    out.append(table_xml(rows, [3402, 3119, TEXT_WIDTH - 6521], "Documents to approve"))
    out.append(_body(run(LEGEND)))
    return out


def _redline(document: DocumentPack) -> list[str]:
    assert document.redline is not None
    if not document.redline.changed:
        return [_body(run("No changes."))]
    out = []
    for clause in document.redline.clauses:
        out.append(_heading(3, f"{clause.number} {clause.title}"))
        if clause.title_spans:
            out.append(_body(run("Title: ", STRONG) + spans_xml(clause.title_spans)))
        if note := CLAUSE_NOTES[clause.kind]:
            out.append(_body(run(note, '<w:rStyle w:val="Emphasis"/>')))
        for hunk in clause.hunks:
            if hunk.skipped_before:
                out.append(_body(run(ELLIPSIS)))
            out += [_body(spans_xml(line.spans)) for line in hunk.lines]
        if clause.skipped_after:
            out.append(_body(run(ELLIPSIS)))
    return out


def _full_text(document: DocumentPack, links: dict[str, str], nums: list[str], first_id: int) -> list[str]:
    out = [_body(run(not_approved(document)))]
    for section in document.policy.sections:
        out.append(_heading(3, f"{section.number}. {section.title}"))
        for clause in section.clauses:
            out.append(_body(run(f"{clause.number} {clause.title}", STRONG), keep=True))
            fragment = markdown_xml(clause.body)
            links.update(fragment.links)
            out.append(_place(fragment, nums, first_id))
    return out


def _changes(document: DocumentPack) -> list[str]:
    out = [_heading(2, "Changes to confirm")]
    if not document.changes:
        return [*out, _body(run("None: no change from the school's own policy is waiting for confirmation."))]
    source = document.policy.source_title or "policy"
    out.append(_body(run(f"Where this document departs from the school's own {source}, not yet confirmed:")))
    for item in document.changes:
        where, state = change_heading(item)
        out.append(_body(run(where, STRONG) + run(f" {state}"), keep=True))
        out.append(_body(run("What: ", STRONG) + run(item.what), keep=True))
        out.append(_body(run("Why: ", STRONG) + run(item.why)))
    return out


def _document(document: DocumentPack, links: dict[str, str], nums: list[str], first_id: int) -> list[str]:
    policy = document.policy
    out = [
        _heading(1, document.title, page_break=True),
        _body(run("Version to approve: ", STRONG) + run(document.identifier)),
        _heading(2, since_heading(document)),
    ]
    if document.redline is None:
        out += _full_text(document, links, nums, first_id)
    else:
        out += _redline(document)
    out += _changes(document)
    out += [
        _heading(2, "Resolution"),
        _body(run(document.resolution)),
        _body(run(f"For the clerk, to record the approval of the {policy.title} after the meeting:"), keep=True),
        _body(run(document.command, '<w:rStyle w:val="HTMLCode"/>')),
    ]
    return out


def _core(pack: Pack) -> str:
    stamp = f"{pack.date.isoformat()}T00:00:00Z"
    subject = f"The documents of {pack.school} to approve at library release {pack.release.name}"
    return (
        f"{XML_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text(f'{TITLE}: {pack.school}')}</dc:title><dc:subject>{text(subject)}</dc:subject>"
        f"<dc:creator>{text(pack.school)}</dc:creator><cp:lastModifiedBy>{text(pack.school)}</cp:lastModifiedBy>"
        f'<cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "<dc:language>en-GB</dc:language></cp:coreProperties>"
    )


def pack_docx(pack: Pack) -> bytes:
    """The pack as DOCX bytes: identical bytes for identical inputs."""
    ref = house_style()
    links: dict[str, str] = {}
    nums: list[str] = []
    body = _cover(pack)
    for document in pack.documents:
        body += _document(document, links, nums, ref.first_list_id)
    document_xml = (
        f"{XML_DECL}<w:document {NS_ATTRS}><w:body>{''.join(body)}"
        f"<w:sectPr>{SECTION_REFS}{ref.page}</w:sectPr></w:body></w:document>"
    )
    rels = PART_RELS + [(rid, "hyperlink", url, True) for rid, url in sorted(links.items())]
    return write_package(
        {
            "docProps/core.xml": _core(pack),
            "docProps/app.xml": (
                f"{XML_DECL}<Properties "
                'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
                f"<Application>school-policies</Application><Company>{text(pack.school)}</Company></Properties>"
            ),
            "word/document.xml": document_xml,
            "word/_rels/document.xml.rels": relationships(rels),
            "word/styles.xml": ref.styles,
            "word/numbering.xml": ref.numbering_open + "".join(nums) + "</w:numbering>",
            "word/settings.xml": ref.settings,
            "word/fontTable.xml": ref.font_table,
            "word/header1.xml": header_xml(pack.school, TITLE),
            "word/footer1.xml": footer_xml(f"Prepared {day(pack.date)} \u2013 "),
        }
    )
