"""The maintainers' commands of ``policies`` (new-school, diff, schema, release, approve, pack): the work
behind cli.py.

Each takes the parsed arguments and returns an exit status; errors are ``UserError``s, which cli.main
reports as one line.
"""

from __future__ import annotations

import argparse
import sys

from policies.load.problems import Problems


def new_school(args: argparse.Namespace) -> int:
    from policies.load.project import load_project
    from policies.maintain.scaffold import new_school

    problems = Problems(args.root)
    project = load_project(args.root, problems)
    organisations, documents = tuple(args.organisation or ()), tuple(args.document or ())
    path = new_school(project, args.slug, args.name, args.jurisdiction, organisations, documents)
    rel = path.relative_to(args.root).as_posix()
    missing = [n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if ": TO FILL" in line]
    print(f"Wrote {rel}: {len(missing)} values still to fill in. Next steps:")
    print(f"  1. Replace every TO FILL in {rel}; `policies check` lists each with its line.")
    print("  2. Keep or change the variant choices at the end of the file (the recommended ones are set).")
    print("  3. Run `policies check` until it reports no error, then `policies build` to publish.")
    return 0


def diff(args: argparse.Namespace) -> int:
    from policies.maintain.diff import diff_revisions
    from policies.maintain.diff_report import html_pages, markdown_report

    head_label = args.head or "working tree"
    changes = diff_revisions(args.root, args.base, args.head)
    sys.stdout.write(markdown_report(changes, args.base, head_label))
    if args.html:
        for path in html_pages(changes, args.base, head_label, args.html):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def schema(args: argparse.Namespace) -> int:
    from policies.maintain.schema import write_schemas

    written = write_schemas(args.root)
    print(f"{len(written)} schema file(s) updated in schema/" if written else "schemas are up to date")
    return 0


def release(args: argparse.Namespace) -> int:
    from policies.load.project import load_project
    from policies.maintain.release import make_release
    from policies.runtime.clock import BuildClock

    problems = Problems(args.root)
    project = load_project(args.root, problems)
    made = make_release(project, args.name, args.notes, BuildClock.of(args.root).today)
    changed = ", ".join(made.clauses) if made.clauses else "none"
    print(f"Released {made.name} ({made.date}): tagged, with clauses/releases.yml committed.")
    print(f"  Clauses changed since the last release: {changed}")
    print("  Push the commit and the tag (git push --follow-tags); the next build lists it under What changed.")
    return 0


def approve(args: argparse.Namespace) -> int:
    from policies.maintain.approve import approve as record
    from policies.runtime.clock import BuildClock

    today = BuildClock.of(args.root).today
    done = record(args.root, args.school, args.document, args.release, args.date, args.by, args.minute, today)
    rel = done.path.relative_to(args.root).as_posix()
    what = done.title if not done.document else f"{done.title} ({done.document})"
    minute = f", minute {done.minute}" if done.minute else ""
    print(
        f"Recorded in {rel}:{done.line}: {done.by} approved {what} as it stood at release {done.release}, "
        f"on {done.date}{minute}. Next: `policies build` publishes the approved copy."
    )
    return 0


def pack(args: argparse.Namespace) -> int:
    from policies.errors import PackError, TypstPdfError
    from policies.load.dates import parse_policy_date
    from policies.maintain.pack import PACK_DIR, day, make_pack, status
    from policies.maintain.pack_docx import pack_docx
    from policies.maintain.pack_pdf import pack_pdf
    from policies.runtime.clock import BuildClock
    from policies.runtime.write import write_if_changed

    meeting = None
    if args.meeting is not None:
        try:
            meeting = parse_policy_date(args.meeting)
        except ValueError as exc:
            raise PackError(f"--meeting: {exc}") from exc
        if meeting.start != meeting.end:
            raise PackError(f"--meeting: '{args.meeting}' is not a day; write it as 14 March 2026")
    made = make_pack(args.root, args.school, BuildClock.of(args.root).today, meeting)
    for warning in made.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        pdf = pack_pdf(made)
    except TypstPdfError as exc:
        raise PackError(f"the PDF could not be made: {exc}") from exc
    out = args.out if args.out is not None else args.root / PACK_DIR
    stem = out / f"{made.slug}-governors-pack"
    write_if_changed(stem.with_suffix(".docx"), pack_docx(made))
    write_if_changed(stem.with_suffix(".pdf"), pdf)
    try:
        shown = stem.resolve().relative_to(args.root.resolve()).as_posix()
    except ValueError:
        shown = stem.as_posix()
    print(
        f"Wrote {shown}.docx and .pdf for {made.school}, prepared {day(made.date)}: "
        f"{len(made.documents)} document(s) to approve at library release {made.release.name}."
    )
    for document in made.documents:
        print(f"  {document.identifier}: {status(document)}; {len(document.changes)} change(s) to confirm")
    return 0
