"""The pipeline: load -> check -> resolve -> render -> write -> site.

Everything is loaded, checked, resolved and rendered in memory first; only a
run with no errors writes the Markdown tree and then builds the site, so bad
input never touches the previous output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .background import Background
from .check import check_project
from .docx_build import download_stem, render_docx
from .incremental import docx_key, load_state, save_state, site_stamp
from .load import Project, load_project
from .matrix_formats import comparison_outputs
from .pages import render_site_pages
from .pdf import add_pdf_downloads, keep_previous_pdfs
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
    stages: dict[str, float] = field(default_factory=dict)
    documents_rendered: int = 0
    docx_work: float = 0.0  # seconds spent writing DOCX, wherever it ran (the docx stage may be only a wait)
    site_built: bool = False
    site_processes: int = 0


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


def render_pages(project: Project, policies: list[ResolvedPolicy]) -> dict[str, str | bytes]:
    """The site's pages and data downloads, by path relative to the docs tree."""
    assert project.outline is not None
    outputs: dict[str, str | bytes] = {}
    today = build_date(build_epoch(project.root))
    outputs.update(render_site_pages(project, policies, today))
    outputs.update(comparison_outputs(project, policies))  # comparison/index.md, matrix.csv, matrix.json
    return outputs


def render_all(project: Project, policies: list[ResolvedPolicy]) -> dict[str, str | bytes]:
    """Every generated file of the docs tree except the PDFs (which need LibreOffice)."""
    outputs = render_pages(project, policies)
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


BACKGROUND_DOCX = 40  # fewer documents than this are quicker to write in place than to fork for


def default_jobs() -> int:
    """The cores this process may use (a container or CI runner may allow fewer than the machine has)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def build(
    root: Path,
    *,
    site: bool = True,
    pdf: bool = True,
    progress: Callable[[str, float], object] | None = None,
    jobs: int = 1,
) -> BuildResult:
    """The whole pipeline; ``result.stages`` records each stage's wall time in seconds.

    With ``pdf=False`` (live preview, benchmarks) LibreOffice is not run: PDFs
    of the previous build are kept as they are.  With ``jobs`` > 1 the DOCX
    files are written by a second process while the pages are rendered (the
    ``docx`` stage is then only the wait for it) and a large site is built by
    several MkDocs processes (see site.py).
    """
    result = BuildResult(Problems(root))
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages[name] = result.stages.get(name, 0.0) + now - clock
        if progress is not None:
            progress(name, now - clock)
        clock = now

    project, result.problems = load_and_check(root)
    stage("load and check")
    if result.problems.errors:
        raise InputError(result.problems)
    result.policies = resolve_all(project, result.problems)
    if result.problems.errors:
        raise InputError(result.problems)
    state = load_state(root)
    new_state: dict[str, str] = {}
    outputs: dict[str, str | bytes] = {}
    stale = []
    for policy in result.policies:
        name = f"downloads/{download_stem(policy)}.docx"
        new_state[name] = docx_key(project, policy)
        previous = root / DOCS_DIR / name
        if state.get(name) == new_state[name] and previous.is_file():
            outputs[name] = previous.read_bytes()
        else:
            stale.append(policy)
    result.documents_rendered = len(stale)
    documents = Background(lambda: render_docx(project, stale)) if jobs > 1 and len(stale) >= BACKGROUND_DOCX else None
    outputs.update(render_pages(project, result.policies))
    stage("render")
    if documents is None:
        start = time.perf_counter()
        outputs.update(render_docx(project, stale))
        result.docx_work = time.perf_counter() - start
    else:
        rendered, result.docx_work = documents.result()
        outputs.update(rendered)
    stage("docx")
    if pdf:
        if note := add_pdf_downloads(outputs, root / DOCS_DIR):  # downloads/*.pdf, by LibreOffice
            print(note, file=sys.stderr)
    else:
        keep_previous_pdfs(outputs, root / DOCS_DIR)
    stage("pdf")
    writer = TreeWriter(root / DOCS_DIR)
    for relative, content in sorted(outputs.items()):
        writer.write(relative, content)
    result.removed = writer.remove_stale()
    result.changed = writer.changed
    stage("write")
    new_state["site"] = site_stamp(root)
    unchanged = not writer.changed and not result.removed and state.get("site") == new_state["site"]
    if site and not (unchanged and (root / SITE_DIR).is_dir()):
        result.site_processes = build_site(
            root, root / SITE_DIR, build_epoch(root), docs_dir=root / DOCS_DIR, jobs=jobs
        )
        result.site_built = True
        stage("site")
    if site or state.get("site") == new_state["site"]:
        save_state(root, new_state)
    else:
        save_state(root, {k: v for k, v in new_state.items() if k != "site"})
    return result
