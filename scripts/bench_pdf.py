#!/usr/bin/env python3
"""Typst PDFs (policies/documents/pdf_typst.py) against LibreOffice PDFs (scripts/libreoffice_pdf.py).

On the shipped schools.

    .venv/bin/python scripts/bench_pdf.py [--distinct N] [--batch N] [--no-libreoffice]

Typst, in this process: the first document (the bundled fonts load), the
five shipped schools once each, then N further documents each made distinct
(the school's name changed in the values and in the clause text, as another
school's would be), so no figure comes from Typst's cache of an identical
document.  LibreOffice: one ``convert`` of the five schools' DOCX (its start
included), one call per school, and one batch of N documents for the cost of
a document once LibreOffice is running.  Then sizes and the quality checks,
read back with poppler.  Not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import libreoffice_pdf as pdf  # noqa: E402

from policies.documents.docx_document import build_docx  # noqa: E402
from policies.documents.pdf_typst import render_pdf  # noqa: E402
from policies.resolve.policy import ResolvedPolicy  # noqa: E402
from policies.resolve.prepare import load_and_check, resolve_all  # noqa: E402


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def renamed(policy: ResolvedPolicy, index: int) -> ResolvedPolicy:
    """The policy as another school's: a different name on the cover, in the header and in the clauses."""
    old = policy.values["school"]["name"]
    new = f"{old} {index}"
    context = {**policy.values, "school": {**policy.values["school"], "name": new}}
    sections = tuple(
        dataclasses.replace(s, clauses=tuple(dataclasses.replace(c, body=c.body.replace(old, new)) for c in s.clauses))
        for s in policy.sections
    )
    return dataclasses.replace(policy, context=context, sections=sections)


def tool(program: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run([program, *args, handle.name], capture_output=True, check=False)
        return out.stdout.decode("utf-8", "replace")


def inflated(data: bytes) -> bytes:
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def quality(data: bytes) -> dict[str, str]:
    info = tool("pdfinfo", data)
    raw = inflated(data)
    tags = re.findall(rb"/S\s*/([A-Za-z0-9]+)(?![#A-Za-z0-9])", raw)  # standard types, not role-mapped styles
    fonts = tool("pdffonts", data).splitlines()[2:]
    links, uris = re.findall(rb"/Subtype\s*/Link", raw), re.findall(rb"/URI\s*\(([^)]*)\)", raw)
    field = re.search(r"^Title:\s*(.*)$", info, re.M)
    return {
        "pages": (re.search(r"^Pages:\s*(\d+)", info, re.M) or [0, "?"])[1],
        "tagged": "yes" if re.search(r"^Tagged:\s+yes", info, re.M) else "no",
        "PDF/UA-1 declared": "yes" if re.search(rb"pdfuaid:part(>|=\")1", raw) else "no",
        "title in Info": field[1].strip() if field and field[1].strip() else "none",
        "DisplayDocTitle": "yes" if b"/DisplayDocTitle true" in raw else "no",
        "catalog /Lang": (re.search(rb"/Lang\s*\(([^)]*)\)", raw) or [b"", b"none"])[1].decode(),
        "H1 / H2 structure elements": f"{tags.count(b'H1')} / {tags.count(b'H2')}",
        "bookmarks": str(tool("pdftohtml", data, "-xml", "-stdout", "-i", "-q").count("<item")),
        "link annotations (distinct URIs)": f"{len(links)} ({len(set(uris))})",
        "lists / tables tagged": f"{tags.count(b'L')} L, {tags.count(b'Table')} Table",
        "fonts embedded": f"{sum(line.split()[-5] == 'yes' for line in fonts)} of {len(fonts)}"
        + f" ({', '.join(sorted({line.split()[0].split('+')[-1].split('-')[0] for line in fonts}))})",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--distinct", type=int, default=50, help="distinct documents for Typst's steady state")
    parser.add_argument("--batch", type=int, default=40, help="documents in LibreOffice's batch")
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    project, problems = load_and_check(ROOT)
    policies = resolve_all(project, problems)
    subject = project.outline.title if project.outline else ""

    def typst(policy: ResolvedPolicy) -> tuple[float, bytes]:
        start = time.perf_counter()
        data = render_pdf(policy, project.references, subject=subject)
        return _ms(start), data

    first_ms, _ = typst(policies[0])
    shipped = {p.slug: typst(renamed(p, 0)) for p in policies}
    distinct = [typst(renamed(policies[i % len(policies)], i + 1))[0] for i in range(args.distinct)]
    again = [typst(renamed(p, 0))[0] for p in policies]  # the same five again, after the distinct ones
    typst_pdf = {p.slug: typst(p)[1] for p in policies}
    same = all(typst(p)[1] == typst_pdf[p.slug] for p in policies)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("Typst 0.15 (render_pdf: Typst source from the resolved policy, compiled in memory, PDF/UA-1)")
    print(f"  first document in this process ({policies[0].slug}, fonts loading): {first_ms:.0f} ms")
    print(f"  five shipped schools, distinct, once each: {statistics.mean(t for t, _ in shipped.values()):.1f} ms mean")
    print(
        f"  steady state, {args.distinct} distinct documents: {statistics.mean(distinct):.1f} ms mean, "
        f"{statistics.median(distinct):.1f} ms median, {max(distinct):.0f} ms slowest"
    )
    print(f"  the five again, after those: {statistics.mean(again):.1f} ms mean")
    print(f"  same bytes twice: {'yes' if same else 'NO'}; peak RSS of this process {rss:.0f} MiB")

    docx = {f"downloads/{p.slug}.docx": build_docx(p, project.references, subject=subject) for p in policies}
    lo_pdf: dict[str, bytes] = {}
    soffice = pdf.find_soffice()
    if soffice and not args.no_libreoffice:
        start = time.perf_counter()
        lo_pdf = {k.split("/")[1][:-4]: v for k, v in pdf.convert(docx, soffice).items()}
        batch5 = _ms(start)
        singles = []
        for name, data in docx.items():
            start = time.perf_counter()
            pdf.convert({name: data}, soffice)
            singles.append(_ms(start))
        many = {f"downloads/{i:04d}-{k[10:]}": v for i in range(args.batch) for k, v in [list(docx.items())[i % 5]]}
        start = time.perf_counter()
        made = pdf.convert(many, soffice)
        big = _ms(start)
        again_lo = {k.split("/")[1][:-4]: v for k, v in pdf.convert(docx, soffice).items()}
        print(f"LibreOffice ({soffice}, scripts/libreoffice_pdf.py convert of the DOCX, tagged, PDF/UA)")
        print(f"  one call, five schools: {batch5:.0f} ms = {batch5 / 5:.0f} ms per document (start included)")
        print(f"  one call per school: {statistics.mean(singles):.0f} ms mean")
        per = big / args.batch
        print(f"  one call, {args.batch} documents: {big:.0f} ms = {per:.0f} ms per document, {len(made)} made")
        print(f"  same bytes twice (after reproducible()): {'yes' if again_lo == lo_pdf else 'NO'}")

    print("\nSizes (KiB): school, DOCX, Typst PDF, LibreOffice PDF")
    for p in policies:
        lo = f"{len(lo_pdf[p.slug]) / 1024:.0f}" if p.slug in lo_pdf else "-"
        kib = len(docx[f"downloads/{p.slug}.docx"]) / 1024, len(typst_pdf[p.slug]) / 1024
        print(f"  {p.slug:<18} {kib[0]:>6.0f} {kib[1]:>6.0f} {lo:>6}")

    slug = policies[0].slug
    print(f"\nQuality ({slug}): check | Typst | LibreOffice")
    typst_q, lo_q = quality(typst_pdf[slug]), quality(lo_pdf[slug]) if slug in lo_pdf else {}
    for key, value in typst_q.items():
        print(f"  {key} | {value} | {lo_q.get(key, '-')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
