#!/usr/bin/env python3
"""Build benchmark: N synthetic schools, per-stage times, memory, sizes, and plain MkDocs as baseline.

    .venv/bin/python scripts/bench.py [N ...]     (default: 5 50 500 2000)

For each N it makes a throwaway project with the shipped clause library and N
schools synthesised from the five shipped ones (varied names, authorities,
contacts, ages, dates and variant choices), then:

1. runs the full build in a fresh process (`policies build`: check, render,
   DOCX, PDF, write, site), as a user runs it, reading its per-stage times and
   peak memory (`--timings FILE`: the stage times and counts as JSON), and
   counts the PDFs published; three times, each from nothing (no docs, site
   or cache), reporting the median run with its stages;
2. runs a plain `mkdocs build` of the very same generated docs tree, after
   the first full build: the baseline the generator is compared with, and a
   gauge of the machine's speed in that spell;
3. rebuilds unchanged, then after changing one school (a person's name,
   three times over), and counts the files of docs/ and site/ written again (a new inode or
   modification time, whether or not the bytes changed); then after adding
   one school.

The build uses every core it may (``--jobs``): DOCX files are made by a
second process while pages render, and a large site by several MkDocs
processes: the top pages in one, the pages in folders in runs of up to 250,
each page's output cached on its own (policies/website/).  So the columns read:

- load+check: reading, validating and resolving every school's policy;
- render: the site pages and comparison data, written as rendered;
- docx wait (work): the time the build waited for the DOCX process once the
  pages were written (what DOCX adds to the wall time; the PDFs' Typst sources
  are written meanwhile), and the time that process worked; "docx ms/school"
  is that work per school, on one core;
- pdf s (made): the time the build waited for the PDF workers after the DOCX,
  and how many PDFs they made (policies/documents/pdf_pool.py);
- site (MkDocs runs): wall time of the site build and how many MkDocs ran;
- all but documents / mkdocs: (full build - docx wait - pdf wait) / plain
  ``mkdocs build`` of the same tree in one process;
- unchanged rebuild: wall time (the median of three runs), and the files of
  docs/ and site/ the first of them wrote again;
- one school changed: wall time (the median of three changes, each to the
  same school); files of docs/ and of site/ written again by the first;
  MkDocs runs made, of the runs a build from nothing makes (the top pages,
  whose dashboard shows every school; the comparison; the school's page).
- one school added: wall time, PDFs made and MkDocs runs;
- peak MiB: the largest sum of all the build's processes' memory
  (proportional set size, sampled every 100 ms), over the full builds and
  the rebuilds that make documents.

Results are printed and appended to
bench/results.md; the README quotes the latest table.  Not a test: timings
depend on the machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
AUTHORITIES = [
    "Kent County Council",
    "Leeds City Council",
    "Cornwall Council",
    "Norfolk County Council",
    "Bristol City Council",
    "Westmorland and Furness Council",
    "Cheshire West and Chester Council",
]
FORCES = [
    "Kent Police",
    "West Yorkshire Police",
    "Devon and Cornwall Police",
    "Norfolk Constabulary",
    "Avon and Somerset Police",
    "Cumbria Constabulary",
    "Cheshire Constabulary",
]
TERMS = ["Autumn", "Spring", "Summer"]
TRUSTS = 20  # the synthetic schools are spread over this many trusts (issue 17: 2,000 schools in 20 trusts)


def synthesise(dest: Path, count: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    for name in ("clauses", "overrides", "organisations"):
        shutil.copytree(ROOT / name, dest / name)
    for register in (dest / "clauses").glob("changes*.yml"):  # its entries name the shipped schools
        register.unlink()
    shutil.copy2(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    (dest / "schools").mkdir()
    bases = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "schools").glob("*.yml"))]
    variants = _variant_options()
    # TRUSTS multi-academy trusts, each choosing for its schools the last variant of the first staff clause
    # with variants, so their pages show shared choices and, with a reason, departures.
    shared = next(cid for cid, (_, audiences) in variants.items() if "staff" in audiences)
    for t in range(TRUSTS):
        trust = {
            "name": f"Trust {t:02d} Academies",
            "kind": "trust",
            "values": {
                "leadership": {"approver": "the Trust's Chief Executive"},
                "hr_provider": {"name": f"T{t:02d} HR"},
            },
            "variants": {shared: variants[shared][0][-1]},
        }
        (dest / "organisations" / f"trust-{t:02d}.yml").write_text(
            yaml.safe_dump(trust, sort_keys=False), encoding="utf-8"
        )
    for i in range(count):
        data = json.loads(json.dumps(bases[i % len(bases)], default=str))
        k = rng.randrange(len(AUTHORITIES))
        data["school"]["name"] = f"{data['school']['name'].split(' ')[0]} School {i:04d}"
        data["school"].pop("short_name", None)
        data.setdefault("local_authority", {})["name"] = AUTHORITIES[k]
        police = data.setdefault("police", {})
        police["force"] = FORCES[k]
        police["child_protection_team"] = f"{FORCES[k]} Child Protection Team"
        dsl = data.setdefault("dsl", {})
        dsl.pop("is_head", None)
        dsl["name"] = f"Person {rng.randrange(10_000):04d}"
        year = rng.randrange(2019, 2026)
        data["policy"] = {
            **data.get("policy", {}),
            "adopted": f"{rng.choice(TERMS)} {year}",
            "approved_by": "the Governing Body",
            "review": f"{rng.choice(TERMS)} {year + 2}",
        }
        data["ages"] = {"pupil_minimum": 13, "former_pupil_contact": rng.choice([16, 18, 18, 21])}
        data["staff_phones"] = {"start": "08:30", "end": "15:30", "places": "the staffroom"}
        covered = set(data["audiences"])
        data["variants"] = {
            cid: rng.choice(opts)
            for cid, (opts, audiences) in variants.items()
            if covered & audiences and rng.random() < 0.3
        }
        data["organisations"] = [*data.get("organisations", []), f"trust-{i % TRUSTS:02d}"]
        if shared in data["variants"] and data["variants"][shared] != variants[shared][0][-1]:
            data["variants"][shared] = {
                "variant": data["variants"][shared],
                "reason": "Agreed by the local governing body.",
            }
        (dest / "schools" / f"school-{i:04d}.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _variant_options() -> dict[str, tuple[list[str], set[str]]]:
    sys.path.insert(0, str(ROOT))
    from policies.resolve.prepare import load_and_check

    project, _ = load_and_check(ROOT)
    return {
        cid: (list(c.meta.variants), set(c.meta.audiences)) for cid, c in project.clauses.items() if c.meta.variants
    }


def _descendants(pid: int) -> list[int]:
    """pid and every process below it, from /proc (children lists per thread)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        with contextlib.suppress(OSError):  # the process ended meanwhile (its task folder went with it)
            for task in list(Path(f"/proc/{current}/task").glob("*/children")):
                with contextlib.suppress(OSError):
                    queue += [int(child) for child in task.read_text().split()]
    return found


def _memory_kib(pid: int) -> int:
    """Proportional set size: private pages plus a fair share of pages shared with other processes.

    Summed over the build's processes it counts pages a forked child still
    shares with its parent once, not twice as resident sizes would.
    """
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


# Reading smaps_rollup walks a process's page tables under its memory-map lock: every 20 ms it slowed the
# Typst workers by 10-20% (400 PDFs: 11.2 and 12.1 s against 10.2 and 9.3 s unsampled); every 100 ms the
# difference is within the machine's noise, and the peaks sampled were the same (334-338 MiB against 337-349).
SAMPLE = 0.1


# Full builds from nothing, of which the median is reported (its stages with it), as the rebuilds are medians
# of three: one build moved by 15 s with the machine's speed (131.9-146.8 s for the same code).
FULL_BUILDS = 3


def _from_nothing(root: Path) -> None:
    """The project as a first build finds it: its sources only, no generated pages, site or cache."""
    for name in ("docs", "site", ".policies-cache", ".site-new", ".site-old"):
        shutil.rmtree(root / name, ignore_errors=True)


def run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, peak memory (MiB) of the command with all its processes together, and its stderr.

    The build runs DOCX and MkDocs in several processes at once, so the peak
    is the largest *sum* of their proportional set sizes, sampled every ``SAMPLE`` seconds.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1793491200", "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, text=True, env=env)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, sum(_memory_kib(pid) for pid in _descendants(proc.pid)))
            time.sleep(SAMPLE)
        wall = time.perf_counter() - start
        err.seek(0)
        stderr = err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{stderr[-2000:]}")
    return wall, peak / 1024, stderr


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def bench(count: int) -> dict[str, Any]:
    policies = str(Path(sys.executable).with_name("policies"))
    with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as tmp:
        root = Path(tmp) / "project"
        synthesise(root, count)
        timings = Path(tmp) / "timings.json"  # what `policies build --timings` writes: stage times and counts
        build = [policies, "build", "--timings", str(timings)]
        fulls: list[tuple[float, float, dict[str, float], int]] = []  # wall, peak, stages, PDFs in the site
        base_wall = base_peak = 0.0
        for _ in range(FULL_BUILDS):
            _from_nothing(root)
            wall, peak, _ = run(build, root)
            fulls.append((wall, peak, _stages(timings), len(list((root / "site" / "downloads").glob("*.pdf")))))
            if len(fulls) == 1:  # the machine's speed, measured in the same spell: plain MkDocs, one process
                base_wall, base_peak, _ = run(
                    [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(Path(tmp) / "baseline")],
                    root,
                )
        wall, _, stages, pdfs_present = sorted(fulls, key=lambda full: full[0])[len(fulls) // 2]
        peak = max(full[1] for full in fulls)
        docs, site = root / "docs", root / "site"
        before = {**_identities(docs), **_identities(site)}
        again, _, _ = run(build, root)
        again_stages = _stages(timings)
        rewritten = _changed(before, {**_identities(docs), **_identities(site)})
        again = statistics.median([again, run(build, root)[0], run(build, root)[0]])  # this machine is noisy
        school = root / "schools" / "school-0001.yml"
        ones: list[float] = []  # three changes to one school (its DSL's title), as the unchanged rebuild's three runs
        for old, new in (("Person", "Dr Person"), ("Dr Person", "Prof Person"), ("Prof Person", "Ms Person")):
            school.write_text(school.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
            before = {**_identities(docs), **_identities(site)}
            seconds, peak_now, _ = run(build, root)
            ones.append(seconds)
            if len(ones) == 1:  # what the first wrote again and made: the others make the same
                one_peak, one_stages = peak_now, _stages(timings)
                one_docs, one_site = len(_changed(before, _identities(docs))), len(_changed(before, _identities(site)))
        one = statistics.median(ones)
        added = root / "schools" / "school-0001a.yml"  # sorts beside school-0001: lands inside the school pages
        added.write_text(school.read_text(encoding="utf-8").replace("School 0001", "School 0001A"), encoding="utf-8")
        add, add_peak, _ = run(build, root)
        add_stages = _stages(timings)
        return {
            "schools": count,
            "wall": wall,
            "full_runs_s": [full[0] for full in fulls],
            **stages,
            "peak_mib": max(peak, one_peak, add_peak),
            "mkdocs": base_wall,
            "mkdocs_peak_mib": base_peak,
            "site_mb": size_mb(site),
            "pdfs_present": pdfs_present,
            "search_mb": (site / "search" / "search_index.json").stat().st_size / 1e6,
            "rebuild": again,
            "rebuild_rewrites": len(rewritten),
            "rebuild_docx": again_stages["documents rendered"],
            "rebuild_pdfs": again_stages["pdfs made"],
            "one_school": one,
            "one_school_runs_s": ones,
            "one_school_docx": one_stages["documents rendered"],
            "one_school_pdfs": one_stages["pdfs made"],
            "one_school_docs": one_docs,
            "one_school_site": one_site,
            "one_school_runs": one_stages["site processes"],
            "added": add,
            "added_runs": add_stages["site processes"],
            "added_pdfs": add_stages["pdfs made"],
            "cores": os.cpu_count() or 1,
        }


def serve_latency(edits: int = 5) -> list[float]:
    """Seconds from a clause edit to ``policies serve`` serving the changed page, shipped schools, ``edits`` times.

    The edit appends a sentence to the first clause of the first school's
    policy, outside any variant, so that school's page must show it.
    """
    sys.path.insert(0, str(ROOT))
    from policies.resolve.prepare import load_and_check, resolve_all

    policies = str(Path(sys.executable).with_name("policies"))
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        root = Path(tmp) / "project"
        for name in ("clauses", "schools", "organisations", "overrides"):
            shutil.copytree(ROOT / name, root / name)
        shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
        project, problems = load_and_check(root)
        policy = resolve_all(project, problems)[0]
        clause = project.clauses[policy.sections[0].clauses[0].id].path
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        url = f"http://127.0.0.1:{port}/schools/{policy.slug}/"
        server = subprocess.Popen(
            [policies, "-C", str(root), "serve", "--dev-addr", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for(url, "</html>", timeout=120)  # the page is served
            seconds = []
            for edit in range(edits):
                marker = f"Serve benchmark sentence {edit}."
                with clause.open("a", encoding="utf-8") as handle:
                    handle.write(f"\n{marker}\n")
                start = time.perf_counter()
                _wait_for(url, marker, timeout=60)
                seconds.append(time.perf_counter() - start)
                time.sleep(0.5)  # let MkDocs' reload settle before the next edit
            return seconds
        finally:
            server.terminate()
            server.wait(timeout=20)


def _wait_for(url: str, text: str, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
            if text in response.read().decode("utf-8"):
                return
        time.sleep(0.02)
    raise SystemExit(f"{url} did not show {text!r} within {timeout} s")


def _stages(timings: Path) -> dict[str, float]:
    """The build's stage times and counts, as ``policies build --timings FILE`` wrote them."""
    data: dict[str, float] = json.loads(timings.read_text(encoding="utf-8"))
    return data


def _identities(folder: Path) -> dict[Path, tuple[int, int]]:
    """Each file's inode and modification time: a file written again, even with the same bytes, gets new ones."""
    return {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def _changed(before: dict[Path, tuple[int, int]], after: dict[Path, tuple[int, int]]) -> list[Path]:
    return sorted(path for path, identity in after.items() if before.get(path) != identity)


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| schools | full build s | load+check | render | docx wait (work) | pdf s (made) | site (MkDocs runs) | "
        "plain mkdocs s | all but documents / mkdocs | docx ms/school | peak MiB | site MB | search MB | "
        "unchanged rebuild s (files rewritten; DOCX, PDF made) | "
        "one school changed s (docs, site files rewritten; DOCX, PDF made; MkDocs runs) | "
        "one school added s (PDF made; MkDocs runs) |"
    )
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        not_documents = r["wall"] - r["docx"] - r["pdf"]
        per_school = 1000 * r["docx work"] / r["schools"]
        lines.append(
            f"| {r['schools']} | {r['wall']:.1f} | {r['load and check']:.2f} | {r['render'] + r['write']:.2f} | "
            f"{r['docx']:.2f} ({r['docx work']:.2f}) | {r['pdf']:.1f} ({r['pdfs made']}) | "
            f"{r['site']:.1f} ({r['site processes']}) | "
            f"{r['mkdocs']:.1f} | {not_documents / r['mkdocs']:.2f} | {per_school:.1f} | {r['peak_mib']:.0f} | "
            f"{r['site_mb']:.1f} | {r['search_mb']:.2f} | "
            f"{r['rebuild']:.1f} ({r['rebuild_rewrites']}; {r['rebuild_docx']}, {r['rebuild_pdfs']}) | "
            f"{r['one_school']:.1f} ({r['one_school_docs']}, {r['one_school_site']}; {r['one_school_docx']}, "
            f"{r['one_school_pdfs']}; {r['one_school_runs']} of {r['site shards']}) | "
            f"{r['added']:.1f} ({r['added_pdfs']}; {r['added_runs']}) |"
        )
    return "\n".join(lines)


def against_targets(big: dict[str, Any], small: dict[str, Any] | None, serve: list[float]) -> str:
    """The largest run's figures against the targets (issues 8 and 13), each marked met or NOT met; the growth
    line only when a smaller run was measured.  Printed whatever sizes were asked for."""
    n = big["schools"]
    median, slowest = serve[len(serve) // 2], serve[-1]
    docx = 1000 * big["docx work"] / n
    lines: list[tuple[str, bool]] = [
        (
            f"full build at {n} schools: {big['wall']:.1f} s, median of {len(big['full_runs_s'])} "
            f"({', '.join(f'{t:.1f}' for t in big['full_runs_s'])}; target <= 120 s); {big['pdfs_present']} of "
            f"{big['documents rendered']} PDFs present, one per document (target: all)",
            big["wall"] <= 120 and big["pdfs_present"] == big["documents rendered"],
        )
    ]
    if small is not None:
        growth, ratio = big["wall"] / small["wall"], n / small["schools"]
        lines.append(
            (
                f"growth t({n}) / t({small['schools']}): {growth:.2f} for {ratio:.0f}x the schools "
                "(target <= 4.4 for 4x)",
                growth <= 4.4 * ratio / 4,
            )
        )
    lines += [
        (f"DOCX: {docx:.1f} ms per school on one core, made beside the pages (target <= 15)", docx <= 15),
        (
            f"peak memory at {n} schools: {big['peak_mib']:.0f} MiB, all processes together (target <= 600)",
            big["peak_mib"] <= 600,
        ),
        (f"search index at {n} schools: {big['search_mb']:.2f} MB (target <= 5)", big["search_mb"] <= 5),
        (
            f"unchanged rebuild at {n} schools: {big['rebuild']:.1f} s, median of 3 (target <= 7), "
            f"{big['rebuild_rewrites']} files rewritten, {big['rebuild_docx']} DOCX and {big['rebuild_pdfs']} PDF "
            "made (target: none)",
            big["rebuild"] <= 7 and big["rebuild_rewrites"] == big["rebuild_docx"] == big["rebuild_pdfs"] == 0,
        ),
        (
            f"one school changed at {n} schools: {big['one_school']:.1f} s, median of 3 "
            f"({', '.join(f'{t:.1f}' for t in big['one_school_runs_s'])}; target <= 5), {big['one_school_docs']} "
            f"docs and {big['one_school_site']} site files rewritten, {big['one_school_docx']} DOCX and "
            f"{big['one_school_pdfs']} PDF made, {big['one_school_runs']} of {big['site shards']} MkDocs shards run",
            big["one_school"] <= 5,
        ),
        (
            f"one school added at {n} schools: {big['added']:.1f} s (target <= 10), {big['added_pdfs']} PDF made, "
            f"{big['added_runs']} MkDocs runs",
            big["added"] <= 10,
        ),
        (
            f"policies serve, shipped schools: a clause edit shows in {median:.2f} s (median of {len(serve)}; "
            f"slowest {slowest:.2f} s; target <= 1 s)",
            median <= 1,
        ),
    ]
    body = "\n".join(f"- {text}: {'met' if met else 'NOT met'}" for text, met in lines)
    return "Against the targets (issues 8 and 13), PDFs included:\n" + body


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [5, 50, 500, 2000]
    rows = []
    for count in counts:
        rows.append(bench(count))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
    serve = sorted(serve_latency())
    text = table(rows)
    smaller = [row for row in rows if row["schools"] < rows[-1]["schools"]]
    text += "\n\n" + against_targets(rows[-1], smaller[-1] if smaller else None, serve)
    print(text)
    record(text)


def record(text: str, what: str = "") -> None:
    """Append a run's figures to bench/results.md under a dated heading (``what``: which benchmark)."""
    out = ROOT / "bench" / "results.md"
    out.parent.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    with out.open("a", encoding="utf-8") as handle:
        handle.write(f"\n## {stamp}, {os.cpu_count()} cores{what}\n\n{text}\n")


if __name__ == "__main__":
    main()
