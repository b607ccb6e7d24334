"""Progress of a build: every stage reported with its count; a bar on a terminal, short plain lines in logs."""

from __future__ import annotations

import io
import os
import pty
import subprocess
from pathlib import Path

import pytest

from policies.runtime.progress import PlainProgress, Progress

from .helpers import POLICIES, ROOT, build


class Recorder(Progress):
    def __init__(self) -> None:
        self.stages: list[dict[str, object]] = []

    def begin(self, stage: str, total: int = 0, unit: str = "") -> None:
        self.stages.append({"stage": stage, "total": total, "unit": unit, "done": [], "ended": False})

    def update(self, done: int, total: int | None = None) -> None:
        current = self.stages[-1]
        assert not current["ended"], "updates belong to the stage that is running"
        if total is not None:
            current["total"] = total
        current["done"].append(done)  # type: ignore[union-attr]

    def end(self, seconds: float) -> None:
        assert seconds >= 0
        self.stages[-1]["ended"] = True


def test_a_build_reports_each_stage_with_its_count(project: Path) -> None:
    recorder = Recorder()
    result = build(project, pdf=False, progress=recorder)
    names = [stage["stage"] for stage in recorder.stages]
    assert names == ["load and check", "render", "docx", "write", "site"]
    assert all(stage["ended"] for stage in recorder.stages)
    by_name = {stage["stage"]: stage for stage in recorder.stages}
    render = by_name["render"]
    pages = len(list((project / "docs").rglob("*.md")))
    assert render["unit"] == "pages" and render["total"] == pages == render["done"][-1]  # type: ignore[index]
    assert render["done"] == sorted(render["done"])  # type: ignore[type-var]
    docx = by_name["docx"]
    assert docx["unit"] == "documents" and docx["total"] == 8 == docx["done"][-1]  # type: ignore[index]
    site = by_name["site"]
    assert site["total"] == pages == site["done"][-1], "MkDocs' pages are counted as they are written"  # type: ignore[index]
    assert set(result.stages) == set(names)


def test_the_pdf_stage_counts_the_pdfs_made(project: Path) -> None:
    recorder = Recorder()
    build(project, site=False, progress=recorder)
    names = [stage["stage"] for stage in recorder.stages]
    assert names == ["load and check", "render", "docx", "write", "pdf"]
    pdf = recorder.stages[4]
    assert pdf["unit"] == "documents" and pdf["total"] == 8 == pdf["done"][-1]  # type: ignore[index]
    again = Recorder()
    build(project, site=False, progress=again)  # nothing changed: no PDF to make
    assert [stage["total"] for stage in again.stages if stage["stage"] == "pdf"] == [0]


def test_plain_lines_only_for_stages_worth_a_line() -> None:
    out = io.StringIO()
    plain = PlainProgress(out)
    plain.begin("render", 2048, "pages")
    plain.update(2048)
    plain.end(6.27)
    plain.begin("write")
    plain.end(0.2)
    plain.begin("site", 0, "pages")
    plain.update(300, total=2048)
    plain.end(10.94)
    plain.message("PDF downloads were not made")
    assert out.getvalue().splitlines() == [
        "render: 2,048 pages, 6.3 s",
        "site: 300 pages, 10.9 s",
        "PDF downloads were not made",
    ]


def _run_build(root: Path, *, terminal: bool) -> str:
    """``policies build`` as a person runs it (on a pseudo-terminal) or as CI does (output to a pipe)."""
    command = [*POLICIES, "-C", str(root), "build", "--no-pdf"]
    env = {**os.environ, "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=True, timeout=300)
        return done.stderr + done.stdout
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=300) == 0
    return b"".join(chunks).decode("utf-8", errors="replace")


@pytest.mark.slow
def test_a_terminal_gets_bars_and_a_log_gets_plain_lines(project: Path) -> None:
    shown = _run_build(project, terminal=True)
    assert "\x1b[" in shown and "━" in shown, "a drawn bar"
    for stage in ("load and check", "render", "docx", "site"):
        assert stage in shown
    assert "pages" in shown and "documents" in shown
    assert "Generated 5 school policies" in shown

    school = project / "organisations" / "sheffield.yml"  # the value St Ann's inherits, not the authority's name
    school.write_text(school.read_text(encoding="utf-8").replace("  name: Sheffield City Council", "  name: Sheffield"))
    logged = _run_build(project, terminal=False)
    assert "\x1b" not in logged and "\r" not in logged and "━" not in logged
    assert "Generated 5 school policies (in 8 documents, 9 files changed) and built site/ (10 files changed)" in logged
    for line in logged.splitlines():
        if line.startswith(("load and check:", "render:", "docx:", "write:", "site:")):
            assert line.endswith(" s"), line
