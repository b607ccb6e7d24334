"""A shard keeps mkdocs.yml's own exclude_docs, even when the configuration uses MkDocs' YAML tags."""

from pathlib import Path

import pytest

from policies.website.shards import inherited_excludes


def test_exclude_docs_survive_env_tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_NAME", "Policies")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: !ENV [SITE_NAME, 'x']\nexclude_docs: |\n  drafts/\n  *.tmp\n", encoding="utf-8"
    )
    assert inherited_excludes(tmp_path) == "drafts/\n*.tmp\n"


def test_the_shipped_configuration_reads(tmp_path: Path) -> None:
    assert inherited_excludes(Path(__file__).resolve().parents[1]) == ""
