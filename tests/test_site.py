"""A real MkDocs Material build of the shipped data, and its failure safety."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import LOCAL_FACTS, POLICIES, ROOT, copy_project, main, policies_of, tree_digest, visible_text


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    inputs = tree_digest(root)
    status = main(["-C", str(root), "build"])
    assert status == 0
    assert tree_digest(root / "clauses") == {k[8:]: v for k, v in inputs.items() if k.startswith("clauses/")}
    return root


def test_every_generated_page_is_a_site_page_and_every_school_is_searchable(built: Path) -> None:
    site, docs = built / "site", built / "docs"
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")}
    stems = [Path(p).with_suffix("") for p in pages]  # x/index.md and x.md both become x/index.html
    expected = {((stem.parent if stem.name == "index" else stem) / "index.html").as_posix() for stem in stems}
    made = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert made == expected | {"404.html"}
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"] for d in index["docs"]}
    for slug in LOCAL_FACTS:
        assert f"schools/{slug}/" in locations
    downloads = {p.relative_to(docs / "downloads").as_posix() for p in (docs / "downloads").rglob("*") if p.is_file()}
    assert downloads == {
        p.relative_to(site / "downloads").as_posix() for p in (site / "downloads").rglob("*") if p.is_file()
    }
    stems = {p.stem for p in policies_of(ROOT)}  # <school>-<document stem>, a DOCX and a PDF of each
    calendars = {f"calendar/{slug}.ics" for slug in [*LOCAL_FACTS, "all"]}  # each school's reviews, and all
    kinds = ("docx", "pdf")
    assert downloads == {f"{stem}.{kind}" for stem in stems for kind in kinds} | calendars | {"versions.csv"}
    assert {stem.split("-")[0] for stem in stems} == {slug.split("-")[0] for slug in LOCAL_FACTS}


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_school_page_html_carries_local_facts(built: Path, slug: str) -> None:
    pages = [built / "site" / Path(p.page).with_suffix("") / "index.html" for p in policies_of(ROOT) if p.slug == slug]
    text = "\n".join(visible_text(page) for page in pages)  # the school's page and its other documents'
    for fact in LOCAL_FACTS[slug]:
        assert html.unescape(fact) in text


def test_home_page_links_every_school(built: Path) -> None:
    page = (built / "site" / "index.html").read_text(encoding="utf-8")
    for slug in LOCAL_FACTS:
        assert f'href="schools/{slug}/"' in page


def test_clause_headings_have_stable_anchors_and_numbers(built: Path) -> None:
    page = (built / "site" / "schools" / "elton" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h3 [^>]*id="staff-former-pupils">\d+\.\d+ Former pupils', page)
    assert re.search(r'<h2 [^>]*id="introduction">1\. Introduction, purpose and scope', page)


def test_school_clauses_are_not_indexed_twice(built: Path) -> None:
    """The shared text is indexed on the library pages; school pages index their title and details."""
    index = json.loads((built / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    school_entries = [d for d in index["docs"] if d["location"].startswith("schools/elton/")]
    assert [d["location"] for d in school_entries] == ["schools/elton/"]
    assert "Cheshire West and Chester Council" in school_entries[0]["text"]
    assert any(d["location"].startswith("library/staff-former-pupils/") for d in index["docs"])


def test_no_request_to_another_host(built: Path) -> None:
    """No web fonts, CDN scripts or stylesheets: the site works offline."""
    for page in (built / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for attr in re.findall(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', text):
            assert not re.match(r"^(https?:)?//", attr), f"{page}: {attr}"


def test_build_does_not_modify_tracked_files(tmp_path: Path) -> None:
    """In a git checkout of the inputs (a copy: no test writes into the real one), a build changes no tracked file."""
    root = copy_project(tmp_path / "project")

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
        return done.stdout

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "inputs")
    tracked = git("ls-files")
    assert "schools/elton.yml" in tracked and "mkdocs.yml" in tracked
    timings = tmp_path / "timings.json"
    assert main(["-C", str(root), "build", "--no-site", "--timings", str(timings)]) == 0
    assert (root / "docs" / "index.md").is_file()
    assert git("status", "--porcelain", "--untracked-files=no") == ""
    # --timings (scripts/bench.py's source): every stage's seconds and what the build made, as JSON
    report = json.loads(timings.read_text(encoding="utf-8"))
    assert {"load and check", "render", "docx", "pdf", "write"} <= set(report)
    assert report["documents rendered"] == report["pdfs made"] == 8 and report["site processes"] == 0


def test_failed_check_leaves_site_and_inputs_untouched(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site_before = tree_digest(built / "site")
    docs_before = tree_digest(built / "docs")
    school = built / "schools" / "elton.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("Summer 2024", "Summer 20244"), encoding="utf-8")
    inputs_before = tree_digest(built / "schools")
    try:
        assert main(["-C", str(built), "build"]) == 1
        err = capsys.readouterr().err
        assert "schools/elton.yml:" in err and "Traceback" not in err
        assert tree_digest(built / "site") == site_before
        assert tree_digest(built / "docs") == docs_before
        assert tree_digest(built / "schools") == inputs_before
    finally:
        school.write_text(school.read_text(encoding="utf-8").replace("Summer 20244", "Summer 2024"), encoding="utf-8")


def test_failed_mkdocs_build_keeps_previous_site(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site_before = tree_digest(built / "site")
    config = built / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("name: material", "name: no-such-theme"), encoding="utf-8")
    try:
        assert main(["-C", str(built), "build"]) == 1
        err = capsys.readouterr().err
        assert "previous site was left in place" in err
        assert tree_digest(built / "site") == site_before
        assert not list(built.glob(".site-*"))
    finally:
        config.write_text(original, encoding="utf-8")


def test_unchanged_rebuild_rewrites_no_generated_file(built: Path) -> None:
    docs = built / "docs"
    stamps = {p: p.stat().st_mtime_ns for p in docs.rglob("*.md")}
    assert main(["-C", str(built), "build", "--no-site"]) == 0
    assert {p: p.stat().st_mtime_ns for p in docs.rglob("*.md")} == stamps


def test_plain_mkdocs_build_works_on_generated_tree(built: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(tmp_path / "out")],
        cwd=built,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "schools" / "elton" / "index.html").is_file()


def test_python_m_generator_runs(tmp_path: Path) -> None:
    result = subprocess.run([*POLICIES, "-C", str(ROOT), "check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: ")
