"""The PDF downloads: every DOCX converted by LibreOffice in one call, read back with pdftotext.

LibreOffice is slow to start, so the shipped schools' documents and a hostile
one are converted once for the module.  Where LibreOffice or pdftotext is
missing these tests skip, except in CI (``CI`` set), where
``scripts/install-system-deps`` has installed them and a skip would hide a gap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

import generator.pdf as pdf
from generator.build import build
from generator.resolve import ResolvedPolicy

from .conftest import ROOT
from .minimal import write_minimal
from .test_content import LOCAL_FACTS
from .test_docx import docx_of, policies_of
from .test_literal_values import HOSTILE, school_with_hostile_values

HOSTILE_DOCX = "downloads/hostile-social-media-policy.docx"


def require(program: str) -> str:
    found = pdf.find_soffice() if program == "soffice" else shutil.which(program)
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


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    soffice = require("soffice")
    require("pdftotext")
    documents = docx_of(ROOT)
    hostile = write_minimal(tmp_path_factory.mktemp("hostile"), {"schools/alpha.yml": school_with_hostile_values()})
    documents[HOSTILE_DOCX] = next(iter(docx_of(hostile).values()))
    return pdf.convert(documents, soffice)


def test_every_docx_gets_a_pdf(pdfs: dict[str, bytes]) -> None:
    expected = {f"downloads/{slug}-social-media-policy.pdf" for slug in LOCAL_FACTS}
    assert set(pdfs) == expected | {HOSTILE_DOCX.replace(".docx", ".pdf")}
    assert all(data.startswith(b"%PDF-") for data in pdfs.values())


@pytest.fixture(scope="module")
def policies() -> dict[str, ResolvedPolicy]:
    return {p.slug: p for p in policies_of(ROOT)}


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_pdf_has_every_clause_heading_in_order(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    policy = policies[slug]
    text = pdf_text(pdfs[f"downloads/{slug}-social-media-policy.pdf"])
    position = 0
    for section in policy.sections:
        for heading in [f"{section.number}. {section.title}", *(f"{c.number} {c.title}" for c in section.clauses)]:
            found = text.find(heading, position)
            assert found >= 0, f"{slug}: '{heading}' missing or out of order"
            position = found + len(heading)


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_pdf_carries_local_facts(pdfs: dict[str, bytes], slug: str) -> None:
    text = pdf_text(pdfs[f"downloads/{slug}-social-media-policy.pdf"])
    missing = [fact for fact in LOCAL_FACTS[slug] if fact.replace("&amp;", "&") not in text]
    assert not missing


def test_pdfs_are_tagged_and_in_british_english(pdfs: dict[str, bytes]) -> None:
    for name, data in pdfs.items():
        assert b"/StructTreeRoot" in data and re.search(rb"/MarkInfo\s*<<\s*/Marked\s+true", data), name
        assert b"/Lang(en-GB)" in data, name


def test_hostile_values_appear_literally_in_the_pdf(pdfs: dict[str, bytes]) -> None:
    text = pdf_text(pdfs[HOSTILE_DOCX.replace(".docx", ".pdf")])
    for value in (*HOSTILE.values(), "<b>Governors</b>", "&lt;Jane&gt; Smith"):
        assert " ".join(value.split()) in text, value


def test_build_converts_once_then_reuses_unchanged_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require("soffice")
    root = write_minimal(tmp_path)
    build(root, site=False)
    downloads = root / "docs" / "downloads"
    assert sorted(p.name for p in downloads.iterdir()) == [
        "alpha-social-media-policy.docx",
        "alpha-social-media-policy.pdf",
    ]
    made = (downloads / "alpha-social-media-policy.pdf").read_bytes()
    page = (root / "docs" / "schools" / "alpha.md").read_text(encoding="utf-8")
    assert "](../downloads/alpha-social-media-policy.pdf)" in page
    assert "](../downloads/alpha-social-media-policy.docx)" in page
    monkeypatch.setattr(pdf, "find_soffice", lambda: pytest.fail("an unchanged DOCX must not be converted again"))
    build(root, site=False)
    assert (downloads / "alpha-social-media-policy.pdf").read_bytes() == made
    assert "LibreOffice" not in capsys.readouterr().err


def test_a_pdf_kept_by_a_preview_is_remade_once_its_docx_changed(tmp_path: Path) -> None:
    """--no-pdf keeps the old PDF beside a changed DOCX; the next full build must not mistake it for current."""
    require("soffice")
    root = write_minimal(tmp_path)
    build(root, site=False)
    downloads = root / "docs" / "downloads"
    docx, made = downloads / "alpha-social-media-policy.docx", downloads / "alpha-social-media-policy.pdf"
    assert pdf.made_from(made.read_bytes(), docx.read_bytes())
    school = root / "schools" / "alpha.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("Alpha", "Alphabet"), encoding="utf-8")
    build(root, site=False, pdf=False)
    assert not pdf.made_from(made.read_bytes(), docx.read_bytes())  # the preview kept the old one
    build(root, site=False)
    assert pdf.made_from(made.read_bytes(), docx.read_bytes())
    assert "Alphabet" in pdf_text(made.read_bytes())


def test_without_libreoffice_the_build_goes_on_without_pdfs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    root = write_minimal(tmp_path)
    build(root, site=True)  # mkdocs --strict: no link to a PDF that is not there
    assert "LibreOffice (soffice) was not found" in capsys.readouterr().err
    assert [p.name for p in (root / "site" / "downloads").iterdir()] == ["alpha-social-media-policy.docx"]
    page = (root / "docs" / "schools" / "alpha.md").read_text(encoding="utf-8")
    assert ".pdf)" not in page and "](../downloads/alpha-social-media-policy.docx)" in page


def test_a_failed_conversion_is_reported_not_raised(tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'no conversion here' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    result = pdf.pdf_downloads({"downloads/a.docx": b"not a docx"}, tmp_path / "docs", soffice=str(fake))
    assert result.files == {} and result.message is not None and "no conversion here" in result.message


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_pdf_has_the_contacts_box_and_the_changes_annex(
    pdfs: dict[str, bytes], policies: dict[str, ResolvedPolicy], slug: str
) -> None:
    text = pdf_text(pdfs[f"downloads/{slug}-social-media-policy.pdf"])
    assert "Who to contact" in text and "Designated Safeguarding Lead" in text
    annex = text.split("Annex: changes to confirm", 1)[1]
    assert " ".join(annex.split()).count("Awaiting confirmation.") == len(policies[slug].changes) > 0
