"""The caches never publish old text: after any input changes, a rebuild equals a build from nothing.

A rebuild takes school pages from the render memo (policies/render/reuse.py) and site pages from the
page store (policies/website/units.py).  Each test changes one input -- a clause, a school, the
outline, a reference, an organisation, the documents, the theme in overrides/, the generator's code --
rebuilds, and holds docs/ and site/ to a clean build of the changed inputs, byte for byte, and to the
change being visible.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

import policies.compare.columns
import policies.compare.export
import policies.compare.outputs
import policies.render.pages
import policies.runtime.incremental
from policies.compare.export import csv_pieces, matrix_data, to_csv
from policies.compare.matrix import build_matrix
from policies.render.reuse import Pieces
from policies.runtime.write import write_pieces_if_changed
from policies.website.publish import build_site

from .helpers import ROOT, build, checked, copy_project, policies_of, tree_digest


def _edit(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        file = root / path
        text = file.read_text(encoding="utf-8")
        assert old in text, f"{path} no longer holds {old!r}: choose another edit"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _append(path: str, text: str) -> Callable[[Path], None]:
    def append(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return append


CHANGES = {
    "clause": _append("clauses/introduction/introduction-parents.md", "\nA sentence added by the cache test.\n"),
    "school": _edit("schools/st-anns.yml", "review: January 2018", "review: January 2019"),
    "organisation": _edit("organisations/sheffield.yml", "  name: Sheffield City Council", "  name: Sheffield Council"),
    "documents": _edit("clauses/documents.yml", "title: Online Safety Rules for Pupils", "title: Online Safety Rules"),
    "outline": _edit("clauses/outline.yml", "title: Introduction, purpose and scope", "title: Introduction and scope"),
    "reference": _edit(
        "clauses/references.yml", "title: Keeping children safe in education", "title: Keeping children safe at school"
    ),
    "theme": _edit("overrides/main.html", "{% block styles %}", "{% block styles %}<!-- added by the cache test -->"),
}


def _outputs(root: Path) -> dict[str, str]:
    return {**{f"docs/{k}": v for k, v in tree_digest(root / "docs").items()}, **tree_digest(root / "site")}


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sites of more than 20 pages are sharded, so the shipped site goes through the page store too."""
    assert build_site.__kwdefaults__ is not None
    monkeypatch.setitem(build_site.__kwdefaults__, "shard_pages", 20)


@pytest.mark.slow
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_rebuild_after_a_change_equals_a_clean_build(tmp_path: Path, change: str, small_shards: None) -> None:
    root = copy_project(tmp_path / "project")
    build(root, pdf=False, jobs=2)
    before = _outputs(root)
    CHANGES[change](root)
    result = build(root, pdf=False, jobs=2)
    assert result.site is not None and result.site.shards > 1  # the page store is used
    clean = copy_project(tmp_path / "clean", source=root)
    build(clean, pdf=False, jobs=2)
    after = _outputs(root)
    assert after == _outputs(clean)
    assert after != before


def _renders_counted(root: Path, log: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """``after(template, edit)``: how many pages of ``template`` a build (no site, no PDF) renders after
    ``edit``.  The build renders in a forked child, so each render is counted into the file ``log``."""
    original = policies.render.pages.render_template

    def counting(template: str, **data: object) -> str:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{template}\n")
        return original(template, **data)

    def after(template: str, edit: Callable[[], object] = lambda: None) -> int:
        log.write_text("", encoding="utf-8")
        edit()
        build(root, site=False, pdf=False)
        return log.read_text(encoding="utf-8").splitlines().count(template)

    monkeypatch.setattr(policies.render.pages, "render_template", counting)
    return after


def test_school_pages_are_rendered_again_only_when_their_inputs_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No site: the render memo alone.  A school page edited by hand, a new date, a new code version: rendered."""
    root = copy_project(tmp_path / "project")
    after = _renders_counted(root, tmp_path / "rendered.txt", monkeypatch)

    def school_pages_after(edit: Callable[[], object] = lambda: None) -> int:
        return after("school.md.jinja", edit)

    schools = school_pages_after()
    assert schools == len(policies_of(root)) == 8  # a page per document of each school

    memo = root / ".policies-cache" / "school-pages.pickle"
    kept = memo.stat().st_ino, memo.stat().st_mtime_ns
    assert school_pages_after() == 0
    assert (memo.stat().st_ino, memo.stat().st_mtime_ns) == kept, "a rebuild that rendered no page keeps the memo"
    page = next((root / "docs" / "schools").glob("*.md"))
    page.write_text("edited by hand\n", encoding="utf-8")
    assert school_pages_after() == 1 and page.read_text(encoding="utf-8") != "edited by hand\n"
    assert school_pages_after(lambda: CHANGES["school"](root)) == 1
    assert school_pages_after(lambda: monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")) == schools  # 2030
    fingerprint = policies.runtime.incremental.code_fingerprint()
    monkeypatch.setattr(policies.runtime.incremental, "code_fingerprint", lambda: fingerprint + "-next")
    assert school_pages_after() == schools, "a new version of the generator renders every page again"
    (root / ".policies-cache" / "school-pages.pickle").write_bytes(b"not a pickle")
    assert school_pages_after() == schools and os.path.getsize(root / ".policies-cache" / "school-pages.pickle") > 100


def test_comparison_outputs_are_made_again_only_when_their_inputs_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison's pages and downloads come from their memo unless their library, documents or scope
    changed, or their file was touched; then only what depends on the change is made again."""
    root = copy_project(tmp_path / "project")
    log = tmp_path / "made.txt"
    to_markdown, matrix_data = policies.compare.outputs.to_markdown, policies.compare.outputs.matrix_data

    def page(matrix: object, scope: policies.compare.outputs.Scope | None = None) -> str:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"{scope.organisation_slug if scope and scope.organisation_slug else 'index'}\n")
        return to_markdown(matrix, scope)  # type: ignore[arg-type]

    def data(matrix: object) -> object:
        with log.open("a", encoding="utf-8") as handle:
            handle.write("data\n")
        return matrix_data(matrix)  # type: ignore[arg-type]

    def made_after(edit: Callable[[], object] = lambda: None) -> list[str]:
        log.write_text("", encoding="utf-8")
        edit()
        build(root, site=False, pdf=False)
        return sorted(log.read_text(encoding="utf-8").splitlines())

    monkeypatch.setattr(policies.compare.outputs, "to_markdown", page)
    monkeypatch.setattr(policies.compare.outputs, "matrix_data", data)
    everything = made_after()
    assert {"index", "data", "sheffield", "brighton-and-hove"} <= set(everything)
    comparison = root / "docs" / "comparison"
    pages = {p.name: p.read_bytes() for p in comparison.iterdir()}
    assert made_after() == []
    assert {p.name: p.read_bytes() for p in comparison.iterdir()} == pages
    assert made_after(lambda: CHANGES["school"](root)) == ["data", "index", "sheffield"]  # St Ann's is in Sheffield
    (comparison / "brighton-and-hove.md").write_text("edited by hand\n", encoding="utf-8")
    assert made_after() == ["brighton-and-hove"]
    assert (comparison / "brighton-and-hove.md").read_bytes() == pages["brighton-and-hove.md"]
    (comparison / "matrix.json").unlink()
    assert made_after() == ["data"] and (comparison / "matrix.json").is_file()
    assert sorted(made_after(lambda: CHANGES["clause"](root))) == everything
    assert made_after(lambda: CHANGES["organisation"](root)) == ["data", "index", "sheffield"]  # its members name it
    for part in ("page", "data"):  # one memo each, whichever process makes which
        memo = root / ".policies-cache" / f"outputs-comparison-{part}.json"
        memo.write_text('{"comparison/index.md": 5, "comparison/matrix.csv": "x", "comparison/sheffield.md": []}\n')
    assert made_after() == everything, "a memo of entries of another shape: no error, everything made again"
    fingerprint = policies.runtime.incremental.code_fingerprint()
    monkeypatch.setattr(policies.runtime.incremental, "code_fingerprint", lambda: fingerprint + "-next")
    assert made_after() == everything, "a new version of the generator makes everything again"


def test_clause_pages_are_rendered_again_only_when_an_input_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clause library's pages (each lists every school) come from their memo unless the code, a file of
    clauses/ or organisations/, or what they show of a school (its name, organisation, page, variants)
    changed, or the page was touched; a clause page made again equals a build's from nothing."""
    root = copy_project(tmp_path / "project")
    after = _renders_counted(root, tmp_path / "rendered.txt", monkeypatch)

    def clause_pages_after(edit: Callable[[], object] = lambda: None) -> int:
        return after("clause.md.jinja", edit)

    clauses = clause_pages_after()
    assert clauses == len(list((root / "docs" / "library").glob("*.md"))) - 1 > 40  # all but the library's index
    pages = {p.name: p.read_bytes() for p in (root / "docs" / "library").iterdir()}
    assert clause_pages_after() == 0
    page = root / "docs" / "library" / "introduction-purpose.md"
    page.write_text("edited by hand\n", encoding="utf-8")
    assert clause_pages_after() == 1 and page.read_bytes() == pages[page.name]
    assert clause_pages_after(lambda: CHANGES["school"](root)) == 0, "a review date is not on a clause page"
    for change in ("organisation", "clause"):
        assert clause_pages_after(lambda change=change: CHANGES[change](root)) == clauses, change
    for edit in (
        _edit("schools/st-anns.yml", "staff-former-pupils: never", "staff-former-pupils: under-age"),
        _edit("schools/st-anns.yml", "name: St Ann's School", "name: St Ann's Primary School"),
    ):
        assert clause_pages_after(lambda edit=edit: edit(root)) == clauses
        fresh = copy_project(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}", root)
        build(fresh, site=False, pdf=False)
        assert tree_digest(root / "docs" / "library") == tree_digest(fresh / "docs" / "library")
    fingerprint = policies.runtime.incremental.code_fingerprint()
    monkeypatch.setattr(policies.runtime.incremental, "code_fingerprint", lambda: fingerprint + "-next")
    assert clause_pages_after() == clauses, "a new version of the generator renders every page again"


def test_the_comparisons_school_columns_are_made_again_only_when_their_inputs_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each school's column of the comparison (compare/columns.py) is kept by its documents' keys and the
    library: a school edited makes its own column again, a clause edited makes every one, new code too; the
    comparison's pages and downloads then equal a build's from nothing."""
    root = copy_project(tmp_path / "project")
    log = tmp_path / "columns.txt"
    put = policies.compare.columns.Columns.put

    def counting(self: policies.compare.columns.Columns, slug: str, column: object) -> None:
        with log.open("a", encoding="utf-8") as handle:  # the build renders in a forked child: counted in a file
            handle.write(f"{slug}\n")
        put(self, slug, column)

    monkeypatch.setattr(policies.compare.columns.Columns, "put", counting)

    def columns_after(edit: Callable[[Path], None] | None = None) -> list[str]:
        """The schools whose column a build made afresh after ``edit``."""
        log.write_text("", encoding="utf-8")
        if edit is not None:
            edit(root)
        build(root, site=False, pdf=False)
        made = log.read_text(encoding="utf-8").splitlines()
        fresh = copy_project(tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}", root)
        build(fresh, site=False, pdf=False)
        assert tree_digest(root / "docs" / "comparison") == tree_digest(fresh / "docs" / "comparison")
        return sorted(made)

    schools = sorted(path.stem for path in (root / "schools").glob("*.yml"))
    assert columns_after() == schools
    assert (root / ".policies-cache" / "comparison-columns.pickle").is_file()
    assert columns_after(CHANGES["school"]) == ["st-anns"]
    assert columns_after(CHANGES["clause"]) == schools
    fingerprint = policies.runtime.incremental.code_fingerprint()
    monkeypatch.setattr(policies.runtime.incremental, "code_fingerprint", lambda: fingerprint + "-next")
    monkeypatch.setattr(policies.compare.columns, "code_fingerprint", lambda: fingerprint + "-next")
    assert columns_after(_edit("schools/st-anns.yml", "review: January 2019", "review: January 2020")) == schools


def test_a_text_written_in_pieces_is_compared_before_it_is_written(tmp_path: Path) -> None:
    """The comparison's JSON is written as the encoder makes it: an unchanged file is left alone (its folder too)."""
    path = tmp_path / "data" / "matrix.json"
    assert write_pieces_if_changed(path, ["ab", "cd"]) and path.read_bytes() == b"abcd"
    folder, file = path.parent.stat().st_mtime_ns, path.stat().st_ino
    assert not write_pieces_if_changed(path, ["a", "bcd"])
    assert (path.parent.stat().st_mtime_ns, path.stat().st_ino) == (folder, file)
    for pieces, whole in ((["ab", "cX", "yz"], "abcXyz"), (["ab"], "ab"), (["ab", "c"], "abc"), (["é", "ü"], "éü")):
        assert write_pieces_if_changed(path, pieces) and path.read_text(encoding="utf-8") == whole
    assert not write_pieces_if_changed(path, ["éü"]) and not list(path.parent.glob(".*.tmp"))


def test_the_rows_of_the_csv_that_did_not_change_are_read_back_from_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """matrix.csv is remade whenever a school changes, but a row (a clause or a value, for every school) whose
    inputs are as they were is read back from the file: the bytes are those made afresh, whatever the file
    went through."""
    project, documents = checked(ROOT)
    data = matrix_data(build_matrix(project, documents))
    fresh = to_csv(build_matrix(project, documents)).encode("utf-8")
    rows = len(data["clauses"]) + len(data["values"])
    made: list[int] = []
    csv_text = policies.compare.export._csv_text

    def counted(records: object) -> bytes:
        made.append(1)
        return csv_text(records)  # type: ignore[arg-type]

    monkeypatch.setattr(policies.compare.export, "_csv_text", counted)
    path = tmp_path / "comparison" / "matrix.csv"

    def write() -> tuple[bool, int]:
        made.clear()
        memo = Pieces(tmp_path, path, "csv")
        written = write_pieces_if_changed(path, csv_pieces(data, memo))
        memo.save()
        return written, len(made)

    assert write() == (True, rows) and path.read_bytes() == fresh
    assert write() == (False, 0), "nothing changed: every row read back, the file left alone"
    cell = next(iter(data["values"][0]["cells"].values()))
    cell["value"] = "A value changed {{ here }}, with a comma"
    assert write() == (True, 1), "one row made again"
    assert path.read_bytes() == to_csv(build_matrix(project, documents), data).encode("utf-8") != fresh
    with path.open("ab") as handle:  # edited by hand: the record no longer matches the file
        handle.write(b"a line added by hand\n")
    assert write() == (True, rows) and b"by hand" not in path.read_bytes()
    stopped = Pieces(tmp_path, path, "csv")
    next(csv_pieces(data, stopped))  # a build stopped while making them records nothing
    stopped.save()
    assert write() == (False, 0)
    fingerprint = policies.runtime.incremental.code_fingerprint()
    monkeypatch.setattr(policies.runtime.incremental, "code_fingerprint", lambda: fingerprint + "-next")
    assert write() == (False, rows), "a new version of the generator makes every row again"
