"""The pipeline: load -> check -> resolve -> render -> write -> site.

Everything is loaded, checked, resolved and rendered in memory first; only a
run with no errors writes the Markdown tree and then builds the site, so bad
input never touches the previous output.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .check import check_project
from .docx_build import render_docx
from .load import Project, load_project
from .matrix_formats import comparison_outputs
from .pages import render_site_pages
from .pdf import add_pdf_downloads
from .problems import InputError, Problems
from .resolve import ResolvedPolicy, resolve_policy
from .site import build_site
from .status import build_date
from .write import TreeWriter

DOCS_DIR = "docs"
SITE_DIR = "site"


@dataclass
class BuildResult:
    problems: Problems
    policies: list[ResolvedPolicy] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def load_and_check(root: Path) -> tuple[Project, Problems]:
    problems = Problems(root)
    project = load_project(root, problems)
    check_project(project, problems)
    return project, problems


def resolve_all(project: Project, problems: Problems) -> list[ResolvedPolicy]:
    policies = []
    for slug in sorted(project.schools):
        policy = resolve_policy(project, slug, problems)
        if policy is not None:
            policies.append(policy)
    return policies


def render_all(project: Project, policies: list[ResolvedPolicy]) -> dict[str, str | bytes]:
    """Every generated file of the docs tree, by path relative to it.

    Each output kind contributes its files here: the pages (Markdown), and
    further stages (documents, data downloads) add theirs beside them.
    """
    assert project.outline is not None
    outputs: dict[str, str | bytes] = {}
    today = build_date(build_epoch(project.root))
    outputs.update(render_site_pages(project, policies, today))
    outputs.update(comparison_outputs(project, policies))  # comparison/index.md, matrix.csv, matrix.json
    outputs.update(render_docx(project, policies))  # downloads/<slug>-social-media-policy.docx
    return outputs


def build_epoch(root: Path) -> int:
    """The build's date: SOURCE_DATE_EPOCH, else the last commit's, never the clock."""
    if value := os.environ.get("SOURCE_DATE_EPOCH"):
        return int(value)
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=False, timeout=10
        )
        return int(out.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return 0


def build(root: Path, *, site: bool = True) -> BuildResult:
    project, problems = load_and_check(root)
    result = BuildResult(problems)
    if problems.errors:
        raise InputError(problems)
    result.policies = resolve_all(project, problems)
    if problems.errors:
        raise InputError(problems)
    pages = render_all(project, result.policies)
    if note := add_pdf_downloads(pages, root / DOCS_DIR):  # downloads/*.pdf, by LibreOffice
        print(note, file=sys.stderr)
    writer = TreeWriter(root / DOCS_DIR)
    for relative, content in sorted(pages.items()):
        writer.write(relative, content)
    result.removed = writer.remove_stale()
    result.changed = writer.changed
    if site:
        build_site(root, root / SITE_DIR, build_epoch(root))
    return result
