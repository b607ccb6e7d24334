"""Golden files: the generated Markdown of every shipped school, checked in.

A pull request that edits a clause shows, in tests/golden/, exactly what each
school's policy will say differently.  Refresh with ``make goldens``.
"""

from __future__ import annotations

import pytest

from policies.pipeline import render_all
from policies.resolve.prepare import load_and_check, resolve_all

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"


def generated_pages() -> dict[str, str]:
    project, problems = load_and_check(ROOT)
    assert not problems.errors, "\n".join(map(str, problems.errors))
    policies = resolve_all(project, problems)
    return {name: text for name, text in render_all(project, policies).items() if name.endswith(".md")}


def test_goldens_match(update_goldens: bool) -> None:
    pages = generated_pages()
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


def test_generation_is_deterministic() -> None:
    assert generated_pages() == generated_pages()


@pytest.mark.parametrize("slug", ["elton", "milnthorpe", "montessori-place", "st-anns", "st-michaels"])
def test_every_seed_school_has_a_golden(slug: str) -> None:
    assert (GOLDEN / "schools" / f"{slug}.md").is_file()


def test_goldens_include_a_page_per_school_and_per_clause() -> None:
    names = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    assert {f"schools/{p.stem}.md" for p in (ROOT / "schools").glob("*.yml")} <= names
    assert {f"library/{p.stem}.md" for p in (ROOT / "clauses").rglob("*.md") if p.name != "README.md"} <= names
    assert {"index.md", "library/index.md", "references.md", "adopt.md"} <= names
