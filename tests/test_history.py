"""Approved versions (issue 18): a release, an approval, then a clause change.

The school's page then shows changes awaiting approval with a sentence-level redline; the approved
copy's page, DOCX and PDF keep the old text and stay byte-identical across later builds; the versions
CSV and the calendar parse with standard libraries.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from icalendar import Calendar

from policies.pipeline import build

from .helpers import all_text, git, library_repository, main, open_docx, pdf_text

APPROVAL = """
  - document: "staff-policy"
    release: "2026.1"
    date: 1 December 2026
    by: "Full Governing Body"
    minute: "FGB 2026/14"
"""  # as `policies approve` records it
CLAUSE = Path("clauses/staff-use/staff-monitoring.md")
OLD = "internet history, and remove files."
NEW = "internet history, and may remove files that break this policy."
FAR = "Staff should not expect anything they create"  # a sentence two away from the change
APPROVED = "schools/st-anns/staff-policy/2026.1/index.md"
ACKNOWLEDGEMENT = "schools/st-anns/staff-policy/2026.1/acknowledgement.md"
DOCX = "downloads/approved/st-anns-social-media-policy-2026.1.docx"
PDF = "downloads/approved/st-anns-social-media-policy-2026.1.pdf"
SINCE = "schools/st-anns/staff-policy/since-approval.md"


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = library_repository(tmp_path, monkeypatch)
    assert main(["-C", str(root), "release", "2026.1", "--notes", "The first release."]) == 0
    approve = ["approve", "st-anns", "staff-policy", "--release", "2026.1", "--date", "1 December 2026"]
    assert main(["-C", str(root), *approve, "--by", "Full Governing Body", "--minute", "FGB 2026/14"]) == 0
    assert APPROVAL.strip() in (root / "schools" / "st-anns.yml").read_text(encoding="utf-8")
    git(root, "commit", "-q", "-am", "St Ann's governors approved the policy")
    return root


def outputs(root: Path) -> dict[str, bytes]:
    docs = root / "docs"
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*") if p.is_file()}


def text(files: dict[str, bytes], name: str) -> str:
    return files[name].decode("utf-8")


def test_an_approved_version_stays_as_approved_while_the_text_moves_on(repository: Path) -> None:
    root = repository
    build(root, site=False)
    first = outputs(root)
    page = text(first, "schools/st-anns.md")
    assert "- **Status:** Approved by Full Governing Body on 1 December 2026, minute FGB 2026/14" in page
    identifier = page.split("- **Version identifier:** ", 1)[1].split("\n", 1)[0]
    assert identifier.startswith("staff-policy/2026.1/") and len(identifier.rsplit("/", 1)[1]) == 8
    assert "(st-anns/staff-policy/2026.1/index.md): approved by Full Governing Body on 1 December 2026" in page
    assert SINCE not in first  # nothing has changed since the approval
    approved = text(first, APPROVED)
    assert "**This is the approved version.** The Full Governing Body approved this text on 1 December" in approved
    assert f"Its version identifier is **{identifier}**" in approved and OLD in approved
    assert identifier in text(first, ACKNOWLEDGEMENT)
    assert identifier in all_text(open_docx(first[DOCX])) and OLD in all_text(open_docx(first[DOCX]))
    approved_pdf = pdf_text(first[PDF])
    assert identifier in approved_pdf and "Draft:" not in approved_pdf and "Draft \u2013" not in approved_pdf
    others = text(first, "schools/st-michaels.md")  # no approval recorded: a draft
    assert "- **Status:** Draft: not yet approved by the governing body" in others
    assert "/draft/" in others.split("- **Version identifier:** ", 1)[1].split("\n", 1)[0]

    clause = root / CLAUSE
    clause.write_text(clause.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Monitoring reworded")
    build(root, site=False)
    second = outputs(root)
    for name in (APPROVED, ACKNOWLEDGEMENT, DOCX, PDF):  # the approved copy: byte for byte as it was
        assert second[name] == first[name], name
    page = text(second, "schools/st-anns.md")
    assert "- **Status:** Draft: changes awaiting approval since the version approved on 1 December 2026" in page
    assert "[See what changed](st-anns/staff-policy/since-approval.md)" in page
    redline = text(second, SINCE)
    changed = redline.split("## Changes", 1)[1]
    assert "Monitoring" in changed and '<ins><span class="visually-hidden">added: </span>may</ins>' in changed
    assert "break this policy" in changed and FAR in changed  # the sentence before, as context
    assert "Network administrators" in changed and "The school monitors its IT systems" not in changed
    assert changed.count("### ") == 1  # one clause changed: no other clause is shown
    home = text(second, "index.md")
    assert "[Changes awaiting approval](schools/st-anns/staff-policy/since-approval.md)" in home
    current_docx = all_text(open_docx(second["downloads/st-anns-social-media-policy.docx"]))
    assert "Draft: changes awaiting approval" in current_docx and NEW.split(", and ")[1] in current_docx
    current_pdf = pdf_text(second["downloads/st-anns-social-media-policy.pdf"])
    assert "Draft: changes awaiting approval" in current_pdf and "Draft \u2013 staff-policy/draft/" in current_pdf

    build(root, site=False)  # nothing changed: nothing rewritten
    assert outputs(root) == second

    rows = list(csv.DictReader(io.StringIO(text(second, "downloads/versions.csv"))))
    mine = [row for row in rows if row["school"] == "st-anns"]
    assert [(r["version"], r["status"], r["approval_date"], r["approved_by"], r["minute"]) for r in mine] == [
        ("2026.1", "approved", "2026-12-01", "Full Governing Body", "FGB 2026/14"),
        ("draft", "changed", "", "", ""),
    ]
    assert mine[0]["identifier"] == identifier and mine[0]["address"] == "schools/st-anns/staff-policy/2026.1/"
    assert len(rows) == 9  # a draft row for each of the 8 documents, and the approved version
    calendar = Calendar.from_ical(second["downloads/calendar/st-anns.ics"])
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]


def test_a_fresh_build_of_an_approved_version_makes_the_same_bytes(repository: Path, tmp_path: Path) -> None:
    """Rendered again from its release in another checkout (no cache): the same page, DOCX and PDF."""
    build(repository, site=False)
    first = outputs(repository)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repository), str(clone)], check=True)
    build(clone, site=False)
    again = outputs(clone)
    for name in (APPROVED, ACKNOWLEDGEMENT, DOCX, PDF):
        assert again[name] == first[name], name


def test_the_site_publishes_the_approved_copy_at_its_permanent_address(repository: Path) -> None:
    build(repository)
    site = repository / "site"
    assert (site / "schools/st-anns/staff-policy/2026.1/index.html").is_file()
    assert (site / "schools/st-anns/staff-policy/2026.1/acknowledgement/index.html").is_file()
    assert (site / DOCX).is_file() and (site / PDF).is_file()
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#", 1)[0] for d in index["docs"]}
    assert "schools/st-anns/" in locations  # the current text is found by search; the approved copies are not
    assert not any(location.startswith("schools/st-anns/staff-policy/") for location in locations)


def test_an_approval_whose_release_has_no_tag_stops_the_build(
    repository: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(repository, "tag", "-d", "2026.1")
    assert main(["-C", str(repository), "build", "--no-site"]) == 1
    err = capsys.readouterr().err
    line = (repository / "schools/st-anns.yml").read_text(encoding="utf-8").split("\n").index('    release: "2026.1"')
    message = f"schools/st-anns.yml:{line + 1}: release '2026.1' has no git tag here: its text cannot be read"
    assert message in err
    assert "Traceback" not in err and not (repository / "docs").exists()
    assert main(["-C", str(repository), "check"]) == 1  # check says so too, at the same line
    assert message in capsys.readouterr().err


def changed_since_approval(root: Path) -> None:
    clause = root / CLAUSE
    clause.write_text(clause.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Monitoring reworded")


@pytest.mark.browser
def test_the_history_pages_are_axe_clean_with_working_links(repository: Path) -> None:
    """The approved copy, its acknowledgement sheet, the redline and the school's page, in Chromium with axe."""
    from playwright.sync_api import sync_playwright

    from .browser import CHROMIUM, CHROMIUM_ARGS, serve
    from .test_browser import audit, open_page

    changed_since_approval(repository)
    build(repository)
    site = repository / "site"
    pages = ["schools/st-anns/", "schools/st-anns/staff-policy/2026.1/", "index.html"]
    pages += ["schools/st-anns/staff-policy/2026.1/acknowledgement/", "schools/st-anns/staff-policy/since-approval/"]
    with serve(site) as base_url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name in pages:
            page, report = open_page(browser, base_url)
            page.goto(base_url + name.removesuffix("index.html"), wait_until="networkidle")
            audit(page, report)
            if "since-approval" in name:  # the screen-reader words are in the page, hidden from sight
                box = page.locator("ins .visually-hidden").first.bounding_box()
                assert box is not None and box["width"] <= 1 and box["height"] <= 1
                assert "added:" in page.locator("ins").first.text_content()
            page.close()
            assert report.violations == [] and report.console_errors == [], name
            local = [link.removeprefix(base_url) for link in report.links if link.startswith(base_url)]
            missing = [
                link
                for link in local
                if not (site / link.split("#", 1)[0]).is_file()
                and not (site / link.split("#", 1)[0] / "index.html").is_file()
            ]
            assert missing == [], name
        browser.close()


@pytest.mark.libreoffice
def test_the_approved_copy_and_the_governors_pack_open_in_libreoffice(repository: Path, tmp_path: Path) -> None:
    from .helpers import require

    soffice = require("soffice")
    changed_since_approval(repository)
    assert main(["-C", str(repository), "release", "2026.2", "--notes", "Monitoring reworded."]) == 0
    build(repository, site=False, pdf=False)
    assert main(["-C", str(repository), "pack", "st-anns", "--out", str(tmp_path / "packs")]) == 0
    documents = [repository / "docs" / DOCX, tmp_path / "packs" / "st-anns-governors-pack.docx"]
    out = tmp_path / "text"
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"
    command = [soffice, profile, "--headless", "--norestore", "--convert-to", "txt:Text (encoded):UTF8"]
    subprocess.run([*command, "--outdir", str(out), *map(str, documents)], capture_output=True, check=True, timeout=300)
    approved = " ".join((out / f"{Path(DOCX).stem}.txt").read_text(encoding="utf-8-sig").split())
    assert "Policy for Social Networking" in approved and OLD in approved and "staff-policy/2026.1/" in approved
    pack = " ".join((out / "st-anns-governors-pack.txt").read_text(encoding="utf-8-sig").split())
    assert "St Ann's School" in pack and "2.10 Monitoring" in pack and "break this policy" in pack


def test_a_copy_is_made_again_only_when_its_own_record_changes(repository: Path) -> None:
    """The state keeps one entry a document, with a token a copy: correcting one approval's minute remakes
    that copy alone, and a build without PDFs keeps the copies' PDFs while they are current."""
    root = repository
    assert main(["-C", str(root), "release", "2026.2", "--notes", "The second release."]) == 0
    approve = ["approve", "st-anns", "staff-policy", "--release", "2026.2", "--date", "1 December 2026"]
    assert main(["-C", str(root), *approve, "--by", "Full Governing Body", "--minute", "FGB 2026/15"]) == 0
    build(root, site=False)
    state = json.loads((root / ".policies-cache" / "state.json").read_text(encoding="utf-8"))
    tokens = state["approved:schools/st-anns/staff-policy/"].split()
    assert [token.split("=")[0] for token in tokens] == ["2026.1", "2026.2"]
    assert not [name for name in state if name.startswith("approved:") and name.endswith(".md")]
    docs = root / "docs"
    second = "schools/st-anns/staff-policy/2026.2/index.md"
    stamps = {name: (docs / name).stat().st_mtime_ns for name in (APPROVED, ACKNOWLEDGEMENT, DOCX, PDF, second)}
    school = root / "schools" / "st-anns.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("FGB 2026/15", "FGB 2026/16"), encoding="utf-8")
    build(root, site=False, pdf=False)
    assert "FGB 2026/16" in (docs / second).read_text(encoding="utf-8")
    for name in (APPROVED, ACKNOWLEDGEMENT, DOCX, PDF):  # the first copy: untouched, its PDF still published
        assert (docs / name).stat().st_mtime_ns == stamps[name], name
    assert "st-anns-social-media-policy-2026.1.pdf" in (docs / APPROVED).read_text(encoding="utf-8")
