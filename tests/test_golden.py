"""Golden files: the generated Markdown of every shipped school, checked in.

A pull request that edits a clause shows, in tests/golden/, exactly what each
school's policy will say differently.  The pages are the ones ``build`` writes
into docs/ (tests/helpers.py builds a copy of the project), so the goldens are
made by the path a real build takes.  Refresh with ``make goldens``.
(Same inputs giving the same bytes, across processes, is test_determinism.py's.)
"""

from __future__ import annotations

import pytest

from .helpers import ROOT

GOLDEN = ROOT / "tests" / "golden"


def test_goldens_match(shipped_pages: dict[str, str], update_goldens: bool) -> None:
    pages = shipped_pages
    expected = {p.relative_to(GOLDEN).as_posix(): p for p in GOLDEN.rglob("*.md")}
    if update_goldens:
        for stale in set(expected) - set(pages):
            expected[stale].unlink()
        for relative, content in pages.items():
            path = GOLDEN / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        pytest.skip("goldens rewritten")
    assert sorted(expected) == sorted(pages), "pages added or removed: run `make goldens` and review the diff"
    for relative, content in pages.items():
        assert expected[relative].read_text(encoding="utf-8") == content, (
            f"{relative} differs from tests/golden: run `make goldens` and review the diff"
        )


def test_a_page_per_school_and_per_clause(shipped_pages: dict[str, str]) -> None:
    """What the goldens must cover: every school, clause and organisation file, and the top pages."""
    names = set(shipped_pages)
    schools = {f"schools/{p.stem}.md" for p in (ROOT / "schools").glob("*.yml")}
    assert {"schools/elton.md", "schools/milnthorpe.md", "schools/st-anns.md"} <= schools
    assert len(schools) == 5 and schools <= names
    clauses = {f"library/{p.stem}.md" for p in (ROOT / "clauses").rglob("*.md") if p.name != "README.md"}
    assert clauses and clauses <= names
    top = {"index.md", "library/index.md", "references.md", "adopt.md", "comparison/index.md", "organisations/index.md"}
    top |= {"changes.md"}  # what changed: the library's releases
    organisations = {
        f"{folder}/{p.stem}.md"
        for p in (ROOT / "organisations").glob("*.yml")
        for folder in ("organisations", "comparison")
    }
    assert len(organisations) == 10  # each shipped school's local authority: its page and its comparison
    documents = {
        "documents/acceptable-use-agreement/elton.md",
        "documents/pupils-rules/elton.md",
        "documents/pupils-rules/montessori-place.md",
    }  # each school's documents after its main one (its page)
    assert names == schools | documents | clauses | top | organisations, (
        "a page that is neither a school's document, a clause, an organisation nor a top page"
    )
