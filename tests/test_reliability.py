"""Faults a user meets: two builds at once, a full disk, a read-only site, a killed swap, reserved names.

Each test checks the three promises of the build: one clear line (``error: path: reason``, exit 1, no
traceback), the previous site byte for byte as it was, and nothing half published.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from policies.runtime.incremental import CACHE_DIR
from policies.runtime.runlock import project_lock, replace_dir

from .helpers import POLICIES, build, copy_project, main, tree_digest

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not IS_ROOT, reason="mounts a small file system (CI runs as root)")


def policies(root: Path, *args: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *POLICIES, "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project built once (without PDFs: these tests are about the site and the swap)."""
    root = copy_project(tmp_path_factory.mktemp("built") / "project")
    assert main(["-C", str(root), "build", "--no-pdf"]) == 0
    return root


@pytest.fixture
def fresh(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project, outputs and cache included, for a test to break."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def edit_school(root: Path) -> None:
    """A change that every output shows, so the next build has real work to do."""
    path = root / "schools" / "elton.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("Elton Primary", "Elton Village Primary"), "utf-8")


@pytest.mark.slow
def test_two_builds_at_once_leave_one_complete_site(fresh: Path, built: Path) -> None:
    edit_school(fresh)
    reference = copy_project(fresh.parent / "reference")
    edit_school(reference)
    assert main(["-C", str(reference), "build", "--no-pdf"]) == 0
    command = [*POLICIES, "-C", str(fresh), "build", "--no-pdf"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    waited = [err for _, err in outputs if "waiting for another policies run to finish" in err]
    assert len(waited) == 1, outputs  # the second waited for the first, and said so
    assert tree_digest(fresh / "site") == tree_digest(reference / "site")
    assert not list(fresh.glob(".site-*"))


def test_no_wait_refuses_while_another_run_writes(fresh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tree_digest(fresh / "site")
    with project_lock(fresh):
        assert main(["-C", str(fresh), "build", "--no-wait"]) == 1
    assert capsys.readouterr().err == (
        f"error: {fresh}: another policies run is writing this project; try again when it ends\n"
    )
    assert tree_digest(fresh / "site") == before


def test_a_swap_killed_between_its_renames_is_recovered(fresh: Path) -> None:
    before = tree_digest(fresh / "site")
    # What a build killed between "site -> .site-old" and ".site-new -> site" leaves (where no atomic exchange).
    os.replace(fresh / "site", fresh / ".site-old")
    (fresh / ".site-new").mkdir()
    (fresh / ".site-new" / "index.html").write_text("half a site", encoding="utf-8")
    assert main(["-C", str(fresh), "build", "--no-pdf"]) == 0
    assert tree_digest(fresh / "site") == before
    assert not list(fresh.glob(".site-*"))


def test_replace_dir_swaps_in_one_step(tmp_path: Path) -> None:
    old, new = tmp_path / "site", tmp_path / ".site-new"
    old.mkdir()
    (old / "a").write_text("old", encoding="utf-8")
    new.mkdir()
    (new / "a").write_text("new", encoding="utf-8")
    inode = new.stat().st_ino
    replace_dir(new, old)
    assert old.stat().st_ino == inode  # the new folder itself, not a copy
    assert (old / "a").read_text(encoding="utf-8") == "new"
    assert not new.exists()


def test_a_file_where_the_site_folder_should_be(fresh: Path) -> None:
    shutil.rmtree(fresh / "site")
    (fresh / "site").write_text("notes", encoding="utf-8")
    edit_school(fresh)
    result = policies(fresh, "build", "--no-pdf")
    assert (result.returncode, result.stderr.splitlines()[-1:]) == (
        1,
        ["error: site: is a file, where the site's folder should be"],
    )
    assert (fresh / "site").read_text(encoding="utf-8") == "notes"


@pytest.mark.skipif(not shutil.which("setpriv") and IS_ROOT, reason="setpriv drops root's override of permissions")
def test_read_only_site_is_one_line_and_keeps_the_site(fresh: Path) -> None:
    before = tree_digest(fresh / "site")
    edit_school(fresh)
    (fresh / "site").chmod(0o555)
    # root ignores permissions unless it gives up the capabilities that let it
    prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--") if IS_ROOT else ()
    try:
        result = policies(fresh, "build", "--no-pdf", prefix=prefix)
    finally:
        (fresh / "site").chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == "error: site: Permission denied"
    assert "Traceback" not in result.stderr
    assert tree_digest(fresh / "site") == before
    assert not list(fresh.glob(".site-*"))


DISK_FULL = """
set -u
mount -t tmpfs -o size={size} tmpfs "$MOUNT"
cp -a "$PROJECT" "$MOUNT/project"
avail=$(df --output=avail -k "$MOUNT" | tail -1)
dd if=/dev/zero of="$MOUNT/filler" bs=1k count=$((avail - {keep_kib})) status=none
{python} -m policies -C "$MOUNT/project" build --no-pdf
echo "exit=$?"
cp -a "$MOUNT/project/site" "$SAVE/site-after"
ls -a "$MOUNT/project" > "$SAVE/listing"
"""


@needs_root
@pytest.mark.parametrize(
    ("keep_kib", "where"),
    [(3000, "MkDocs"), (20, "the Markdown tree")],
    ids=["full-while-mkdocs-writes", "full-while-docs-are-written"],
)
def test_disk_full_is_one_line_and_keeps_the_site(fresh: Path, tmp_path: Path, keep_kib: int, where: str) -> None:
    before = tree_digest(fresh / "site")
    edit_school(fresh)
    shutil.rmtree(fresh / CACHE_DIR)  # so everything is made again and needs room
    mount, save = tmp_path / "mount", tmp_path / "save"
    mount.mkdir()
    save.mkdir()
    script = DISK_FULL.format(size="16m", keep_kib=keep_kib, python=sys.executable)
    result = subprocess.run(
        ["unshare", "--mount", "bash", "-c", textwrap.dedent(script)],
        env={**os.environ, "MOUNT": str(mount), "PROJECT": str(fresh), "SAVE": str(save)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "exit=1" in result.stdout, (where, result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    assert errors[0].endswith(": No space left on device"), errors
    assert "Traceback" not in result.stderr
    assert tree_digest(save / "site-after") == before
    assert ".site-new" not in (save / "listing").read_text(encoding="utf-8").split()


def test_reserved_school_slug_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(project / "schools" / "elton.yml", project / "schools" / "index.yml")
    assert main(["-C", str(project), "check"]) == 1
    assert (
        "schools/index.yml:1: 'index' cannot be a school's file name: its page would take the place of the "
        "site's schools/ index page; rename the file, for example to schools/index-school.yml"
    ) in capsys.readouterr().err.splitlines()
    assert not (project / "docs").exists()


def test_reserved_clause_id_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "clauses" / "review" / "review-monitoring.md"
    path.write_text(path.read_text(encoding="utf-8").replace("id: review-monitoring", "id: index", 1), "utf-8")
    assert main(["-C", str(project), "check"]) == 1
    assert (
        "clauses/review/review-monitoring.md:2: 'index' cannot be a clause id: its page would take the place of the "
        "library's index page"
    ) in capsys.readouterr().err.splitlines()


def test_the_heavy_half_of_a_build_runs_in_a_process_that_ends(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading, rendering and the DOCX run in a forked child (runtime/isolate.py), so their memory is freed
    before the PDF workers and MkDocs start; its progress and its result still reach the caller."""
    import policies.pipeline

    pids: list[int] = []
    real = policies.pipeline._first_half

    def first_half(*args, **kwargs):  # type: ignore[no-untyped-def]
        (project / "pid").write_text(str(os.getpid()), encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(policies.pipeline, "_first_half", first_half)
    result = build(project, site=False)
    pids.append(int((project / "pid").read_text(encoding="utf-8")))
    assert pids[0] != os.getpid()
    assert (result.schools, result.documents, result.documents_rendered, result.pdfs_made) == (5, 8, 8, 8)
    assert set(result.stages) == {"load and check", "render", "docx", "write", "pdf"}
    assert all(seconds >= 0 for seconds in result.stages.values())


def test_checks_beside_resolving_report_as_one_after_the_other(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build checks in a forked process while it resolves (``prepare(jobs=2)``): the same problems in the
    same order as one step after the other; when the checks find errors, those are reported, whatever
    resolving the same broken input did."""
    from policies.errors import InputError
    from policies.resolve import prepare as preparing

    serial, beside = preparing.prepare(project, jobs=1), preparing.prepare(project, jobs=2)
    assert beside.problems.items == serial.problems.items != []
    assert [p.stem for p in beside.policies] == [p.stem for p in serial.policies]
    school = project / "schools" / "st-anns.yml"
    text = school.read_text(encoding="utf-8")
    school.write_text(text.replace("name: St Ann's School", "name: Elton Primary School & Nursery"), "utf-8")

    def broken(*args: object) -> None:
        raise KeyError("resolving input that fails its checks")

    monkeypatch.setattr(preparing, "resolve_all", broken)
    with pytest.raises(InputError) as caught:
        preparing.prepare(project, jobs=2)
    assert [p.message for p in caught.value.problems.errors] == [
        "school name 'Elton Primary School & Nursery' is also used by schools/st-anns.yml",
        "school name 'Elton Primary School & Nursery' is also used by schools/elton.yml",
    ]
    school.write_text(text, "utf-8")
    with pytest.raises(KeyError, match="resolving input"):  # no error to explain it: a fault of the code
        preparing.prepare(project, jobs=2)


def test_the_child_keeps_what_it_need_not_free_and_the_build_process_keeps_nothing() -> None:
    """``keep_until_exit`` spares the isolated child freeing the project object by object (its memory goes
    back to the system when it ends); in the build's own process it must keep nothing."""
    from policies.runtime import isolate
    from policies.runtime.progress import Progress

    def work(progress: Progress) -> int:
        isolate.keep_until_exit(object(), object())
        return len(isolate._kept)

    assert isolate.run_isolated(work, Progress()) == 2
    isolate.keep_until_exit(object())
    assert isolate._kept == []
