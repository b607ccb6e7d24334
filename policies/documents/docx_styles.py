"""The house style of the downloads: styles, list numbering, settings and page setup.

This is the one source of the look of every DOCX: ``docx_reference`` hands these
parts to each document, and writes them into the specimen on demand
(``python -m policies.documents.docx_reference FILE``).  Design choices:

* Arial (Liberation Sans in LibreOffice, metrically identical), 11 pt: the
  plain sans serif most UK school and council documents use, easy to read.
* Heading 1-3 are built-in heading styles with outline levels, so Word's
  navigation pane, screen readers and the tagged PDF see the structure; they
  are linked to one multilevel list (``numId`` 1) numbering 1., 1.1, 1.1.1,
  as the site does: a level restarts after every higher level, so clause
  numbers restart in each section without anything being typed.
* Bullets (``numId`` 2) and ordered lists (abstract list 2, one ``num`` per
  list with a start override, so each list restarts at 1).
* Colours meet WCAG AA contrast on white.
"""

from __future__ import annotations

from policies.documents.docx_package import NS_ATTRS, XML_DECL

FONT = "Arial"
ACCENT = "1F3864"  # dark blue, 12.6:1 on white
TEXT_WIDTH = 9638  # A4 (11906 twips) less two 2 cm margins
INDENT = 851  # 1.5 cm: clause text sits under the clause title, after its number
PAGE = (
    '<w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="1418" w:right="1134" w:bottom="1418" w:left="1134" w:header="624" w:footer="567" w:gutter="0"/>'
    '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/>'
)

HEADING_LIST = 1  # numId of the clause-number list linked to Heading 1-3
BULLET_LIST = 2  # numId of bullets
ORDERED_ABSTRACT = 2  # abstractNumId that each ordered list instantiates


def _style(kind: str, style_id: str, name: str, body: str, *, based: str = "", nxt: str = "", extra: str = "") -> str:
    parts = [f'<w:style w:type="{kind}"{extra} w:styleId="{style_id}"><w:name w:val="{name}"/>']
    if based:
        parts.append(f'<w:basedOn w:val="{based}"/>')
    if nxt:
        parts.append(f'<w:next w:val="{nxt}"/>')
    parts.append(f"<w:qFormat/>{body}</w:style>")
    return "".join(parts)


def _heading(level: int, size: int, before: int) -> str:
    return _style(
        "paragraph",
        f"Heading{level}",
        f"heading {level}",
        "<w:pPr><w:keepNext/><w:keepLines/>"
        f'<w:numPr><w:ilvl w:val="{level - 1}"/><w:numId w:val="{HEADING_LIST}"/></w:numPr>'
        f'<w:spacing w:before="{before}" w:after="120"/><w:ind w:left="{INDENT}" w:hanging="{INDENT}"/>'
        f'<w:outlineLvl w:val="{level - 1}"/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>',
        based="Normal",
        nxt="BodyText",
    )


def _list_style(style_id: str, name: str, level: int, numbered: bool = True) -> str:
    """A list item (its number or bullet hangs) or, not numbered, a further paragraph of one."""
    left = INDENT + 425 * (level + 1)
    ppr = f'<w:spacing w:after="60"/><w:ind w:left="{left}" w:hanging="425"/><w:contextualSpacing/>'
    ppr = ppr if numbered else f'<w:ind w:left="{left}"/>'
    return _style("paragraph", style_id, name, f"<w:pPr>{ppr}</w:pPr>", based="Normal")


BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="8496B0"/>'
TABLE_BORDERS = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))

STYLES = [
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
    "<w:pPr><w:widowControl/></w:pPr></w:style>",
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
    '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
    '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    _style(
        "paragraph",
        "Title",
        "Title",
        '<w:pPr><w:spacing w:before="1800" w:after="240"/><w:contextualSpacing/></w:pPr>'
        f'<w:rPr><w:b/><w:bCs/><w:color w:val="{ACCENT}"/><w:kern w:val="28"/><w:sz w:val="52"/><w:szCs w:val="52"/>'
        "</w:rPr>",
        based="Normal",
        nxt="Subtitle",
    ),
    _style(
        "paragraph",
        "Subtitle",
        "Subtitle",
        '<w:pPr><w:spacing w:after="360"/></w:pPr><w:rPr><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr>',
        based="Normal",
        nxt="Normal",
    ),
    _heading(1, 32, 480),
    _heading(2, 24, 280),
    _heading(3, 22, 200),
    _style("paragraph", "BodyText", "Body Text", f'<w:pPr><w:ind w:left="{INDENT}"/></w:pPr>', based="Normal"),
    _list_style("ListBullet", "List Bullet", 0),
    _list_style("ListBullet2", "List Bullet 2", 1),
    _list_style("ListNumber", "List Number", 0),
    _list_style("ListNumber2", "List Number 2", 1),
    _list_style("ListContinue", "List Continue", 0, numbered=False),
    _list_style("ListContinue2", "List Continue 2", 1, numbered=False),
    _style(
        "paragraph",
        "Quote",
        "Quote",
        f'<w:pPr><w:spacing w:before="120" w:after="240"/><w:ind w:left="{INDENT}" w:right="{INDENT}"/></w:pPr>'
        '<w:rPr><w:i/><w:iCs/><w:color w:val="404040"/></w:rPr>',
        based="Normal",
        nxt="Normal",
    ),
    _style(
        "paragraph",
        "TableText",
        "Table Text",
        '<w:pPr><w:spacing w:before="40" w:after="40"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr>',
        based="Normal",
    ),
    _style(
        "paragraph",
        "TableHeading",
        "Table Heading",
        "<w:pPr><w:keepNext/></w:pPr><w:rPr><w:b/><w:bCs/></w:rPr>",
        based="TableText",
    ),
    _style(
        "paragraph",
        "Header",
        "header",
        f'<w:pPr><w:tabs><w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs><w:spacing w:after="0"/></w:pPr>'
        '<w:rPr><w:color w:val="404040"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>',
        based="Normal",
    ),
    _style(
        "paragraph",
        "Footer",
        "footer",
        '<w:pPr><w:spacing w:after="0"/><w:jc w:val="center"/></w:pPr>'
        '<w:rPr><w:color w:val="404040"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>',
        based="Normal",
    ),
    _style("character", "Hyperlink", "Hyperlink", '<w:rPr><w:color w:val="0B5CAD"/><w:u w:val="single"/></w:rPr>'),
    _style("character", "Strong", "Strong", "<w:rPr><w:b/><w:bCs/></w:rPr>"),
    _style("character", "Emphasis", "Emphasis", "<w:rPr><w:i/><w:iCs/></w:rPr>"),
    _style(
        "character",
        "HTMLCode",
        "HTML Code",
        '<w:rPr><w:rFonts w:ascii="Courier New" w:hAnsi="Courier New" w:cs="Courier New"/></w:rPr>',
    ),
    _style(
        "table",
        "PolicyTable",
        "Policy Table",
        f'<w:tblPr><w:tblBorders>{TABLE_BORDERS}</w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/><w:bCs/></w:rPr>'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="DCE3EF"/></w:tcPr></w:tblStylePr>',
        based="TableNormal",
    ),
]

STYLES_XML = (
    f"{XML_DECL}<w:styles {NS_ATTRS}><w:docDefaults><w:rPrDefault><w:rPr>"
    f'<w:rFonts w:ascii="{FONT}" w:eastAsia="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/>'
    '<w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB" w:eastAsia="en-GB" w:bidi="ar-SA"/>'
    '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
    f"</w:pPr></w:pPrDefault></w:docDefaults>{''.join(STYLES)}</w:styles>"
)


def _level(ilvl: int, fmt: str, lvl_text: str, left: int, hanging: int, style: str = "", font: str = "") -> str:
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:hint="default"/></w:rPr>' if font else ""
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{pstyle}'
        f'<w:suff w:val="tab"/><w:lvlText w:val="{lvl_text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs><w:ind w:left="{left}" w:hanging="{hanging}"/>'
        f"</w:pPr>{rpr}</w:lvl>"
    )


def _heading_levels() -> str:
    levels = []
    for ilvl in range(9):
        dotted = ".".join(f"%{n}" for n in range(1, ilvl + 2))
        style = f"Heading{ilvl + 1}" if ilvl < 3 else ""
        levels.append(_level(ilvl, "decimal", dotted + ("." if ilvl == 0 else ""), INDENT, INDENT, style))
    return "".join(levels)


_BULLETS = ["\u2022", "\u2013", "\u25aa"]
_ORDERED = [("decimal", "%{n}."), ("lowerLetter", "(%{n})"), ("lowerRoman", "(%{n})")]


def _list_levels(ordered: bool) -> str:
    levels = []
    for ilvl in range(9):
        left = INDENT + 425 * (ilvl + 1)
        if ordered:
            fmt, pattern = _ORDERED[ilvl % 3]
            levels.append(_level(ilvl, fmt, pattern.format(n=ilvl + 1), left, 425))
        else:
            levels.append(_level(ilvl, "bullet", _BULLETS[ilvl % 3], left, 425, font=FONT))
    return "".join(levels)


def _abstract(abstract_id: int, nsid: str, name: str, kind: str, levels: str) -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:nsid w:val="{nsid}"/>'
        f'<w:multiLevelType w:val="{kind}"/><w:name w:val="{name}"/>{levels}</w:abstractNum>'
    )


NUMBERING_XML = (
    f"{XML_DECL}<w:numbering {NS_ATTRS}>"
    + _abstract(0, "5C1A0001", "Policy clause numbers", "multilevel", _heading_levels())
    + _abstract(1, "5C1A0002", "Policy bullets", "hybridMultilevel", _list_levels(False))
    + _abstract(ORDERED_ABSTRACT, "5C1A0003", "Policy ordered lists", "hybridMultilevel", _list_levels(True))
    + f'<w:num w:numId="{HEADING_LIST}"><w:abstractNumId w:val="0"/></w:num>'
    + f'<w:num w:numId="{BULLET_LIST}"><w:abstractNumId w:val="1"/></w:num>'
    + f'<w:num w:numId="3"><w:abstractNumId w:val="{ORDERED_ABSTRACT}"/></w:num>'
    + "</w:numbering>"
)

SETTINGS_XML = (
    f"{XML_DECL}<w:settings {NS_ATTRS}>"
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/><w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat><w:themeFontLang w:val="en-GB"/><w:decimalSymbol w:val="."/>'
    '<w:listSeparator w:val=","/></w:settings>'
)

FONT_TABLE_XML = (
    f"{XML_DECL}<w:fonts {NS_ATTRS}>"
    f'<w:font w:name="{FONT}"><w:panose1 w:val="020B0604020202020204"/><w:charset w:val="00"/>'
    '<w:family w:val="swiss"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="Courier New"><w:panose1 w:val="02070309020205020404"/><w:charset w:val="00"/>'
    '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font></w:fonts>'
)
