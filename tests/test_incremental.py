"""Content hashes: an unchanged rebuild redoes nothing; one changed school redoes only its outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import build, copy_project

pytestmark = pytest.mark.slow


def mtimes(folder: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_unchanged_rebuild_and_one_school_changed(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    first = build(root, pdf=False)
    assert first.documents_rendered == 8 and first.site is not None

    docs, site = mtimes(root / "docs"), mtimes(root / "site")
    again = build(root, pdf=False)
    assert again.documents_rendered == 0 and again.site is None
    assert again.changed == [] and mtimes(root / "docs") == docs and mtimes(root / "site") == site

    school = root / "organisations" / "sheffield.yml"  # the value St Ann's inherits, not the authority's name
    school.write_text(school.read_text(encoding="utf-8").replace("  name: Sheffield City Council", "  name: Sheffield"))
    one = build(root, pdf=False)
    rewritten = sorted(
        p.relative_to(root / "site").as_posix() for p, t in mtimes(root / "site").items() if site.get(p) != t
    )
    assert one.site is not None and one.site.rewritten == len(rewritten)
    # The school's page (and its indexed details) and document, the pages showing every school's local
    # authority (the dashboard and the comparison), and the authority's own pages; no other school's.
    assert rewritten == [
        "comparison/index.html",
        "comparison/matrix.csv",
        "comparison/matrix.json",
        "comparison/sheffield/index.html",
        "downloads/st-anns-social-media-policy.docx",
        "downloads/versions.csv",  # St Ann's draft has another identifier: its text changed
        "index.html",
        "organisations/sheffield/index.html",
        "schools/st-anns/index.html",
        "search/search_index.json",
    ]
    assert one.documents_rendered == 1 and one.site is not None
    changed = sorted(p.relative_to(root / "docs").as_posix() for p in one.changed)
    assert "downloads/st-anns-social-media-policy.docx" in changed
    assert "schools/st-anns.md" in changed
    assert not [name for name in changed if name.startswith("schools/") and name != "schools/st-anns.md"]
    others = [name for name in changed if name.startswith("downloads/") and "st-anns" not in name]
    assert others == ["downloads/versions.csv"]  # every document's version, St Ann's among them


def test_theme_change_rebuilds_the_site(tmp_path: Path) -> None:
    """No policy changed, so no document is rendered again; the site is rebuilt and carries the new theme."""
    root = copy_project(tmp_path / "project")
    build(root, pdf=False)
    docs = mtimes(root / "docs")
    css = root / "overrides" / "assets" / "stylesheets" / "policies.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* changed */\n", encoding="utf-8")
    again = build(root, pdf=False)
    assert again.site is not None and again.documents_rendered == 0 and again.changed == []
    assert mtimes(root / "docs") == docs
    published = root / "site" / "assets" / "stylesheets" / "policies.css"
    assert published.read_text(encoding="utf-8").endswith("/* changed */\n")
