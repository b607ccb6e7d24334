"""Data and readers shared by the test modules (which never import one another).

Everything here is cheap at import: nothing is rendered or built until a test (or a fixture in
conftest.py) calls it.  What the generator makes is read from what ``build`` writes into docs/, in a
temporary copy of the project (``built``): there is no second, test-only renderer.  The generator's
entry points that most modules use (``main``, ``build``, ``load_and_check``...) are imported here; a
test module imports from the generator itself only the internals it tests.  ``POLICIES`` is the one
command line that runs it in a subprocess.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.document import Document

from policies.cli import main as main
from policies.load.project import Project as Project

# What most test modules use of the generator, imported here once (so a move inside it is one edit here).
from policies.pipeline import DOCS_DIR
from policies.pipeline import build as build
from policies.resolve.policy import ResolvedPolicy as ResolvedPolicy
from policies.resolve.prepare import load_and_check as load_and_check
from policies.resolve.prepare import resolve_all as resolve_all

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

# The generator's command line, in a fresh process (``python -m generator``).
POLICIES = [sys.executable, "-m", "policies"]


def copy_project(dest: Path, source: Path = ROOT) -> Path:
    """A copy of a project's inputs (not outputs; the shipped one by default) that a test may break freely."""
    for name in ("clauses", "schools", "organisations", "overrides"):
        if (source / name).is_dir():
            shutil.copytree(source / name, dest / name)
    if (source / "mkdocs.yml").is_file():
        shutil.copy2(source / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def synthesise(root: Path, schools: int) -> None:
    """scripts/bench.py's project of ``schools`` generated schools (imported on first use only)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from bench import synthesise as bench_synthesise
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    bench_synthesise(root, schools)


# --- the shipped schools ---------------------------------------------------------------------------

# Facts each school's page must carry, taken from its source policy.
LOCAL_FACTS = {
    "montessori-place": [
        "The Montessori Place",
        "Rob Gueterbock",
        "Sussex Police Child Protection Team",
        "a Director",
        "11-year-old pupils",
        "hand it in to the school office",
    ],
    "st-michaels": [
        "St Michael's CE Primary School",
        "Learning together through love, friendship, forgiveness and faith.",
        "Royal Borough of Windsor and Maidenhead",
        "Health Assured",
        "0800 030 5182",
        "Seesaw, MyMaths and Khan Academy",
        "June 2018",
        "June 2021",
    ],
    "st-anns": [
        "St Ann's School",
        "Sheffield City Council",
        "Sheffield Children Safeguarding Partnership",
        "1 January 2012",
        "January 2018",
        "the Governing Body",
    ],
    "elton": [
        "Elton Primary School &amp; Nursery",
        "Cheshire West and Chester Council",
        "Cheshire Police Child Protection Team",
        "Integrated Access and Referral Team (i-ART)",
        "0300 123 7047",
        "Computing Coordinator",
        "08:45",
        "15:15",
        "Year 5 pupils",
        "Summer 2022",
        "Summer 2024",
        "Full Governors",
    ],
    "milnthorpe": [
        "Milnthorpe Primary School",
        "Westmorland and Furness Council",
        "13",
    ],
}
SLUGS = sorted(LOCAL_FACTS)


# --- a new-school file, filled in -------------------------------------------------------------------


def fill_markers(text: str, value_of: Callable[[str], str]) -> str:
    """A ``policies new-school`` file with each TO FILL replaced by ``value_of(dotted path)`` (top-level
    block and key, e.g. "lado.phone")."""
    out, block = [], ""
    for line in text.split("\n"):
        if re.match(r"^[a-z_]+:", line):
            block = line.split(":")[0]
        if ": TO FILL" in line:
            key = line.split(":")[0].strip()
            line = f"  {key}: {json.dumps(value_of(f'{block}.{key}'))}"
        out.append(line)
    return "\n".join(out)


# --- hostile values: template, HTML and Markdown syntax a school might type ------------------------

HOSTILE = {
    "name": "{{ 7 * 7 }} <script>alert(1)</script> *stars* & Co",
    "role": "Lead [click](javascript:alert(1)) _under_ `code` |pipe| # not a heading",
}


def school_with_hostile_values() -> str:
    """The minimal project's school file (tests/minimal.py) with HOSTILE as its name and DSL role."""
    name = HOSTILE["name"].replace("'", "''")
    role = HOSTILE["role"].replace("'", "''")
    return f"""
        school:
          name: '{name}'
          governance: maintained
        audiences: [staff]
        policy:
          adopted: Summer 2022
          approved_by: '<b>Governors</b>'
          review: Summer 2024
        dsl:
          name: '&lt;Jane&gt; Smith'
          role: '{role}'
    """


# Characters that are syntax somewhere (Markdown, HTML, Jinja, attr_list, tables), for property tests.
SYNTAX = [*list("*_`[](){}<>#|&;!-=+~^\\:/.'\"%$@ "), "{{", "}}", "{%", "&lt;", "&#42;", "<b>", "</p>", "1. ", "- "]


def with_values(project: Project, name: str, role: str) -> Project:
    """The minimal project with its one school's name and DSL role replaced (in memory)."""
    school = project.schools["alpha"]
    changed = school.model_copy(
        update={
            "school": school.school.model_copy(update={"name": name}),
            "dsl": school.dsl.model_copy(update={"role": role}),
        }
    )
    project.schools = {"alpha": changed}
    return project


# A school with dates, a website and a DSL e-mail, and a clause with restarted and nested lists and a link.
ALPHA = """
    school:
      name: Alpha Primary School
      governance: maintained
      website: https://alpha.example.org/
    audiences: [staff]
    policy:
      adopted: 1 March 2023
      updated: Summer 2024
      approved_by: Full Governors
      version: "2.1"
      review: Summer 2026
    dsl:
      name: Jo Bloggs
      email: dsl@alpha.example.org
"""

LISTS_CLAUSE = """
    ---
    id: staff-contact
    title: Contact with pupils
    section: staff
    audiences: [staff, governors]
    variables: [dsl.role, school.name]
    references: [kcsie]
    provenance: ["000"]
    ---
    Staff at {{ school.name }} must not contact pupils online. See [the guidance](https://www.gov.uk/).

    1. first
    2. second

    Between the lists.

    1. again one
    2. again two
       - a nested bullet

    Report any contact to the {{ dsl.role }}.
"""


# --- what the generator makes: what `build` writes into docs/ --------------------------------------


def checked(root: Path) -> tuple[Project, list[ResolvedPolicy]]:
    project, problems = load_and_check(root)
    assert not problems.errors, "\n".join(map(str, problems.errors))
    return project, resolve_all(project, problems)


def policies_of(root: Path) -> list[ResolvedPolicy]:
    """Every document of every school (a school's main document first)."""
    return checked(root)[1]


def main_policies(root: Path) -> dict[str, ResolvedPolicy]:
    """Each school's main document (its page, schools/<slug>.md), by slug."""
    return {policy.slug: policy for policy in policies_of(root) if policy.main}


TEXT_OUTPUTS = (".md", ".csv", ".json")


def built(root: Path, *, pdf: bool = True) -> dict[str, str | bytes]:
    """Every file ``build(site=False)`` writes into docs/, by its path there: text as str, DOCX and PDF as bytes.

    The build runs in a temporary copy of ``root``'s inputs, so the goldens and every other output test
    read what the real pipeline makes, never a second renderer, and ``root`` is left as it was.  With
    ``pdf=False`` no PDF is made and the pages link none (as ``policies build --no-pdf`` on a fresh tree).
    The shipped project's is built once per process (``shipped_outputs``).
    """
    with tempfile.TemporaryDirectory(prefix="policies-built-") as tmp:
        copy = copy_project(Path(tmp) / "project", root)
        build(copy, site=False, pdf=pdf)
        docs = copy / DOCS_DIR
        return {
            p.relative_to(docs).as_posix(): p.read_bytes().decode("utf-8")
            if p.suffix in TEXT_OUTPUTS
            else p.read_bytes()
            for p in sorted(docs.rglob("*"))
            if p.is_file()
        }


@functools.cache
def shipped_outputs() -> dict[str, str | bytes]:
    """``built(ROOT)``, made once per process: the goldens, the matrix and the shipped documents read it."""
    return built(ROOT)


def outputs_of(root: Path) -> dict[str, str | bytes]:
    """Every generated file of docs/ (pages, comparison downloads, DOCX, PDF) by its path there."""
    return shipped_outputs() if root == ROOT else built(root)


def pages_of(root: Path) -> dict[str, str]:
    """The generated Markdown pages by their path in docs/."""
    return {name: str(text) for name, text in outputs_of(root).items() if name.endswith(".md")}


def docx_of(root: Path) -> dict[str, bytes]:
    """Each DOCX the build writes, by its path in docs/ (``downloads/<stem>.docx``)."""
    made = outputs_of(root) if root == ROOT else built(root, pdf=False)
    return {name: data for name, data in made.items() if name.endswith(".docx") and isinstance(data, bytes)}


def school_pages(pages: dict[str, str], slug: str) -> str:
    """Every page of one school's documents, its main page first: what the school publishes."""
    others = sorted(name for name in pages if name.startswith("documents/") and name.endswith(f"/{slug}.md"))
    return "\n".join([pages[f"schools/{slug}.md"], *(pages[name] for name in others)])


def pdfs_of(root: Path) -> dict[str, bytes]:
    """Each school's main document's PDF, as the build writes it, by slug."""
    stems = {f"downloads/{policy.stem}.pdf": slug for slug, policy in main_policies(root).items()}
    return {stems[name]: data for name, data in outputs_of(root).items() if name in stems and isinstance(data, bytes)}


# --- readers ---------------------------------------------------------------------------------------


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under folder, by relative path, to the SHA-256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def visible_text(page: Path) -> str:
    """An HTML page's text as a reader sees it (no scripts or styles), whitespace squeezed."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def read_package(data: bytes) -> dict[str, bytes]:
    """Every member of a DOCX (a zip package), by name, in archive order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def open_docx(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def all_text(document: Document) -> str:
    """Body paragraphs, table cells, header and footer: everything a reader sees."""
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def require(program: str) -> str:
    """The path of a program from scripts/install-system-deps; skip without it, except in CI (a gap)."""
    found = shutil.which(program)
    if found:
        return found
    message = f"{program} is not installed: run scripts/install-system-deps"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pdf_text(data: bytes) -> str:
    """The PDF's text with whitespace (line breaks, the tab after a number) as single spaces."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            [require("pdftotext"), "-raw", "-enc", "UTF-8", handle.name, "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
    return " ".join(out.split())


def git(root: Path, *args: str) -> str:
    """``git ARGS`` in ``root``; its output (a failure fails the test)."""
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def library_repository(folder: Path, monkeypatch: pytest.MonkeyPatch, who: str = "Maintainer") -> Path:
    """The shipped project copied into ``folder``/project as a git repository with one commit, the build date
    1 December 2026 and ``who`` as the author of commits (releases and approvals tests)."""
    email = f"{who.lower()}@example.org"
    for key, value in {
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": email,
        "SOURCE_DATE_EPOCH": "1796083200",  # 1 December 2026
    }.items():
        monkeypatch.setenv(key, value)
    root = copy_project(folder / "project")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The library")
    return root
