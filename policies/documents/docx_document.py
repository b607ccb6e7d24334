"""One DOCX per school, from the same resolved policy as its site page.

The document is the house style's styles, numbering, settings and page
setup (``docx_styles``, via ``docx_reference``) around this school's parts: a cover
block (title, school, the policy's own dates, approval, contacts), the
sections and clauses as Heading 1 and Heading 2 numbered by the house style's
multilevel list (so 1, 1.1 ... are real list numbers that Word keeps in step,
checked here to equal the site's), the clause text (``docx_markdown``, cached
across schools), a table of the legislation and guidance cited, a header
with the school and a footer with version, review date and "Page N of M".

Nothing comes from the clock or the host: core properties carry the policy's
own dates, so the same inputs give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from policies.documents.docx_markdown import Fragment, bookmark, hyperlink, markdown_xml, table_xml
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
from policies.documents.docx_reference import PART_RELS, SECTION_REFS, Reference, house_style
from policies.documents.docx_styles import ORDERED_ABSTRACT, TEXT_WIDTH
from policies.load.library_models import Reference as Citation
from policies.load.models import audience_label
from policies.resolve.contacts import contact_rows
from policies.resolve.details import ANNEX_TITLE, REVIEW_LABEL, annex_introduction, change_heading, detail_rows
from policies.resolve.policy import ResolvedPolicy

DASH = " \u2013 "
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def _contact(person: Mapping[str, str | None], links: dict[str, str]) -> str:
    parts = [run(person["name"] or "")]
    if person.get("phone"):
        parts.append(run(f", {person['phone']}"))
    if person.get("email"):
        email = person["email"] or ""
        parts += [run(", "), hyperlink(run(email, '<w:rStyle w:val="Hyperlink"/>'), f"mailto:{email}", links)]
    return "".join(parts)


def cover_rows(policy: ResolvedPolicy, links: dict[str, str]) -> list[tuple[str, str]]:
    """(label, runs) of the policy details table (details.py: the same rows as the PDF's)."""
    rows = []
    for label, value, link in detail_rows(policy):
        runs = hyperlink(run(value, '<w:rStyle w:val="Hyperlink"/>'), link, links) if link else run(value)
        rows.append((label, runs))
    return rows


def _contacts(policy: ResolvedPolicy, links: dict[str, str]) -> str:
    """The contacts box, the same rows as the page's "Who to contact"."""
    rows = [[para("TableHeading", run("Role")), para("TableHeading", run("Contact"))]]
    for row in contact_rows(policy.values, policy.terms):
        person = _contact({"name": row.name, "phone": row.phone, "email": row.email}, links)
        if row.note:
            person += run(f"; {row.note}")
        rows.append([para("TableText", run(row.role)), para("TableText", person)])
    return para("BodyText", run("Who to contact", '<w:rStyle w:val="Strong"/>')) + table_xml(
        rows, [3119, TEXT_WIDTH - 3119], "Who to contact"
    )


def _changes(policy: ResolvedPolicy) -> str:
    """The annex "Changes to confirm": the same items as the page, for the governors who sign the document."""
    if policy.source_title is None:
        return ""
    unnumbered = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
    out = [
        para("Heading1", run(ANNEX_TITLE), "<w:pageBreakBefore/>" + unnumbered),
        para("BodyText", run(annex_introduction(policy))),
    ]
    strong = '<w:rStyle w:val="Strong"/>'
    for item in policy.changes:
        where, status = change_heading(item)
        out.append(para("BodyText", run(where, strong) + run(f" {status}"), "<w:keepNext/>"))
        out.append(para("BodyText", run("What: ", strong) + run(item.what), "<w:keepNext/>"))
        out.append(para("BodyText", run("Why: ", strong) + run(item.why)))
    return "".join(out)


def _cover(policy: ResolvedPolicy, links: dict[str, str]) -> str:
    v = policy.values
    out = [para("Title", run(policy.title)), para("Subtitle", run(v["school"]["name"]))]
    if v["school"]["motto"]:
        out.append(para("Quote", run(v["school"]["motto"])))
    rows = [[para("TableHeading", run("Item")), para("TableHeading", run("Details"))]]
    rows += [[para("TableText", run(label)), para("TableText", value)] for label, value in cover_rows(policy, links)]
    out.append(table_xml(rows, [3119, TEXT_WIDTH - 3119], "Policy details"))
    out.append(_contacts(policy, links))
    return "".join(out)


def _citations(policy: ResolvedPolicy, registry: Mapping[str, Citation], links: dict[str, str]) -> str:
    cited = dict.fromkeys(ref for s in policy.sections for c in s.clauses for ref in c.references if ref in registry)
    if not cited:
        return ""
    rows = [[para("TableHeading", run(h)) for h in ("Title", "Publisher", "Edition")]]
    for ref in cited:
        item = registry[ref]
        title = hyperlink(run(item.title, '<w:rStyle w:val="Hyperlink"/>'), item.url, links)
        edition = item.edition or (item.date.text if item.date else "")
        rows.append(
            [para("TableText", title), para("TableText", run(item.publisher or "")), para("TableText", run(edition))]
        )
    unnumbered = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>'
    return (
        para("Heading1", run("Legislation and guidance referred to"), unnumbered)
        + para("BodyText", run("This policy refers to the current editions of the following."))
        + table_xml(rows, [5103, 2835, TEXT_WIDTH - 7938], "Legislation and guidance referred to")
    )


def _heading(style: str, anchor: str, title: str, mark: int, ppr: str = "") -> str:
    start = f'<w:bookmarkStart w:id="{mark}" w:name="{bookmark(anchor)}"/>'
    return para(style, start + run(title) + f'<w:bookmarkEnd w:id="{mark}"/>', ppr)


def _place(fragment: Fragment, nums: list[str], first_id: int) -> str:
    """Give each ordered list of a fragment its own list instance, so it restarts at its start number."""
    if not fragment.lists:
        return fragment.xml
    base = first_id + len(nums)
    for start, level in fragment.lists:
        nums.append(
            f'<w:num w:numId="{first_id + len(nums)}"><w:abstractNumId w:val="{ORDERED_ABSTRACT}"/>'
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
        )
    return _PLACEHOLDER.sub(lambda m: str(base + int(m[1])), fragment.xml)


def _body(
    policy: ResolvedPolicy, registry: Mapping[str, Citation], links: dict[str, str], nums: list[str], first_id: int
) -> str:
    out = [_cover(policy, links)]
    mark = 0
    for s_index, section in enumerate(policy.sections, start=1):
        if section.number != str(s_index):
            raise ValueError(f"section {section.id} is numbered {section.number}, not {s_index} as the list would")
        mark += 1
        out.append(_heading("Heading1", section.id, section.title, mark, "<w:pageBreakBefore/>" if mark == 1 else ""))
        if audiences := section.audiences:  # as the site says under each section title
            who = "; ".join(audience_label(a, policy.governance) for a in audiences)
            out.append(para("BodyText", run(f"For {who}.", '<w:rStyle w:val="Emphasis"/>')))
        for c_index, clause in enumerate(section.clauses, start=1):
            if clause.number != f"{s_index}.{c_index}":
                raise ValueError(f"clause {clause.id} is numbered {clause.number}, not {s_index}.{c_index}")
            mark += 1
            out.append(_heading("Heading2", clause.id, clause.title, mark))
            fragment = markdown_xml(clause.body)
            links.update(fragment.links)
            out.append(_place(fragment, nums, first_id))
    out.append(_citations(policy, registry, links))
    out.append(_changes(policy))
    return "".join(out)


def _core(policy: ResolvedPolicy, subject: str) -> str:
    school = policy.values["school"]["name"]
    dates = policy.dates
    created = dates.adopted or dates.updated
    modified = dates.updated or dates.adopted
    stamps = "".join(
        f'<dcterms:{name} xsi:type="dcterms:W3CDTF">{d.start.isoformat()}T00:00:00Z</dcterms:{name}>'
        for name, d in (("created", created), ("modified", modified))
        if d is not None
    )
    version = f"<cp:version>{text(dates.version)}</cp:version>" if dates.version else ""
    return (
        f"{XML_DECL}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{text(policy.title)}</dc:title><dc:subject>{text(subject or policy.title)}</dc:subject>"
        f"<dc:creator>{text(school)}</dc:creator><cp:lastModifiedBy>{text(school)}</cp:lastModifiedBy>"
        f"<cp:revision>1</cp:revision>{stamps}<dc:language>en-GB</dc:language>{version}</cp:coreProperties>"
    )


def _app(policy: ResolvedPolicy) -> str:
    return (
        f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>school-policies</Application><Company>{text(policy.values['school']['name'])}</Company>"
        "</Properties>"
    )


def footer_prefix(policy: ResolvedPolicy) -> str:
    """ "Draft – <identifier> – Version X – Next review Y – ": the draft marking and the version identifier
    (once the build knows them), then whichever of the two dates the school recorded (labels: details.py)."""
    p = policy.values["policy"]
    marked = [("Draft" if policy.version.draft else ""), policy.version.identifier] if policy.version else []
    parts = [
        *marked,
        f"Version {p['version']}" if p["version"] else "",
        f"{REVIEW_LABEL} {p['review']}" if p["review"] else "",
    ]
    return "".join(part + DASH for part in parts if part)


def build_docx(
    policy: ResolvedPolicy,
    registry: Mapping[str, Citation] | None = None,
    *,
    subject: str = "",
    reference: Reference | None = None,
) -> bytes:
    """The school's policy as DOCX bytes: identical bytes for identical inputs."""
    ref = reference or house_style()
    links: dict[str, str] = {}
    nums: list[str] = []
    body = _body(policy, registry or {}, links, nums, ref.first_list_id)
    document = (
        f"{XML_DECL}<w:document {NS_ATTRS}><w:body>{body}"
        f"<w:sectPr>{SECTION_REFS}{ref.page}</w:sectPr></w:body></w:document>"
    )
    rels = PART_RELS + [(rid, "hyperlink", url, True) for rid, url in sorted(links.items())]
    return write_package(
        {
            "docProps/core.xml": _core(policy, subject),
            "docProps/app.xml": _app(policy),
            "word/document.xml": document,
            "word/_rels/document.xml.rels": relationships(rels),
            "word/styles.xml": ref.styles,
            "word/numbering.xml": ref.numbering_open + "".join(nums) + "</w:numbering>",
            "word/settings.xml": ref.settings,
            "word/fontTable.xml": ref.font_table,
            "word/header1.xml": header_xml(policy.values["school"]["name"], policy.title),
            "word/footer1.xml": footer_xml(footer_prefix(policy)),
        }
    )
