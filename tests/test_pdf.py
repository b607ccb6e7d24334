"""The build's PDF stage: every school gets its PDF, made again only when its policy changed, never lost.

The PDFs themselves (content, tags, bookmarks, literal values) are tested in
test_pdf_typst.py.  Here: the build publishes one PDF per school at any scale
(300 schools give 300), an unchanged rebuild makes none and a changed school
one, ``--no-pdf`` never leaves a page linking a stale PDF, a document the engine
fails on once is retried, and one it cannot make stops the build with one line
naming the school while the previous site stays as it was.  The DOCX files are
also read back by LibreOffice, the program most schools open them with.

pdftotext and LibreOffice come from ``scripts/install-system-deps``; where one
is missing these tests skip, except in CI (``CI`` set), where a skip would hide
a gap.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import policies.documents.pdf_pool as pdf_pool
import policies.documents.pdf_typst as pdf_typst
import policies.pipeline as build_module
from policies.documents.pdf_pool import PdfJob, compile_batch, likeness
from policies.runtime.write import Made as PdfOutcome

from .helpers import (
    LOCAL_FACTS,
    build,
    copy_project,
    main,
    pdf_text,
    policies_of,
    require,
    synthesise,
    tree_digest,
)
from .minimal import write_minimal


def school_name(root: Path, slug: str) -> str:
    return str(yaml.safe_load((root / "schools" / f"{slug}.yml").read_text(encoding="utf-8"))["school"]["name"])


def rename_school(root: Path, slug: str, old: str, new: str) -> None:
    path = root / "schools" / f"{slug}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_build_makes_each_pdf_once_then_reuses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_minimal(tmp_path)
    first = build(root, site=False)
    downloads = root / "docs" / "downloads"
    assert sorted(p.name for p in downloads.iterdir() if p.is_file()) == [  # calendar/ beside them
        "alpha-social-media-policy.docx",
        "alpha-social-media-policy.pdf",
        "versions.csv",
    ]
    assert first.pdfs_made == 1
    made = (downloads / "alpha-social-media-policy.pdf").read_bytes()
    page = (root / "docs" / "schools" / "alpha.md").read_text(encoding="utf-8")
    assert "](../downloads/alpha-social-media-policy.pdf)" in page
    assert "](../downloads/alpha-social-media-policy.docx)" in page
    monkeypatch.setattr(pdf_typst, "typst_source", lambda *a, **k: pytest.fail("an unchanged policy's PDF is kept"))
    again = build(root, site=False)
    assert (again.pdfs_made, again.documents_rendered, again.changed) == (0, 0, [])
    assert (downloads / "alpha-social-media-policy.pdf").read_bytes() == made


@pytest.mark.slow
def test_one_changed_school_remakes_one_pdf(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    assert build(root, site=False).pdfs_made == 8
    rename_school(root, "elton", "Elton Primary", "Elton Village Primary")
    again = build(root, site=False)
    assert (again.pdfs_made, again.documents_rendered) == (3, 3)  # Elton's three documents; no other school's
    pdf = root / "docs" / "downloads" / "elton-social-media-policy.pdf"
    assert "Elton Village Primary" in pdf_text(pdf.read_bytes())


def test_no_pdf_keeps_current_pdfs_and_never_links_a_stale_one(tmp_path: Path) -> None:
    root = write_minimal(tmp_path)
    build(root, site=False)
    pdf = root / "docs" / "downloads" / "alpha-social-media-policy.pdf"
    page = root / "docs" / "schools" / "alpha.md"
    kept = build(root, site=False, pdf=False)  # nothing changed: the PDF is current and stays linked
    assert kept.pdfs_made == 0 and pdf.is_file() and ".pdf)" in page.read_text(encoding="utf-8")
    rename_school(root, "alpha", "Alpha", "Alphabet")
    build(root, site=False, pdf=False)  # the policy changed but no PDF is made: the old one must go
    assert not pdf.exists()
    assert ".pdf)" not in page.read_text(encoding="utf-8")
    assert build(root, site=False).pdfs_made == 1
    assert "Alphabet" in pdf_text(pdf.read_bytes()) and ".pdf)" in page.read_text(encoding="utf-8")


def test_a_pdf_that_fails_once_is_made_on_its_second_try(tmp_path: Path) -> None:
    calls: list[str] = []

    def flaky(source: str) -> bytes:
        calls.append(source)
        if len(calls) == 1:
            raise RuntimeError("the engine stumbled")
        return b"%PDF-1.7 " + source.encode()

    for n in ("a", "b"):
        (tmp_path / f"{n}.typ").write_text(n, encoding="utf-8")
    jobs = [
        PdfJob(f"downloads/{n}.pdf", str(tmp_path / f"{n}.pdf"), f"{n}'s policy", str(tmp_path / f"{n}.typ"))
        for n in ("a", "b")
    ]
    assert compile_batch(jobs, flaky) == [PdfOutcome("downloads/a.pdf", True), PdfOutcome("downloads/b.pdf", True)]
    assert calls == ["a", "a", "b"]
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1.7 a"


def test_pdf_workers_take_one_document_at_a_time_and_end_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers take the next document from one queue as they finish one, so they end within a document of
    each other; each exits after WORKER_DOCUMENTS and a fresh one takes over.  Real worker processes, real
    Typst: 7 documents, two at a time, at most 3 a worker."""
    monkeypatch.setattr(pdf_pool, "WORKER_DOCUMENTS", 3)
    started: list[list[str]] = []
    real = subprocess.Popen

    def popen(command: list[str], **kwargs: object) -> subprocess.Popen[str]:
        started.append(command)
        return real(command, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(pdf_pool.subprocess, "Popen", popen)
    jobs = []
    for n in range(7):
        source = tmp_path / f"{n}.typ"
        source.write_text(f'#set document(title: "Document {n}")\n= Document {n}\n\nText.', encoding="utf-8")
        jobs.append(PdfJob(f"downloads/{n}.pdf", str(tmp_path / f"{n}.pdf"), f"{n}'s policy", str(source)))
    seen: list[int] = []
    outcomes = pdf_pool.PdfMaker(jobs, 2).result(seen.append)
    assert outcomes == [PdfOutcome(f"downloads/{n}.pdf", True) for n in range(7)]
    assert all((tmp_path / f"{n}.pdf").read_bytes().startswith(b"%PDF-") for n in range(7))
    assert len(started) in (3, 4)  # 7 documents at most 3 a worker: two workers, then one or two more
    assert seen == sorted(seen) and seen[-1] <= 7


def test_pdfs_are_compiled_like_documents_together() -> None:
    """Kind, then title, then the clauses, then their variants: a worker's Typst lays out again only where
    documents differ."""

    def policy(stem: str, document: str, title: str, *clauses: str) -> SimpleNamespace:
        chosen = [SimpleNamespace(id=c.split(":")[0], variant=c.partition(":")[2]) for c in clauses]
        return SimpleNamespace(stem=stem, document=document, title=title, sections=[SimpleNamespace(clauses=chosen)])

    schools = [
        policy("a-rules", "rules", "Rules", "r"),
        policy("a-staff", "staff", "Staff policy", "scope:strict", "phones:short"),
        policy("b-staff", "staff", "Staff policy", "scope:open", "phones:short"),
        policy("c-rules", "rules", "Rules", "r"),
        policy("c-staff", "staff", "Staff policy", "scope:strict", "phones:short"),
        policy("d-staff", "staff", "Staff policy", "scope:open", "parents", "phones:short"),
        policy("e-staff", "staff", "Social media policy", "scope:strict", "phones:short"),
    ]
    order = ["a-rules", "c-rules", "e-staff", "d-staff", "b-staff", "a-staff", "c-staff"]
    assert [p.stem for p in sorted(schools, key=likeness)] == order


def test_a_pdf_worker_imports_typst_and_not_the_models() -> None:
    """A worker starts for every PDF a rebuild makes: it imports what compiling needs, not pydantic or
    python-docx (0.2 s of its start)."""
    code = (
        "import sys, policies.documents.pdf_pool as pool, policies.documents.typst_compile;"
        "print(sorted(m for m in ('pydantic', 'docx', 'jinja2', 'policies.load.models') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_pdf_that_fails_every_try_is_reported_by_name(tmp_path: Path) -> None:
    def broken(source: str) -> bytes:
        raise RuntimeError(f"no glyph for {source}\nin any font")

    (tmp_path / "a.typ").write_text("X", encoding="utf-8")
    jobs = [PdfJob("downloads/a.pdf", str(tmp_path / "a.pdf"), "Alpha's policy", str(tmp_path / "a.typ"))]
    assert compile_batch(jobs, broken) == [
        PdfOutcome("downloads/a.pdf", error="the PDF of Alpha's policy could not be made: no glyph for X in any font")
    ]
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.slow
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_pdf_that_cannot_be_made_stops_the_build_and_keeps_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], jobs: int
) -> None:
    root = copy_project(tmp_path / "project")
    if jobs > 1:  # enough documents for the build to make them in background processes
        synthesise(tmp_path / "extra", build_module.BACKGROUND_DOCX)
        for folder in ("schools", "organisations"):  # the synthetic schools and their trusts
            for path in (tmp_path / "extra" / folder).glob("*.yml"):
                shutil.copy(path, root / folder / path.name)
    assert main(["-C", str(root), "build", "--jobs", str(jobs)]) == 0
    before = tree_digest(root / "site")
    capsys.readouterr()
    real = pdf_typst.typst_source

    def refuses_elton(policy, *args, **kwargs):  # type: ignore[no-untyped-def]
        source = real(policy, *args, **kwargs)  # Typst itself stops on this one: a real failure of the engine
        return (
            source + '\n#panic("unknown font family: Elton Sans")'
            if policy.slug in {"elton", "school-0003"}
            else source
        )

    monkeypatch.setattr(pdf_typst, "typst_source", refuses_elton)
    for slug in ("elton", "school-0003"):
        if (root / "schools" / f"{slug}.yml").exists():
            rename_school(root, slug, "Person", "Dr Person")
    rename_school(root, "elton", "Elton Primary", "Elton Village Primary")
    assert main(["-C", str(root), "build", "--jobs", str(jobs)]) == 1
    err = capsys.readouterr().err.splitlines()
    expected = [  # each of Elton's three documents
        f"error: docs/downloads/elton-{stem}.pdf: the PDF of Elton Village Primary School & Nursery's "
        "policy could not be made: panicked with: unknown font family: Elton Sans"
        for stem in ("social-media-policy", "online-safety-rules", "acceptable-use-agreement")
    ]
    if jobs > 1:
        name = school_name(root, "school-0003")
        expected.append(
            "error: docs/downloads/school-0003-social-media-policy.pdf: the PDF of "
            f"{name}'s policy could not be made: panicked with: unknown font family: Elton Sans"
        )
    assert sorted(line for line in err if line.startswith("error: ")) == sorted(expected)
    assert err[-1] == "build stopped: the previous site was left in place"
    assert tree_digest(root / "site") == before
    monkeypatch.setattr(pdf_typst, "typst_source", real)
    assert main(["-C", str(root), "build", "--jobs", str(jobs)]) == 0  # fixed: the next build publishes it


@pytest.mark.slow
def test_300_schools_get_300_pdfs(tmp_path: Path) -> None:
    root = tmp_path / "project"
    synthesise(root, 300)
    result = build(root, site=False, jobs=2)
    pdfs = sorted((root / "docs" / "downloads").glob("*.pdf"))
    assert result.pdfs_made == len(pdfs) == result.documents > 300  # every document of the 300 schools
    assert all(p.read_bytes()[:5] == b"%PDF-" and b"%%EOF" in p.read_bytes()[-64:] for p in pdfs)
    for slug in ("school-0000", "school-0150", "school-0299"):
        text = pdf_text((root / "docs" / "downloads" / f"{slug}-social-media-policy.pdf").read_bytes())
        assert school_name(root, slug) in text


@pytest.mark.libreoffice
def test_every_docx_opens_in_libreoffice(tmp_path: Path) -> None:
    """LibreOffice reads each shipped DOCX back: every heading in order and every local fact survive."""
    soffice = require("soffice")
    root = copy_project(tmp_path / "project")
    build(root, site=False, pdf=False)
    out = tmp_path / "text"
    documents = sorted((root / "docs" / "downloads").glob("*.docx"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
            str(out),
            *map(str, documents),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    texts: dict[str, str] = {}  # each school's documents, as LibreOffice reads them back
    for policy in policies_of(root):
        text = " ".join((out / f"{policy.stem}.txt").read_text(encoding="utf-8-sig").split())
        position = 0
        for section in policy.sections:
            for heading in [section.title, *(c.title for c in section.clauses)]:
                found = text.find(heading, position)
                assert found >= 0, f"{policy.stem}: '{heading}' missing or out of order"
                position = found + len(heading)
        texts[policy.slug] = texts.get(policy.slug, "") + " " + text
    for slug, facts in LOCAL_FACTS.items():
        assert [fact for fact in facts if fact.replace("&amp;", "&") not in texts[slug]] == []


def test_a_script_without_a_main_guard_can_build(tmp_path: Path) -> None:
    """The PDF workers import nothing of the caller: an unguarded script is not run again (nor deadlocked)."""
    root = write_minimal(tmp_path / "project")
    script = tmp_path / "make.py"
    script.write_text(
        f"from pathlib import Path\nfrom policies.pipeline import build\n"
        f"print(build(Path({str(root)!r}), site=False).pdfs_made)\n",
        encoding="utf-8",
    )
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout) == (0, "1\n"), result.stderr
    assert (root / "docs" / "downloads" / "alpha-social-media-policy.pdf").read_bytes().startswith(b"%PDF-")
