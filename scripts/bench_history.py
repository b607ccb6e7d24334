"""What approved versions cost an unchanged rebuild (issue 18): ten per document at SCHOOLS schools.

    python scripts/bench_history.py [SCHOOLS] [APPROVALS]     (make bench-history; defaults 500 and 10)

A synthetic project (scripts/bench.py's schools, trusts and authorities) in a git repository gets
APPROVALS library releases, each after a one-sentence change to a clause every school holds, and one
more change after the last release, so every document has changes awaiting approval.  The site is
built and rebuilt unchanged three times (the median is the baseline).  Then every document of every
school records an approval at each release, the site is built (every approved version rendered,
with its DOCX and PDF) and rebuilt unchanged three times again.  The target: the rebuild with the
history takes at most 20% longer than the baseline.  PDFs are made whenever Typst is present (always:
it is a Python package), as ``policies build`` does.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import record, run, synthesise

CLAUSE = Path("clauses/introduction/introduction-purpose.md")  # in every document of the staff policy
TARGET = 1.20
REDLINE = "since-approval"  # the folder of a document's redline page, beside its approved versions' folders
DATE = "1 November 2026"  # bench.py's SOURCE_DATE_EPOCH (1793491200): the build date, releases' and approvals'


def git(root: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def amend(root: Path, sentence: str) -> None:
    path = root / CLAUSE
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f" {sentence}\n", encoding="utf-8")


def rebuilds(policies: str, root: Path, times: int = 3) -> float:
    """The median wall seconds of ``times`` unchanged rebuilds."""
    return statistics.median(run([policies, "build"], root)[0] for _ in range(times))


def approve_everything(root: Path, releases: list[str]) -> int:
    """Every document of every school approved at each release, oldest first; how many approvals."""
    count = 0
    for path in sorted((root / "schools").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        entries = []
        for document in data.get("documents") or [None]:
            for release in releases:
                entry = {"release": release, "date": DATE, "by": "Full Governing Body"}
                entries.append({"document": document, **entry} if document else entry)
        count += len(entries)
        block = yaml.safe_dump({"approvals": entries}, sort_keys=False, allow_unicode=True)
        path.write_text(path.read_text(encoding="utf-8") + "\n" + block, encoding="utf-8")
    return count


def bench(schools: int, approvals: int) -> dict[str, float]:
    policies = str(Path(sys.executable).with_name("policies"))
    env_epoch = {"SOURCE_DATE_EPOCH": "1793491200"}
    os.environ.update(env_epoch)
    with tempfile.TemporaryDirectory(prefix=f"bench-history-{schools}-") as tmp:
        root = Path(tmp) / "project"
        synthesise(root, schools)
        git(root, "init", "-q")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "The library")
        releases = []
        start = time.perf_counter()
        for number in range(1, approvals + 1):
            amend(root, f"This sentence was added for release {number}.")
            git(root, "commit", "-q", "-am", f"Change {number}")
            name = f"2026.{number}"
            run([policies, "release", name, "--notes", f"Release {number} of the bench."], root)
            releases.append(name)
        releasing = time.perf_counter() - start
        amend(root, "This sentence awaits approval.")
        git(root, "commit", "-q", "-am", "A change after the last release")
        first, first_peak, _ = run([policies, "build"], root)
        baseline = rebuilds(policies, root)
        recorded = approve_everything(root, releases)
        git(root, "commit", "-q", "-am", "Every approval")
        full, full_peak, _ = run([policies, "build"], root)
        with_history = rebuilds(policies, root)
        site = root / "site"
        return {
            "schools": schools,
            "approvals": recorded,
            "releasing": releasing,
            "first": first,
            "baseline": baseline,
            "history_full": full,
            "history_peak": max(first_peak, full_peak),
            "with_history": with_history,
            "approved_pages": sum(1 for p in site.glob("schools/*/*/*/index.html") if p.parent.name != REDLINE),
            "approved_pdfs": len(list((site / "downloads" / "approved").glob("*.pdf"))),
            "redlines": len(list(site.glob(f"schools/*/*/{REDLINE}/index.html"))),
        }


def main() -> None:
    schools = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    approvals = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    row = bench(schools, approvals)
    ratio = row["with_history"] / row["baseline"]
    text = (
        f"History at {row['schools']} schools, {row['approvals']:,} approvals ({approvals} per document):\n"
        f"- {approvals} releases made in {row['releasing']:.1f} s; first full build {row['first']:.1f} s\n"
        f"- unchanged rebuild without approvals: {row['baseline']:.2f} s (median of 3)\n"
        f"- full build rendering every approved version: {row['history_full']:.1f} s,"
        f" peak {row['history_peak']:.0f} MiB; {row['approved_pages']:,} approved pages,"
        f" {row['approved_pdfs']:,} approved PDFs, {row['redlines']:,} redlines\n"
        f"- unchanged rebuild with them: {row['with_history']:.2f} s (median of 3): {ratio:.2f}x the baseline"
        f" (target <= {TARGET:.2f}x: {'met' if ratio <= TARGET else 'NOT met'})"
    )
    print(text)
    record(text, ": approved versions")


if __name__ == "__main__":
    main()
