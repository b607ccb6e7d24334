"""The pipeline: load -> check -> resolve -> render -> write -> site.

Everything is loaded, checked and resolved first; only a run with no errors
writes anything (the Markdown tree, then the site), so bad input never
touches the previous output.  Files are written only where their bytes
changed, and the site is swapped in only once MkDocs succeeded.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .background import Background
from .check import check_project
from .docx_build import download_stem, iter_docx, render_docx
from .escape import escape_markdown
from .incremental import CACHE_DIR, docx_key, load_state, save_state, site_stamp
from .load import Project, load_project
from .matrix_formats import comparison_outputs
from .pages import iter_site_pages, render_site_pages, site_page_count
from .pdf import pdf_downloads, previous_pdfs, without_pdf_links
from .problems import InputError, Problems
from .progress import Progress
from .resolve import ResolvedPolicy, resolve_policy
from .site import SiteReport, build_site
from .status import build_date
from .write import TreeWriter

DOCS_DIR = "docs"
SITE_DIR = "site"


@dataclass
class BuildResult:
    problems: Problems
    schools: int = 0  # policies generated (the policies themselves are freed before the site build)
    changed: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    documents_rendered: int = 0
    docx_work: float = 0.0  # seconds spent making DOCX, wherever it ran (the docx stage may be only a wait)
    site: SiteReport | None = None  # what the site build did, when it ran

    @property
    def site_built(self) -> bool:
        return self.site is not None


def load_and_check(root: Path) -> tuple[Project, Problems]:
    problems = Problems(root)
    project = load_project(root, problems)
    check_project(project, problems, build_date(build_epoch(root)))
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


BACKGROUND_DOCX = 40  # fewer documents than this are quicker to make in place than to fork for
# Schools: below this the comparison takes under 0.3 s, less than a fork saves.  A third process beside the
# DOCX one on two cores only slows both and adds 230 MiB (measured at 2,000 schools), so it needs a spare core.
BACKGROUND_COMPARISON = 200


def write_documents(project: Project, policies: list[ResolvedPolicy], docs: Path) -> Iterator[tuple[str, bool]]:
    """Write each policy's DOCX into the docs tree as it is made: (path, whether its bytes changed).

    Run in the background process beside page rendering: the documents never
    travel back to the build or sit in its memory all at once (47 MB at 2,000
    schools).
    """
    writer = TreeWriter(docs)
    for name, data in iter_docx(project, policies):
        yield name, writer.write(name, data)


def write_comparison(project: Project, policies: list[ResolvedPolicy], docs: Path) -> Iterator[tuple[str, bool]]:
    """Write the comparison page and its CSV and JSON downloads: (path, whether its bytes changed).

    At 2,000 schools they take 3 s (44 MB of text), as long as every school
    page together, so a large build makes them in a process of their own.
    """
    writer = TreeWriter(docs)
    for name, content in comparison_outputs(project, policies):
        yield name, writer.write(name, content)


def _documents(
    background: Background[tuple[str, bool]] | None,
    work: Callable[[], Iterator[tuple[str, bool]]],
    report: Progress,
) -> tuple[list[tuple[str, bool]], float]:
    """What write_documents() did, from the background process or done here and now; and its seconds."""
    if background is not None:
        return background.result(report.update)
    start = time.perf_counter()
    items = []
    for item in work():
        items.append(item)
        report.update(len(items))
    return items, time.perf_counter() - start


def _start_background(
    *works: Callable[[], Iterator[tuple[str, bool]]] | None,
) -> list[Background[tuple[str, bool]] | None]:
    """A forked child for each work given (None: done in place later), all forked before any thread starts."""
    started = iter(Background.start_all([work for work in works if work is not None]))
    return [None if work is None else next(started) for work in works]


def release_memory() -> None:
    """Hand the rendered tree's memory back to the system before the MkDocs processes start.

    Python frees the objects, but glibc keeps freed heap pages for reuse
    unless asked to trim them; ``malloc_trim`` is glibc's documented way to
    ask.  Elsewhere (musl, macOS) this only collects garbage.
    """
    gc.unfreeze()  # see background.py
    gc.collect()
    escape_markdown.cache_clear()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


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
    progress: Progress | None = None,
    jobs: int = 1,
) -> BuildResult:
    """The whole pipeline; ``result.stages`` records each stage's wall time in seconds.

    With ``pdf=False`` (live preview, benchmarks) LibreOffice is not run: PDFs
    of the previous build are kept as they are.  With ``jobs`` > 1 the DOCX
    files are made by a second process while the pages are rendered (the
    ``docx`` stage is then only the wait for it) and the shards of a large
    site are built side by side (see site.py).  Pages are written as they are
    rendered, so the build holds one page at a time, not the whole tree.
    """
    result = BuildResult(Problems(root))
    report = progress or Progress()
    clock = time.perf_counter()

    def end(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.stages[name] = result.stages.get(name, 0.0) + now - clock
        report.end(now - clock)
        clock = now

    report.begin("load and check")
    project, result.problems = load_and_check(root)
    if result.problems.errors:
        raise InputError(result.problems)
    policies = resolve_all(project, result.problems)
    if result.problems.errors:
        raise InputError(result.problems)
    result.schools = len(policies)
    end("load and check")

    # Nothing is written before this point: bad input leaves every output as it was.
    docs = root / DOCS_DIR
    state = load_state(root)
    new_state: dict[str, str] = {}
    stale = []
    for policy in policies:
        name = f"downloads/{download_stem(policy)}.docx"
        new_state[name] = docx_key(project, policy)
        if state.get(name) != new_state[name] or not (docs / name).is_file():
            stale.append(policy)
    documents = sorted(new_state)
    result.documents_rendered = len(stale)
    work = partial(write_documents, project, stale, docs)
    comparison = partial(write_comparison, project, policies, docs)
    # One child per spare core: the DOCX first (a full build: 8 s of work), else the comparison (a rebuild).
    docx_aside = jobs > 1 and len(stale) >= BACKGROUND_DOCX
    spare_cores = jobs - 1 - (1 if docx_aside else 0)
    comparison_aside = spare_cores > 0 and len(policies) >= BACKGROUND_COMPARISON
    background, comparing = _start_background(work if docx_aside else None, comparison if comparison_aside else None)
    written: list[tuple[str, bool]] = []
    writer = TreeWriter(docs)
    if pdf:  # LibreOffice converts the new documents first: the pages link PDFs only if it could
        report.begin("docx", len(stale), "documents")
        written, result.docx_work = _documents(background, work, report)
        end("docx")
        report.begin("pdf")
        made = pdf_downloads({name: (docs / name).read_bytes() for name in documents}, docs)
        if made.message:
            report.message(made.message)
        for name, data in sorted(made.files.items()):
            writer.write(name, data)
        pdf_links = not made.message
        end("pdf")
    else:
        kept = previous_pdfs(docs, documents)
        for name in kept:
            writer.keep(name)
        pdf_links = bool(kept) or not documents
    report.begin("render", site_page_count(project, policies) + 1, "pages")  # and the comparison
    done = 0
    for relative, content in iter_site_pages(project, policies, build_date(build_epoch(root))):
        writer.write(relative, content if pdf_links else without_pdf_links(content))
        done += 1
        report.update(done)
    for name, was_written in _documents(comparing, comparison, Progress())[0]:  # comparison/index.md, matrix.*
        writer.keep(name, changed=was_written)
    report.update(done + 1)
    end("render")
    if not pdf:
        report.begin("docx", len(stale), "documents")
        written, result.docx_work = _documents(background, work, report)
        end("docx")
    report.begin("write")
    changed = {name for name, was_written in written if was_written}
    for name in documents:
        writer.keep(name, changed=name in changed)
    result.removed = writer.remove_stale()
    result.changed = sorted(writer.changed)
    end("write")
    new_state["site"] = site_stamp(root)
    unchanged = not writer.changed and not result.removed and state.get("site") == new_state["site"]
    del project, policies, stale, writer, background, work, written, comparing, comparison
    release_memory()  # MkDocs needs it now
    if site and not (unchanged and (root / SITE_DIR).is_dir()):
        report.begin("site", 0, "pages")
        result.site = build_site(
            root,
            root / SITE_DIR,
            build_epoch(root),
            docs_dir=docs,
            jobs=jobs,
            cache_dir=root / CACHE_DIR / "site",
            stamp=new_state["site"],
            progress=report.update,
        )
        end("site")
    if site or state.get("site") == new_state["site"]:
        save_state(root, new_state)
    else:
        save_state(root, {k: v for k, v in new_state.items() if k != "site"})
    return result
