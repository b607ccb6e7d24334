"""A clause's rendered Markdown as WordprocessingML paragraphs, runs, lists, tables and links.

markdown-it-py parses the Markdown the site is built from, so the DOCX says
what the page says.  School values reach this point escaped as numeric
character references (``escape.py``); the parser decodes them into plain text
tokens, and plain text is written as XML character data only, so a school
called ``<script>*x*</script>`` appears with its brackets and asterisks, never
as markup and never as ``&lt;``.  Raw HTML is off: it is text too.

Conversion is cached by the Markdown text.  The shared clause text is the same
for many schools, so most clauses are converted once per build.  A fragment
does not depend on the document it goes into: link relationship ids are
derived from the URL, and each ordered list carries a placeholder that the
document builder replaces with its own list instance, so lists restart at 1.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from policies.documents.docx_package import attr, para, run
from policies.documents.docx_styles import BULLET_LIST, INDENT, TEXT_WIDTH

_MD = MarkdownIt("commonmark", {"html": False}).enable("table")
LIST_MARK = "\x00"  # cannot occur in XML text (docx_package strips it), so it is a safe placeholder
EXTERNAL = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)


@dataclass(frozen=True)
class Fragment:
    xml: str  # ordered lists as numId "\x00<n>\x00", n indexing ``lists``
    links: tuple[tuple[str, str], ...]  # (relationship id, URL), for word/_rels/document.xml.rels
    lists: tuple[tuple[int, int], ...]  # (start number, level) of each ordered list, in order


def link_id(url: str) -> str:
    """A relationship id from the URL alone, so cached fragments fit any document."""
    return "rIdL" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def bookmark(anchor: str) -> str:
    """A Word bookmark name for a site anchor: a letter first, no hyphens, at most 40 characters."""
    name = "p_" + anchor.replace("-", "_")
    if len(name) > 40:
        name = name[:31] + "_" + hashlib.sha1(anchor.encode("utf-8")).hexdigest()[:8]
    return name


def hyperlink(content: str, href: str, links: dict[str, str]) -> str:
    """A working link: external addresses through a relationship, ``#id`` to a bookmark."""
    if href.startswith("#") and len(href) > 1:
        return f'<w:hyperlink w:anchor="{bookmark(href[1:])}" w:history="1">{content}</w:hyperlink>'
    if EXTERNAL.match(href):
        rid = link_id(href)
        links[rid] = href
        return f'<w:hyperlink r:id="{rid}" w:history="1">{content}</w:hyperlink>'
    return content  # a site-relative link means nothing in a download: keep its text


def _rpr(bold: int, italic: int, linked: bool, code: bool) -> str:
    style = "Hyperlink" if linked else "HTMLCode" if code else "Strong" if bold else "Emphasis" if italic else ""
    props = f'<w:rStyle w:val="{style}"/>' if style else ""
    if bold and style != "Strong":
        props += "<w:b/><w:bCs/>"
    if italic and style != "Emphasis":
        props += "<w:i/><w:iCs/>"
    return props


def inline_xml(tokens: list[Token] | None, links: dict[str, str]) -> str:
    """Runs for one paragraph's inline tokens; adjacent text with the same formatting is one run."""
    out: list[str] = []
    link_start: list[tuple[int, str]] = []
    bold = italic = 0
    pending: list[str] = []
    pending_rpr = ""

    def flush() -> None:
        if pending:
            out.append(run("".join(pending), pending_rpr))
            pending.clear()

    def add(value: str, code: bool = False) -> None:
        nonlocal pending_rpr
        rpr = _rpr(bold, italic, bool(link_start), code)
        if rpr != pending_rpr:
            flush()
            pending_rpr = rpr
        pending.append(value)

    for token in tokens or []:
        kind = token.type
        if kind == "text":
            add(token.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            flush()
            out.append("<w:r><w:br/></w:r>")
        elif kind == "code_inline":
            add(token.content, code=True)
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            flush()
            link_start.append((len(out), str(token.attrs.get("href", ""))))
        elif kind == "link_close" and link_start:
            flush()
            start, href = link_start.pop()
            out[start:] = [hyperlink("".join(out[start:]), href, links)]
        elif kind == "image":
            add(token.content)  # its alternative text
    flush()
    return "".join(out)


def table_xml(rows: list[list[str]], widths: list[int], caption: str, indent: int = 0) -> str:
    """A table whose first row is a header repeated on every page; cells are paragraph XML."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    out = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="PolicyTable"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblInd w:w="{indent}" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/><w:tblLook w:val="0420" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        f'w:lastColumn="0" w:noHBand="1" w:noVBand="1"/><w:tblCaption w:val={attr(caption)}/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
    ]
    for index, cells in enumerate(rows):
        header = "<w:tblHeader/>" if index == 0 else ""
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
        for width, cell in zip(widths, cells, strict=False):
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{cell or para("TableText", "")}</w:tc>'
            )
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _table(tokens: list[Token], links: dict[str, str]) -> str:
    rows: list[list[str]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            style = "TableHeading" if len(rows) == 1 else "TableText"
            rows[-1].append(para(style, inline_xml(token.children, links)))
    columns = max((len(r) for r in rows), default=1)
    width = (TEXT_WIDTH - INDENT) // columns
    return table_xml(rows, [width] * columns, "Table", INDENT)


def _list_ppr(lists: list[int], first: bool) -> tuple[str, str]:
    """Style and numbering of a paragraph in a list item: the first paragraph carries the number."""
    level = len(lists) - 1
    deep = "2" if level else ""
    if not first:
        return f"ListContinue{deep}", ""
    num_id = lists[-1]
    if num_id < 0:  # an ordered list: placeholder for its own numbering instance
        return (
            f"ListNumber{deep}",
            f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{LIST_MARK}{-num_id - 1}{LIST_MARK}"/></w:numPr>',
        )
    return f"ListBullet{deep}", f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'


def convert(tokens: list[Token]) -> Fragment:
    out: list[str] = []
    links: dict[str, str] = {}
    lists: list[int] = []  # BULLET_LIST, or -(n+1) for the n-th ordered list
    starts: list[tuple[int, int]] = []
    first_in_item: list[bool] = []
    quoted = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        kind = token.type
        if kind == "bullet_list_open":
            lists.append(BULLET_LIST)
        elif kind == "ordered_list_open":
            starts.append((int(token.attrs.get("start", 1)), len(lists)))
            lists.append(-len(starts))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            first_in_item.append(True)
        elif kind == "list_item_close":
            first_in_item.pop()
        elif kind in ("blockquote_open", "blockquote_close"):
            quoted += 1 if kind.endswith("open") else -1
        elif kind in ("paragraph_open", "heading_open"):
            runs = inline_xml(tokens[i + 1].children, links)
            if kind == "heading_open":  # clause bodies have no headings; keep the text, emphasised
                runs = inline_xml([Token("strong_open", "", 1), *(tokens[i + 1].children or [])], links)
            if lists:
                style, numbering = _list_ppr(lists, first_in_item[-1])
                first_in_item[-1] = False
                out.append(para(style, runs, numbering))
            else:
                out.append(para("Quote" if quoted else "BodyText", runs))
            i += 3
            continue
        elif kind in ("fence", "code_block"):
            for line in token.content.rstrip("\n").split("\n"):
                out.append(para("BodyText", run(line, '<w:rStyle w:val="HTMLCode"/>'), '<w:spacing w:after="0"/>'))
        elif kind == "table_open":
            end = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            out.append(_table(tokens[i : end + 1], links))
            i = end + 1
            continue
        i += 1
    return Fragment("".join(out), tuple(sorted(links.items())), tuple(starts))


@lru_cache(maxsize=8192)
def markdown_xml(markdown: str) -> Fragment:
    """The WordprocessingML for one clause body (cached: shared text is converted once)."""
    return convert(_MD.parse(markdown))
