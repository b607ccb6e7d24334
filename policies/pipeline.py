"""The pipeline: load -> check -> resolve -> render -> write -> site.

Everything is loaded, checked and resolved first; only a run with no errors
writes anything (the Markdown tree, then the site), so bad input never
touches the previous output.  Files are written only where their bytes
changed, and the site is swapped in only once MkDocs succeeded.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from policies.compare.outputs import comparison_pages, write_comparison
from policies.documents.docx_document import build_docx
from policies.documents.pdf_pool import PdfJob, PdfMaker, pdf_jobs
from policies.errors import DocumentError
from policies.history.stage import History
from policies.load.problems import Problems
from policies.load.project import Project
from policies.render.pages import iter_site_pages, site_page_count
from policies.render.releases import FEED, atom_feed
from policies.render.reuse import SchoolPages, clause_pages_memo, page_key
from policies.render.review_calendar import calendar_outputs
from policies.resolve.policy import ResolvedPolicy
from policies.resolve.prepare import Prepared, prepare
from policies.runtime.background import Background
from policies.runtime.clock import BuildClock
from policies.runtime.incremental import CACHE_DIR, DocumentPlan, load_state, plan_documents, save_state, site_stamp
from policies.runtime.isolate import fewer_collections, keep_until_exit, run_isolated
from policies.runtime.progress import Progress
from policies.runtime.runlock import project_lock
from policies.runtime.write import Made, TreeWriter
from policies.website.publish import SiteReport, build_site

DOCS_DIR = "docs"
SITE_DIR = "site"


@dataclass
class BuildResult:
    problems: Problems
    schools: int = 0  # schools whose documents were generated (freed before the site build)
    documents: int = 0  # their documents (a school publishes one or more)
    changed: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)
    documents_rendered: int = 0  # DOCX made
    pdfs_made: int = 0
    docx_work: float = 0.0  # seconds spent making DOCX, wherever it ran (the docx stage may be only a wait)
    site: SiteReport | None = None  # what the site build did, when it ran

    def timings(self) -> dict[str, float]:
        """Each stage's wall seconds and what the build made: ``policies build --timings FILE``, as JSON."""
        ran = self.site or SiteReport(shards=0)
        made = {"docx work": self.docx_work, "documents rendered": self.documents_rendered, "pdfs made": self.pdfs_made}
        made |= {"site processes": ran.processes, "site shards": ran.shards, "site files rewritten": ran.rewritten}
        return {**self.stages, **made}


BACKGROUND_DOCX = 40  # fewer documents than this are quicker to make in place than to fork for
# Schools: below this the comparison takes under 0.3 s, less than a fork saves.  A third process beside the
# documents on two cores only slows both and adds memory, so it needs a spare core.
BACKGROUND_COMPARISON = 200


def write_documents(project: Project, policies: list[ResolvedPolicy], docs: Path) -> Iterator[Made]:
    """Write each policy's DOCX into the docs tree as it is made, saying whether its bytes changed.

    Run in background processes beside page rendering: the documents never
    travel back to the build or sit in its memory all at once.
    """
    writer = TreeWriter(docs)
    subject = project.outline.title if project.outline else ""
    for policy in policies:
        name = f"downloads/{policy.stem}.docx"
        yield Made(name, writer.write(name, build_docx(policy, project.references, subject=subject)))


Work = Callable[[], Iterator[Made]]


def _collect(backgrounds: list[Background[Made]], works: list[Work], report: Progress) -> tuple[list[Made], float]:
    """Everything the works made, from their background processes or made here and now; and their seconds."""
    items: list[Made] = []
    seconds = 0.0
    if backgrounds:
        for background in backgrounds:
            made, worked = background.result(lambda _: report.update(sum(b.arrived for b in backgrounds)))
            items += made
            seconds += worked
        return items, seconds
    start = time.perf_counter()
    for work in works:
        for item in work():
            items.append(item)
            report.update(len(items))
    return items, time.perf_counter() - start


def build(
    root: Path,
    *,
    site: bool = True,
    pdf: bool = True,
    progress: Progress | None = None,
    jobs: int = 1,
    wait: bool = True,
) -> BuildResult:
    """The whole pipeline, holding the project's lock (see runlock.py): one run writes at a time.

    A second run waits for the first, saying so on ``progress``; with ``wait=False`` it raises
    ``ProjectBusy`` instead.
    """
    report = progress or Progress()
    with project_lock(root, wait=wait, waiting=report.message), fewer_collections():
        return _build(root, site=site, pdf=pdf, report=report, jobs=jobs)


class _Stages:
    """Each stage's wall time, into ``times``, and the end of its progress line."""

    def __init__(self, report: Progress, times: dict[str, float]) -> None:
        self.report, self.times, self.clock = report, times, time.perf_counter()

    def end(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = self.times.get(name, 0.0) + now - self.clock
        self.report.end(now - self.clock)
        self.clock = now


def _build(root: Path, *, site: bool, pdf: bool, report: Progress, jobs: int) -> BuildResult:
    """The whole pipeline, top to bottom; ``result.stages`` records each stage's wall time in seconds.

    A DOCX or PDF is made again only when its key (the resolved policy, the
    registry, the generator) changed or its file is missing.  With ``pdf=False``
    (live preview, benchmarks) no PDF is made: the previous build's PDFs stay
    published only if every one of them is still current, else none is.  With
    ``jobs`` > 1 the documents are made by up to ``jobs`` processes while the
    pages are rendered (the ``documents`` stage is then only the wait for
    them) and the shards of a large site are built side by side (website/).
    """
    run = BuildClock.of(root)  # the build's date, once for every stage
    docs = root / DOCS_DIR
    state = load_state(root)
    with tempfile.TemporaryDirectory(prefix=".pdf-sources-", dir=_cache(root)) as sources:
        # Loading, checking, rendering and the DOCX run in a child that ends before the PDFs and MkDocs
        # start, so its memory is free for them (runtime/isolate.py).
        first = run_isolated(partial(_first_half, root, run, state, Path(sources), pdf, jobs), report)
        result = first.result
        stages = _Stages(report, result.stages)
        if pdf:
            report.begin("pdf", len(first.pdf_todo), "documents")
            made_pdfs = PdfMaker(first.pdf_todo, jobs).result(report.update)
            stages.end("pdf")
            if failures := [(item.name, item.error) for item in made_pdfs if item.error is not None]:
                raise DocumentError(failures)
            result.changed = sorted({*result.changed, *((docs / i.name).resolve() for i in made_pdfs if i.changed)})
    new_state = first.new_state
    new_state["site"] = site_stamp(root)
    unchanged = not result.changed and not result.removed and state.get("site") == new_state["site"]
    if site and not (unchanged and (root / SITE_DIR).is_dir()):
        report.begin("site", 0, "pages")
        result.site = build_site(
            root,
            root / SITE_DIR,
            run.epoch,
            docs_dir=docs,
            jobs=jobs,
            cache_dir=root / CACHE_DIR / "site",
            stamp=new_state["site"],
            progress=report.update,
        )
        stages.end("site")
    if site or state.get("site") == new_state["site"]:
        save_state(root, new_state)
    else:
        save_state(root, {k: v for k, v in new_state.items() if k != "site"})
    return result


@dataclass
class _FirstHalf:
    """What the child that loads, checks, renders and writes hands back (runtime/isolate.py)."""

    result: BuildResult
    new_state: dict[str, str]
    pdf_todo: list[PdfJob]


def _first_half(
    root: Path, run: BuildClock, state: dict[str, str], sources: Path, pdf: bool, jobs: int, report: Progress
) -> _FirstHalf:
    """Load, check and resolve; render and write the pages and DOCX; write the PDFs' sources; the write stage."""
    result = BuildResult(Problems(root))
    stages = _Stages(report, result.stages)
    report.begin("load and check")
    prepared = prepare(root, run.today, memo=True, jobs=jobs)
    result.problems, result.schools = prepared.problems, len({policy.slug for policy in prepared.policies})
    result.documents = len(prepared.policies)
    history = History.run(prepared, _cache(root), state, root / DOCS_DIR, pdf)  # approved versions, known once
    prepared = history.prepared  # each document with its version
    stages.end("load and check")

    # Nothing is written before this point: bad input leaves every output as it was.
    docs = root / DOCS_DIR
    plan = plan_documents(prepared.project, prepared.policies, docs, state, pdf)
    result.documents_rendered, result.pdfs_made = len(plan.docx), len(plan.pdf)
    sources_of = partial(pdf_jobs, prepared.project, plan.pdf, docs, sources)
    writer, made, result.docx_work, pdf_todo = _pages_and_documents(
        prepared, plan, docs, run.today, jobs, stages, sources_of
    )

    report.begin("write")
    frozen_keys, frozen_pdfs = history.write(writer, state, docs, sources)
    changed = {item.name for item in made if item.changed}
    for name in sorted(plan.keys):  # every DOCX, and every PDF that is published (made next, if need be)
        writer.keep(name, changed=name in changed)
    result.removed = writer.remove_stale()
    result.changed = sorted(writer.changed)
    stages.end("write")
    keep_until_exit(prepared, history, plan, writer)
    return _FirstHalf(result, plan.keys | frozen_keys, pdf_todo + frozen_pdfs)


def _cache(root: Path) -> Path:
    (root / CACHE_DIR).mkdir(exist_ok=True)
    return root / CACHE_DIR


def _pages_and_documents(
    prepared: Prepared,
    plan: DocumentPlan,
    docs: Path,
    today: dt.date,
    jobs: int,
    stages: _Stages,
    pdf_sources: Callable[[], list[PdfJob]],
) -> tuple[TreeWriter, list[Made], float, list[PdfJob]]:
    """Render and write every page here while the DOCX are made aside; the ``render`` and ``docx`` stages.

    Pages are written as they are rendered, so the build holds one at a time.  The DOCX go to one
    forked process (a full build: 5 s of work at 2,000 schools), the comparison's pages and data to one
    forked process of its own on a spare core (two, if two are spare).  The PDFs' Typst sources are
    written before the wait for the DOCX (the PDFs come after, once the build has freed its memory: see
    _build).  Returns the writer (which knows what changed), what the DOCX stage made, its work in
    seconds, and the PDF jobs.
    """
    project, policies, report = prepared.project, prepared.policies, stages.report
    docx_aside = jobs > 1 and len(plan.docx) >= BACKGROUND_DOCX
    works: list[Work] = [partial(write_documents, project, plan.docx, docs)]
    spare = jobs - 1 - int(docx_aside)  # cores beside this process and the DOCX one
    comparison_aside = spare > 0 and len(policies) >= BACKGROUND_COMPARISON
    # One process for the pages and the data (one matrix for both) unless two cores are spare: each forked
    # process holds ~220 MiB at 2,000 schools and builds the matrix again.  On two cores a rebuild that split
    # them waited less for the data while the CSV was formatted whole, but since its unchanged rows are read
    # back (render/reuse.Pieces) one process is sooner: one school changed, render 1.01-1.15 s against 1.22-1.46.
    parts = [("page",), ("data",)] if comparison_aside and spare > 1 else [("page", "data")]
    stems = {p.stem: plan.keys[f"downloads/{p.stem}.docx"] for p in policies}
    compare = partial(write_comparison, project, policies, docs, keys=stems, cache=_cache(project.root))
    comparisons: list[Work] = [partial(compare, part) for part in parts]
    aside: list[Work] = [*(works if docx_aside else []), *(comparisons if comparison_aside else [])]
    forked = Background.start_all(aside)
    split = len(forked) - (len(comparisons) if comparison_aside else 0)
    making, comparing = forked[:split], forked[split:]
    writer = TreeWriter(docs)
    report.begin("render", (pages := site_page_count(project, policies) + comparison_pages(project)), "pages")
    keys = {p.page: page_key(plan.keys[f"downloads/{p.stem}.docx"], today, plan.pdf_links) for p in policies}
    memo = SchoolPages(_cache(project.root), docs, keys)  # school pages whose inputs did not change stay as they are
    library = clause_pages_memo(project, _cache(project.root), docs)
    pages_made = iter_site_pages(project, policies, today, pdf=plan.pdf_links, memo=memo, library=library)
    for done, (relative, content) in enumerate(pages_made, 1):
        if content is None:
            writer.keep(relative)
        else:
            writer.write(relative, content)
        report.update(done)
    memo.save()
    library[0].save()
    for relative, text in [*calendar_outputs(policies, today), (FEED, atom_feed(project, today))]:  # .ics, Atom
        writer.write(relative, text)
    for made in _collect(comparing, comparisons, Progress())[0]:  # comparison/index.md, matrix.*
        writer.keep(made.name, changed=made.changed)
    report.update(pages)
    stages.end("render")
    report.begin("docx", len(plan.docx), "documents")
    pdf_todo = pdf_sources()  # while the DOCX process works, if it does: part of the docx stage
    made_documents, docx_work = _collect(making, works, report)
    stages.end("docx")
    return writer, made_documents, docx_work, pdf_todo
