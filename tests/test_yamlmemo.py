"""Parsed YAML kept between runs (load/yamlmemo.py): reused only for the same text, never stale or shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.errors import SourceError
from policies.load.yamlmemo import parsed, remembering
from policies.load.yamlsource import parse_yaml
from policies.pipeline import build

from .helpers import copy_project


def counting(calls: list[str]):
    def parse(text: str):
        calls.append(text)
        return parse_yaml(text)

    return parse


def test_a_text_is_parsed_once_across_runs_and_each_run_gets_its_own_copy(tmp_path: Path) -> None:
    file, calls = tmp_path / "memo.pickle", []
    with remembering(file) as memo:
        first, _ = parsed("a: 1\nb: [2, 3]\n", counting(calls))
        first.data["a"] = "changed by a caller"
        memo.save()
    with remembering(file) as memo:
        again, digest = parsed("a: 1\nb: [2, 3]\n", counting(calls))
        other, _ = parsed("a: 2\n", counting(calls))
        memo.save()
    assert calls == ["a: 1\nb: [2, 3]\n", "a: 2\n"]  # the first text was not parsed again
    assert again.data == {"a": 1, "b": [2, 3]} and again.line_of(("b", 1)) == 2 and other.data == {"a": 2}
    assert len(digest) == 64
    with remembering(file):  # outside a memo's block nothing is kept
        pass
    assert parsed("a: 1\nb: [2, 3]\n", counting(calls))[0].data == {"a": 1, "b": [2, 3]} and len(calls) == 3


def test_a_text_that_does_not_parse_is_never_kept(tmp_path: Path) -> None:
    file, calls = tmp_path / "memo.pickle", []
    for _ in range(2):
        with remembering(file) as memo, pytest.raises(SourceError):
            parsed("a: [1\n", counting(calls))
        memo.save()
    assert len(calls) == 2 and not file.exists()


def test_a_build_reads_an_edited_school_file_not_the_memo(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    build(root, site=False, pdf=False)
    assert (root / ".policies-cache" / "parsed-yaml.pickle").is_file()
    school = root / "schools" / "st-anns.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("St Ann's School", "St Anne's School"), "utf-8")
    build(root, site=False, pdf=False)
    page = (root / "docs" / "schools" / "st-anns.md").read_text(encoding="utf-8")
    assert "- **School:** St Anne's School" in page


def test_a_school_is_validated_again_only_when_its_file_or_an_organisation_of_its_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merged model of a school and its organisations is kept under both files' digests."""
    from policies import pipeline
    from policies.load import organisations_load

    root = copy_project(tmp_path / "project")
    build(root, site=False, pdf=False)
    validated: list[str] = []
    real = organisations_load.validate_located

    def counting(located, model, path, problems, loc=()):
        if path.parent.name == "schools":  # organisations' own files are few, and validated every run
            validated.append(path.name)
        return real(located, model, path, problems, loc)

    monkeypatch.setattr(organisations_load, "validate_located", counting)
    monkeypatch.setattr(pipeline, "run_isolated", lambda work, report: work(report))  # count in this process
    build(root, site=False, pdf=False)
    assert validated == []  # nothing changed: every school's model is the kept one
    authority = root / "organisations" / "sheffield.yml"
    text = authority.read_text(encoding="utf-8")
    authority.write_text(text.replace("Sheffield Children Safeguarding Partnership", "Sheffield Safeguarding Hub"))
    build(root, site=False, pdf=False)
    assert validated == ["st-anns.yml", "st-anns.yml"]  # its own file, then merged with its authority's
    page = (root / "docs" / "schools" / "st-anns.md").read_text(encoding="utf-8")
    assert "Sheffield Safeguarding Hub" in page and "Sheffield Children Safeguarding Partnership" not in page
