"""The ``policies`` command: check, build, matrix, changes, new-school, diff, schema, release, approve, pack,
serve.

``main(argv) -> int`` is the one place that turns problems and errors into messages and
exit codes; the work is done by plain functions the tests call directly.  Exit status:
0 success, 1 an error the user can put right (``errors.UserError``) or an ``OSError``,
2 usage, 3 a bug (any other exception), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from policies import commands
from policies.compare.matrix import build_matrix
from policies.compare.outputs import FORMATS, index_scope, render
from policies.errors import DocumentError, InputError, ProjectBusy, SiteBuildError, SiteOSError, UserError
from policies.load.problems import Problems
from policies.pipeline import DOCS_DIR, SITE_DIR, build
from policies.resolve.prepare import check_all, load_and_check, resolve_all
from policies.runtime.clock import default_jobs
from policies.runtime.progress import for_stream


def _report(problems: Problems, strict: bool = False) -> int:
    for problem in problems.sorted():
        print(problem, file=sys.stderr)
    errors, warnings = len(problems.errors), len(problems.warnings)
    failed = errors or (strict and warnings)
    if problems.items:
        notices = f", {len(problems.notices)} notice(s)" if problems.notices else ""
        print(f"{errors} error(s), {warnings} warning(s){notices}", file=sys.stderr)
    return 1 if failed else 0


def _check(args: argparse.Namespace) -> int:
    project, problems = check_all(args.root)
    status = _report(problems, args.strict)
    if status == 0:
        print(
            f"OK: {len(project.clauses)} clauses, {len(project.references)} references, {len(project.schools)} schools"
        )
    return status


def _build(args: argparse.Namespace) -> int:
    progress = for_stream(sys.stderr)
    try:
        result = build(
            args.root,
            site=not args.no_site,
            pdf=not args.no_pdf,
            progress=progress,
            jobs=args.jobs,
            wait=not args.no_wait,
        )
    finally:
        progress.close()  # also on an interrupt or an internal error, before main() prints it
    _report(result.problems)
    site = result.site
    if args.timings:  # --timings FILE: what scripts/bench.py reads
        args.timings.write_text(json.dumps(result.timings(), indent=2) + "\n", encoding="utf-8")
    if args.no_site:
        where = ""
    elif site is None:
        where = f"; {SITE_DIR}/ is up to date"
    elif site.shards > 1:
        where = (
            f" and built {SITE_DIR}/ ({site.processes} of its {site.shards} parts rebuilt, "
            f"{site.rewritten} files changed)"
        )
    else:
        where = f" and built {SITE_DIR}/ ({site.rewritten} files changed)"
    documents = f"in {result.documents} documents, " if result.documents > result.schools else ""
    print(f"Generated {result.schools} school policies ({documents}{len(result.changed)} files changed){where}")
    return 0


def _matrix(args: argparse.Namespace) -> int:
    """Print the comparison matrix; problems go to stderr so stdout is only the data."""
    project, problems = load_and_check(args.root)
    policies = resolve_all(project, problems) if not problems.errors else []
    if _report(problems):
        print("no matrix: fix the problems above", file=sys.stderr)
        return 1
    matrix = build_matrix(project, policies)
    sys.stdout.write(render(matrix, args.format, index_scope(project, len(matrix.schools))))
    return 0


def _changes(args: argparse.Namespace) -> int:
    """One line per change from a school's source policy: school, clause, kind, confirmed or not."""
    from policies.load.changes import school_changes

    project, problems = load_and_check(args.root)
    if args.school is not None and args.school not in project.schools and not problems.errors:
        print(f"policies changes: no school '{args.school}' (schools/{args.school}.yml)", file=sys.stderr)
        return 1
    if _report(problems):
        print("no list of changes: fix the problems above", file=sys.stderr)
        return 1
    slugs = [args.school] if args.school else sorted(project.schools)
    for slug in slugs:
        for item in school_changes(project, slug):
            status = "confirmed" if item.confirmed else "unconfirmed"
            print(f"{slug} {item.clause or '-'} {item.kind} {status}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from policies.serve import serve

    return serve(args.root, args.dev_addr, _report)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="policies", description="Publish harmonised school policies.")
    top.add_argument(
        "-C", "--root", type=Path, default=Path("."), help="project folder (default: the current directory)"
    )
    top.add_argument("--debug", action="store_true", help="show a traceback for internal errors")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="validate clauses, references and school files")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.set_defaults(func=_check)
    build_cmd = sub.add_parser("build", help="check, generate the Markdown tree and build the site")
    build_cmd.add_argument("--no-site", action="store_true", help="generate Markdown only, skip mkdocs")
    build_cmd.add_argument(
        "--no-pdf",
        action="store_true",
        help="make no PDF; the previous PDFs stay published while every one is still current",
    )
    build_cmd.add_argument(
        "--no-wait", action="store_true", help="if another run is writing this project, stop at once instead of waiting"
    )
    build_cmd.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=default_jobs(),
        metavar="N",
        help="processes to use: DOCX beside page rendering, MkDocs split over large sites (default: %(default)s, "
        "the cores available)",
    )
    build_cmd.add_argument(
        "--timings",
        type=Path,
        metavar="FILE",
        help="write each stage's seconds and what was made (documents, PDFs, MkDocs runs) to FILE as JSON",
    )
    build_cmd.set_defaults(func=_build)
    changes_cmd = sub.add_parser(
        "changes", help="list each school's changes from its source policy (new, changed, dropped) to confirm"
    )
    changes_cmd.add_argument("school", nargs="?", help="one school's slug (default: every school)")
    changes_cmd.set_defaults(func=_changes)
    new_cmd = sub.add_parser("new-school", help="write schools/SLUG.yml with every field to fill in")
    new_cmd.add_argument("slug", help="the school's file name: lowercase letters, digits and hyphens")
    new_cmd.add_argument("--name", required=True, help="the school's full name")
    new_cmd.add_argument("--jurisdiction", choices=("england", "wales"), default="england", help="its country")
    new_cmd.add_argument("--organisation", action="append", metavar="SLUG", help="an organisation it belongs to")
    new_cmd.add_argument("--document", action="append", metavar="ID", help="a document it publishes (default: all)")
    new_cmd.set_defaults(func=commands.new_school)
    diff_cmd = sub.add_parser("diff", help="which schools' policies a change alters, with word-level redlines")
    diff_cmd.add_argument("base", help="git revision to compare from, e.g. main")
    diff_cmd.add_argument("head", nargs="?", help="git revision to compare to (default: the working tree)")
    diff_cmd.add_argument("--html", type=Path, metavar="DIR", help="also write an HTML redline per changed school")
    diff_cmd.set_defaults(func=commands.diff)
    schema_cmd = sub.add_parser("schema", help="regenerate the JSON Schemas editors use (schema/*.json)")
    schema_cmd.set_defaults(func=commands.schema)
    release_cmd = sub.add_parser("release", help="record a release of the library: its notes, a commit and a tag")
    release_cmd.add_argument("name", help="the release's name, e.g. 2026.1 (also its git tag)")
    release_cmd.add_argument("--notes", required=True, help="one line for schools and governors: what and why")
    release_cmd.set_defaults(func=commands.release)
    approve_cmd = sub.add_parser(
        "approve", help="record that a governing body approved a school's document as it stood at a release"
    )
    approve_cmd.add_argument("school", help="the school's slug (schools/SCHOOL.yml)")
    approve_cmd.add_argument("document", nargs="?", help="the document's id (default: the school's main document)")
    approve_cmd.add_argument("--release", required=True, metavar="NAME", help="the release approved (releases.yml)")
    approve_cmd.add_argument("--date", required=True, help="the day of the meeting, e.g. '14 March 2026'")
    approve_cmd.add_argument("--by", required=True, metavar="BODY", help="who approved it, e.g. 'Full Governing Body'")
    approve_cmd.add_argument("--minute", metavar="REF", help="the minute's reference, e.g. 'FGB 2026/14'")
    approve_cmd.set_defaults(func=commands.approve)
    pack_cmd = sub.add_parser(
        "pack", help="a governors' meeting pack (DOCX and PDF): each document at the latest release, to approve"
    )
    pack_cmd.add_argument("school", help="the school's slug (schools/SLUG.yml)")
    pack_cmd.add_argument(
        "--out", type=Path, metavar="DIR", help="where to write SLUG-governors-pack.docx and .pdf (default: packs/)"
    )
    pack_cmd.add_argument(
        "--meeting", metavar="DATE", help="the meeting's date, e.g. '14 March 2026', for the clerk's approve line"
    )
    pack_cmd.set_defaults(func=commands.pack)
    serve_cmd = sub.add_parser("serve", help="live preview: regenerate on clause or school edits, mkdocs serve")
    serve_cmd.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on (default: %(default)s)")
    serve_cmd.set_defaults(func=_serve)
    matrix = sub.add_parser("matrix", help="print the cross-policy comparison matrix")
    matrix.add_argument("--format", choices=FORMATS, default="md", help="md (the comparison page), csv or json")
    matrix.set_defaults(func=_matrix)
    return top


def _shown(path: Path | str, root: Path | None = None) -> str:
    """A path as the user would type it: relative to the project where it is inside it."""
    p = Path(path)
    if root is not None:
        with contextlib.suppress(ValueError, OSError):
            return p.resolve().relative_to(root.resolve()).as_posix() or "."
    return p.as_posix()


def os_error(exc: OSError, root: Path) -> str:
    """``error: <path>: <reason>``, one line, for a failure of the system rather than of the inputs."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:
        return f"error: {_shown(root)}: {reason}"
    where = _shown(os.fsdecode(exc.filename), root)
    if exc.filename2 is not None:
        where += f" -> {_shown(os.fsdecode(exc.filename2), root)}"
    return f"error: {where}: {reason}"


# What a command says when its inputs stop it (InputError), after the problems themselves.
_STOPPED = {
    "build": "build stopped: nothing was written",
    "diff": "policies diff: a revision does not check cleanly",
    "approve": "policies approve: nothing was written: fix the problems above",
    "pack": "policies pack: the working tree or a release it reads does not check cleanly",
}


def _user_error(exc: UserError, args: argparse.Namespace) -> list[str]:
    """The lines that explain an error the user can put right (exit 1)."""
    if isinstance(exc, InputError):
        _report(exc.problems)
        return [_STOPPED.get(args.command, f"policies {args.command}: fix the problems above")]
    if isinstance(exc, DocumentError):
        failed = [f"error: {_shown(args.root / DOCS_DIR / name, args.root)}: {why}" for name, why in exc.failures]
        return [*failed, "build stopped: the previous site was left in place"]
    log = [exc.log] if isinstance(exc, SiteBuildError) and args.debug and exc.log else []
    if isinstance(exc, SiteOSError):
        return [*log, os_error(OSError(0, exc.reason, exc.filename, None, exc.filename2), args.root)]
    if isinstance(exc, SiteBuildError):
        return [str(exc), *log, "site build failed: the previous site was left in place"]
    if isinstance(exc, ProjectBusy):
        return [f"error: {_shown(args.root)}: {exc}"]
    return [f"policies {args.command}: {exc}"]  # DiffError, ScaffoldError, ReleaseError, ApprovalError, PackError


def main(argv: list[str] | None = None) -> int:
    """Run one command; the one place that turns errors into messages and exit codes.

    0 success; 1 an error the user can put right (``UserError``) or the system refused (``OSError``);
    2 usage (argparse); 3 a bug; 130 interrupted.
    """
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except UserError as exc:
        for line in _user_error(exc, args):
            print(line, file=sys.stderr)
        return 1
    except OSError as exc:  # the system said no (disk full, permissions, a file where a folder should be)
        if args.debug:
            raise
        print(os_error(exc, args.root), file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not a user's mistake: say so without a wall of text
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 3
