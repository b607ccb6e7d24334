"""WordprocessingML building blocks and a byte-reproducible OPC (zip) writer.

The DOCX is assembled from XML strings rather than through python-docx's
object model: building each element as an lxml object costs several times the
whole budget for a school (15 ms), and string templates make every byte of the
output visible and stable.  Everything here is small and pure so the document
builder (``docx_build``) and the reference document (``docx_reference``) share
one way of escaping text and one way of writing packages.

Reproducibility: members are written in a fixed order with a fixed timestamp,
fixed permissions and fixed compression, so the same parts give the same bytes.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CORE_PROPERTIES_REL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS_ATTRS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = {
    "word/document.xml": f"{CT_MAIN}.document.main+xml",
    "word/styles.xml": f"{CT_MAIN}.styles+xml",
    "word/numbering.xml": f"{CT_MAIN}.numbering+xml",
    "word/settings.xml": f"{CT_MAIN}.settings+xml",
    "word/fontTable.xml": f"{CT_MAIN}.fontTable+xml",
    "word/header1.xml": f"{CT_MAIN}.header+xml",
    "word/footer1.xml": f"{CT_MAIN}.footer+xml",
    "docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
    "docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
}

# Word rejects a document containing these (XML 1.0 forbids them); school values
# are validated single-line text already, this guards the clause library too.
_INVALID_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can record: no clock involved


def text(value: str) -> str:
    """Character data: a value is always literal text, whatever it contains."""
    return escape(_INVALID_XML.sub("", value))


def attr(value: str) -> str:
    """A quoted attribute value."""
    return quoteattr(_INVALID_XML.sub("", value))


def run(value: str, rpr: str = "") -> str:
    """One run of literal text; ``rpr`` is the inner XML of its run properties."""
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{text(value)}</w:t></w:r>'


def para(style: str, content: str, ppr: str = "") -> str:
    """A paragraph in a named style; ``ppr`` is extra paragraph properties, in schema order."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{ppr}</w:pPr>{content}</w:p>'


def field(instruction: str, shown: str) -> str:
    """A complex field (PAGE, NUMPAGES) with a cached result Word and LibreOffice replace."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instruction} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{text(shown)}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def relationships(rels: list[tuple[str, str, str, bool]]) -> str:
    """A .rels part from (id, type suffix, target, external) tuples, in the order given."""
    items = []
    for rid, kind, target, external in rels:
        mode = ' TargetMode="External"' if external else ""
        uri = kind if kind.startswith("http") else REL + kind
        items.append(f'<Relationship Id="{rid}" Type="{uri}" Target={attr(target)}{mode}/>')
    return f'{XML_DECL}<Relationships xmlns="{PKG_RELS_NS}">{"".join(items)}</Relationships>'


def content_types(parts: list[str]) -> str:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{CONTENT_TYPES[name]}"/>' for name in parts if name in CONTENT_TYPES
    )
    return (
        f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


PACKAGE_RELS = relationships(
    [
        ("rId1", "officeDocument", "word/document.xml", False),
        ("rId2", CORE_PROPERTIES_REL, "docProps/core.xml", False),
        ("rId3", "extended-properties", "docProps/app.xml", False),
    ]
)


def write_package(parts: dict[str, str | bytes]) -> bytes:
    """Zip the parts: content types first, then the parts in the order given, no clock, no host."""
    buffer = BytesIO()
    members = {"[Content_Types].xml": content_types(list(parts)), "_rels/.rels": PACKAGE_RELS, **parts}
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0o644 << 16
            payload = data.encode("utf-8") if isinstance(data, str) else data
            archive.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
    return buffer.getvalue()


def header_xml(left: str, right: str) -> str:
    """The running header: the school on the left, the policy title on the right."""
    content = run(left) + "<w:r><w:tab/></w:r>" + run(right)
    return f"{XML_DECL}<w:hdr {NS_ATTRS}>{para('Header', content)}</w:hdr>"


def footer_xml(prefix: str) -> str:
    """The running footer: ``prefix`` then "Page N of M" with live PAGE and NUMPAGES fields."""
    content = run(f"{prefix}Page ") + field("PAGE", "1") + run(" of ") + field("NUMPAGES", "1")
    return f"{XML_DECL}<w:ftr {NS_ATTRS}>{para('Footer', content)}</w:ftr>"
