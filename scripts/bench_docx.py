#!/usr/bin/env python3
"""Milliseconds per DOCX download, for the shipped schools (target: <= 15 ms per school per core).

    .venv/bin/python scripts/bench_docx.py [--repeat N]

Prints, per school, the time to build its DOCX (bytes, zipped) from its
resolved policy, three ways:

* cold: a fresh process's first build of all schools; the Markdown of shared
  clause text is converted for the first school that uses it and reused after;
* warm: steady state, as when a build has more schools than the five shipped;
* uncached: every clause converted again for every school (the worst case).

Then the throughput with one process per core.  Not a test: timings depend on
the machine; run it after a change to the DOCX code and compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policies.documents.docx_document import build_docx  # noqa: E402
from policies.documents.docx_markdown import markdown_xml  # noqa: E402
from policies.documents.docx_reference import house_style  # noqa: E402
from policies.resolve.prepare import load_and_check, resolve_all  # noqa: E402


def _policies():
    project, problems = load_and_check(ROOT)
    if problems.errors:
        raise SystemExit("\n".join(map(str, problems.errors)))
    return project, resolve_all(project, problems)


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _worker(count: int) -> int:
    project, policies = _policies()
    for index in range(count):
        build_docx(policies[index % len(policies)], project.references, subject="bench")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="builds per school for the warm figure")
    args = parser.parse_args()
    project, policies = _policies()
    house_style()  # made once per process, like a build does
    subject = project.outline.title if project.outline else ""

    def one(policy) -> tuple[float, int]:
        start = time.perf_counter()
        data = build_docx(policy, project.references, subject=subject)
        return _ms(start), len(data)

    cold = {p.slug: one(p) for p in policies}
    warm = {p.slug: statistics.median(one(p)[0] for _ in range(args.repeat)) for p in policies}
    uncached = {}
    for policy in policies:
        times = []
        for _ in range(max(3, args.repeat // 10)):
            markdown_xml.cache_clear()
            times.append(one(policy)[0])
        uncached[policy.slug] = statistics.median(times)

    print(f"{'school':<20} {'clauses':>7} {'KiB':>6} {'cold ms':>8} {'warm ms':>8} {'uncached ms':>12}")
    for policy in policies:
        clauses = sum(len(s.clauses) for s in policy.sections)
        ms, size = cold[policy.slug]
        print(
            f"{policy.slug:<20} {clauses:>7} {size / 1024:>6.1f} {ms:>8.2f} "
            f"{warm[policy.slug]:>8.2f} {uncached[policy.slug]:>12.2f}"
        )
    print(
        f"{'mean per DOCX':<35} {statistics.mean(c[0] for c in cold.values()):>8.2f} "
        f"{statistics.mean(warm.values()):>8.2f} {statistics.mean(uncached.values()):>12.2f}"
    )

    cores = os.cpu_count() or 1
    per_worker = args.repeat * len(policies)
    with ProcessPoolExecutor(cores) as pool:
        list(pool.map(_worker, [1] * cores))  # start the workers before timing
        start = time.perf_counter()
        total = sum(pool.map(_worker, [per_worker] * cores))
        elapsed = _ms(start)
    print(
        f"{cores} processes: {total} DOCX in {elapsed:.0f} ms = {elapsed / total:.2f} ms per DOCX wall clock, "
        f"{elapsed * cores / total:.2f} ms per DOCX per core (includes each worker loading the project)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
