"""The Typst PDFs: same content as the DOCX, tagged and PDF/UA, bookmarks, links, literal values, same bytes.

Read back with poppler (pdftotext, pdfinfo, pdftohtml's outline) and by
inflating the PDF's streams to look at its structure tree.  Typst itself is a
Python dependency, so only poppler can be missing (then these tests skip,
except in CI).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies.documents.docx_document import cover_rows as docx_cover_rows
from policies.documents.pdf_typst import PREAMBLE, cover_rows, render_pdf, typst_source
from policies.errors import DocumentError

from .helpers import (
    ALPHA,
    HOSTILE,
    LISTS_CLAUSE,
    LOCAL_FACTS,
    ROOT,
    SYNTAX,
    Project,
    ResolvedPolicy,
    load_and_check,
    main_policies,
    outputs_of,
    pdf_text,
    pdfs_of,
    policies_of,
    require,
    resolve_all,
    school_with_hostile_values,
    with_values,
)
from .minimal import write_minimal

# Typst markup, Markdown, HTML and Jinja syntax a school might type; each must reach the PDF as text.
TYPST_HOSTILE = {
    "name": "#set page(width: 1pt) $x$ *stars* _under_ `tick` <script> @ref [a] \\ // comment /* c */ ~ {{ x }}",
    "role": '= Not a heading -- "quoted" ... #let x = 1 #{1 + 1} ]) 1. + - / term: a \\u{41} \\n \\',
}


@pytest.fixture(scope="module")
def project() -> Project:
    return load_and_check(ROOT)[0]


@pytest.fixture(scope="module")
def policies() -> dict[str, ResolvedPolicy]:
    return main_policies(ROOT)


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    require("pdftotext")
    return pdfs_of(ROOT)


def inflated(data: bytes) -> bytes:
    """The PDF with every Flate stream (object streams too, where the structure tree lives) decompressed."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def run_tool(program: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(
            [require(program), *args, handle.name, *(["-"] if program == "pdftotext" else [])],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")


def outline(data: bytes) -> list[str]:
    """The bookmark titles, in order, as pdftohtml reads the PDF's outline."""
    xml = run_tool("pdftohtml", data, "-xml", "-stdout", "-i", "-q")
    return [html.unescape(t) for t in re.findall(r"<item[^>]*>(.*?)</item>", xml)]


def headings(policy: ResolvedPolicy) -> list[str]:
    out = []
    for section in policy.sections:
        out += [f"{section.number}. {section.title}", *(f"{c.number} {c.title}" for c in section.clauses)]
    return out


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_every_heading_in_order_with_the_sites_numbers(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    text = pdf_text(pdfs[slug])
    position = 0
    for heading in headings(policies[slug]):
        found = text.find(heading, position)
        assert found >= 0, f"{slug}: '{heading}' missing or out of order"
        position = found + len(heading)


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_local_facts_and_cover_details(pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str) -> None:
    text = pdf_text(pdfs[slug])
    others = [p for p in policies_of(ROOT) if p.slug == slug and not p.main]  # the school's other documents
    outputs = outputs_of(ROOT)
    everything = "\n".join([text, *(pdf_text(bytes(outputs[f"downloads/{p.stem}.pdf"])) for p in others)])
    assert not [fact for fact in LOCAL_FACTS[slug] if fact.replace("&amp;", "&") not in everything]
    policy = policies[slug]
    assert policy.name in text
    rows = cover_rows(policy)
    assert [label for label, _ in rows] == [label for label, _ in docx_cover_rows(policy, {})]
    assert all(label in text for label, _ in rows)


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_running_header_and_page_n_of_m_footer(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    pages = int(re.search(r"Pages:\s+(\d+)", run_tool("pdfinfo", pdfs[slug]))[1])
    second = " ".join(run_tool("pdftotext", pdfs[slug], "-raw", "-f", "2", "-l", "2").split())
    policy = policies[slug]
    assert second.startswith(f"{policy.name} {policy.title}")
    review = policy.values["policy"]["review"]
    assert second.endswith(f"Next review {review} – Page 2 of {pages}") if review else f"Page 2 of {pages}" in second


def test_no_school_value_in_the_styles_above_the_text(policies: dict[str, ResolvedPolicy]) -> None:
    """Every school's document is laid out under the same styles, so a PDF worker's Typst can reuse one
    school's layout for the next (pdf_typst.PREAMBLE): what differs (the header's and footer's texts, the
    document's author and date) comes after the text, as metadata and the document set rule."""
    sources = {slug: typst_source(policy) for slug, policy in policies.items()}
    for slug, source in sources.items():
        policy = policies[slug]
        head, tail = source[: source.index("\n#title(")], source[source.rindex("#metadata(") :]
        assert head == PREAMBLE + "#v(2.2cm)\n", slug  # the same for every school: no value of its own
        assert tail.startswith(f'#metadata((school: "{policy.name}", title: "{policy.title}", footer: "'), slug
        assert tail.count("\n") == 2 and "\n#set document(title: " in tail, slug  # nothing after them


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_tagged_pdf_ua_titled_en_gb(pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str) -> None:
    data, policy = pdfs[slug], policies[slug]
    raw = inflated(data)
    assert b"/StructTreeRoot" in raw and re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", raw)
    assert b"/Lang(en-GB)" in raw and b"/DisplayDocTitle true" in raw
    assert b"<pdfuaid:part>1</pdfuaid:part>" in raw and b"<rdf:li>en-GB</rdf:li>" in raw
    info = run_tool("pdfinfo", data)
    assert re.search(rf"^Title:\s+{re.escape(policy.title)}$", info, re.M)
    assert re.search(rf"^Author:\s+{re.escape(policy.name)}$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M) and "(A4)" in info
    created = policy.dates.adopted or policy.dates.updated
    if created is not None:  # the policy's own date, never the clock
        assert f"<xmp:CreateDate>{created.start.isoformat()}T00:00:00Z" in raw.decode("latin-1")
    else:
        assert "CreationDate" not in info and b"CreateDate" not in raw
    assert b"/FontFile3" in raw and b"/BaseFont/" in raw  # embedded (subset) fonts


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_headings_are_structure_and_bookmarks(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    policy = policies[slug]
    expected = [*headings(policy), "Legislation and guidance referred to", "Annex: changes to confirm"]
    assert outline(pdfs[slug]) == expected
    tags = Counter(re.findall(rb"/S\s*/(\w+)", inflated(pdfs[slug])))
    assert tags[b"H1"] == len(policy.sections) + 2  # and the references and the annex
    assert tags[b"H2"] == sum(len(s.clauses) for s in policy.sections)
    # details and contacts are tables; the references a list (one item each)
    assert tags[b"Title"] == 1 and tags[b"Table"] == 2 and tags[b"TH"] >= 4 and tags[b"L"] > 0
    cited = {ref for s in policy.sections for c in s.clauses for ref in c.references}
    assert cited and tags[b"LI"] >= len(cited)


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_links_are_link_annotations(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], project: Project, slug: str
) -> None:
    raw = inflated(pdfs[slug])
    uris = set(re.findall(rb"/URI\s*\(([^)]*)\)", raw))
    policy = policies[slug]
    cited = {ref for s in policy.sections for c in s.clauses for ref in c.references if ref in project.references}
    assert {project.references[ref].url.encode() for ref in cited} <= uris
    for url in re.findall(r"\]\((https?://[^)\s]+)\)", "\n".join(c.body for s in policy.sections for c in s.clauses)):
        assert url.encode() in uris
    if site := policy.values["school"]["website"]:
        assert site.encode() in uris
    assert tags_of(raw)[b"Link"] >= len(uris)


def tags_of(raw: bytes) -> Counter[bytes]:
    return Counter(re.findall(rb"/S\s*/(\w+)", raw))


@pytest.mark.slow
def test_same_bytes_twice_and_in_a_fresh_process(pdfs: dict[str, bytes]) -> None:
    assert pdfs_of(ROOT) == pdfs
    script = "import sys; from tests.helpers import ROOT, pdfs_of; sys.stdout.buffer.write(pdfs_of(ROOT)['elton'])"
    fresh = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, check=True).stdout
    assert fresh == pdfs["elton"]


@pytest.fixture(scope="module")
def alpha(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    require("pdftotext")
    files = {"schools/alpha.yml": ALPHA, "clauses/staff/staff-contact.md": LISTS_CLAUSE}
    return pdfs_of(write_minimal(tmp_path_factory.mktemp("alpha"), files))["alpha"]


def test_clause_markdown_lists_links_and_restarted_numbering(alpha: bytes) -> None:
    text = pdf_text(alpha)
    assert "1. first 2. second Between the lists. 1. again one 2. again two • a nested bullet" in text
    raw = inflated(alpha)
    assert b"/URI(https://www.gov.uk/)" in raw and b"/URI(mailto:dsl@alpha.example.org)" in raw
    tags = tags_of(raw)
    # two ordered lists and the nested bullet list, as in the DOCX; and the list of the one reference cited
    assert tags[b"L"] == 4 and tags[b"LI"] == 6


def test_no_clock_date_when_the_policy_has_none(tmp_path: Path) -> None:
    undated = ALPHA.replace("      adopted: 1 March 2023\n      updated: Summer 2024\n", "")
    data = pdfs_of(write_minimal(tmp_path, {"schools/alpha.yml": undated}))["alpha"]
    assert "CreationDate" not in run_tool("pdfinfo", data) and b"CreateDate" not in inflated(data)


@pytest.mark.parametrize("values", [HOSTILE, TYPST_HOSTILE])
def test_hostile_values_appear_literally(tmp_path: Path, values: dict[str, str]) -> None:
    school = school_with_hostile_values()
    for key in ("name", "role"):
        school = school.replace(HOSTILE[key].replace("'", "''"), values[key].replace("'", "''"))
    data = pdfs_of(write_minimal(tmp_path, {"schools/alpha.yml": school}))["alpha"]
    text = pdf_text(data)
    for value in (*values.values(), "<b>Governors</b>", "&lt;Jane&gt; Smith"):
        assert " ".join(value.split()) in text, value
    assert "Staff at " + values["name"] in text  # inside the clause text too, not only the cover
    assert re.search(r"^Page size:\s+595.* x 841", run_tool("pdfinfo", data), re.M)  # no injected page setup


def test_a_character_no_bundled_font_has_is_refused_clearly(tmp_path: Path) -> None:
    school = ALPHA.replace("Alpha Primary School", "Alpha 学校 Primary School")
    with pytest.raises(DocumentError) as raised:  # what the build raises for it (cli prints each failure)
        pdfs_of(write_minimal(tmp_path, {"schools/alpha.yml": school}))
    ((name, reason),) = raised.value.failures
    assert name == "downloads/alpha-social-media-policy.pdf"
    assert reason.startswith('the PDF of Alpha 学校 Primary School\'s policy could not be made: the text `"学"`'), (
        reason
    )


# Any text the bundled fonts can show (Latin, Greek, Cyrillic, punctuation and symbols), weighted towards
# what is syntax in Typst as well as in Markdown, HTML and Jinja.
TYPST_SYNTAX = [
    *["#", "$", "@", "//", "/*", "*/", "= ", "+ ", "- ", "/ x:", "~", "--", "...", "#set ", "#{"],
    *['"', "\\", "\\u{41}", "\\n"],
]
typst_values = (
    st.lists(
        st.one_of(
            st.sampled_from(SYNTAX + TYPST_SYNTAX),
            st.characters(max_codepoint=0x4FF, blacklist_categories=("Cc", "Cf", "Cn", "Cs", "Mn", "Zl", "Zp")),
            st.sampled_from(list("abcXYZ019")),
        ),
        min_size=1,
        max_size=24,
    )
    .map("".join)
    .filter(lambda v: v.strip() == v and v != "")
)


@pytest.fixture(scope="module")
def minimal_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    require("pdftotext")
    project, problems = load_and_check(write_minimal(tmp_path_factory.mktemp("props")))
    assert not problems.errors
    return project


def squeeze(value: str) -> str:
    """Without whitespace: a long value may wrap at a slash or a hyphen, where pdftotext sees a line break."""
    return "".join(value.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=typst_values, role=typst_values)
def test_any_value_is_literal_in_the_pdf(minimal_project: Project, name: str, role: str) -> None:
    project = with_values(minimal_project, name, role)
    policy = resolve_all(project, load_and_check(project.root)[1])[0]  # fresh Problems; the project is ours
    data = render_pdf(policy, project.references)
    text = squeeze(pdf_text(data))
    assert squeeze(name) in text and squeeze(role) in text
    assert squeeze(f"Staff at {name}") in text  # in the clause text as well as on the cover
    info = run_tool("pdfinfo", data)
    assert re.search(r"^Page size:\s+595.* x 841", info, re.M)  # no value set up the page


RICH_CLAUSE = """
    ---
    id: staff-contact
    title: Contact with pupils
    section: staff
    audiences: [staff, governors]
    variables: [school.name]
    references: [kcsie]
    provenance: ["000"]
    ---
    Staff at {{ school.name }} must **never** contact pupils *online*, not even by `chat`.
    See [former pupils](#staff-former-pupils) and [the library](../library/x.md).

    | Channel | Allowed |
    |---|---|
    | School email | **Yes** |
    | Personal phone | No |

    > Quoted guidance.

    ```
    code -- kept as typed
    ```

    ---

    ![A chart](https://example.org/chart.png) Line one\\
    line two.
"""


def test_clause_markdown_formatting_tables_quotes_code_and_inner_links(tmp_path: Path) -> None:
    root = write_minimal(tmp_path, {"clauses/staff/staff-contact.md": RICH_CLAUSE})
    data = pdfs_of(root)["alpha"]
    text = pdf_text(data)
    for part in (
        "must never contact pupils online, not even by chat.",
        "See former pupils and the library.",
        "Channel Allowed School email Yes Personal phone No",
        "Quoted guidance.",
        "code -- kept as typed",
        "A chart Line one line two.",
    ):
        assert part in text, part
    raw = inflated(data)
    tags = tags_of(raw)
    assert tags[b"Table"] == 3 and tags[b"BlockQuote"] == 1 and tags[b"Code"] >= 1  # details, contacts, clause
    assert tags[b"Link"] == 2  # the reference and the clause inside this document; not the site link
    assert b"/URI(../library/x.md)" not in raw and b"/URI(#" not in raw


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_pdf_has_the_contacts_box_and_the_changes_annex(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    text = pdf_text(pdfs[slug])
    assert "Who to contact" in text and "Designated Safeguarding Lead" in text
    annex = text.split("Annex: changes to confirm", 1)[1]
    assert annex.count("Awaiting confirmation.") == len(policies[slug].changes) > 0
