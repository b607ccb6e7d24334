"""``policies approve SCHOOL [DOCUMENT] --release NAME --date DATE --by BODY [--minute REF]``.

Records in ``schools/SCHOOL.yml`` that a governing body approved one of the school's documents (its main
document by default) as it stood at a release of the library.  The file is edited as text, so every
comment and all its layout stay: the entry goes at the end of the file's ``approvals:`` list, or in a new
list at the end of the file.  Before anything is written the project is loaded with the new text and its
approvals checked as ``policies check`` would (load/approvals.py); the command refuses, writing nothing,
if the new approval has a problem.  The file is then replaced in one step.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from policies.errors import ApprovalError, InputError
from policies.load.approvals import approved_document, check_approvals, did_you_mean
from policies.load.dates import PolicyDate, parse_policy_date
from policies.load.documents import COMBINED
from policies.load.files import SLUG
from policies.load.models import RELEASE_NAME, single_line
from policies.load.problems import Problems
from policies.load.project import Project, load_project
from policies.load.releases import FILE as RELEASES
from policies.load.yamlsource import Located
from policies.runtime.write import write_if_changed

COMMENT = "# Approvals, oldest first: `policies approve` adds each, and `policies build` publishes each approved copy."
INDENT = ("  - ", "    ")  # a new list's first line of an entry, and its other lines
_KEY = re.compile(r"^approvals[ \t]*:(?P<value>[^#]*?)[ \t]*(?P<comment>(?:#.*)?)$")
_ITEM = re.compile(r"^(?P<indent>[ ]*)-(?P<gap>[ ]+)\S")


@dataclass(frozen=True)
class Recorded:
    """The approval written, and where."""

    path: Path
    line: int  # the line its entry starts on
    document: str  # its id (COMBINED: the one policy of a school that lists no documents)
    title: str
    release: str
    date: PolicyDate
    by: str
    minute: str | None


def approve(
    root: Path,
    slug: str,
    document: str | None,
    release: str,
    date: str,
    by: str,
    minute: str | None,
    today: dt.date,
) -> Recorded:
    """Check the approval, add it to the school's file and return what was written (``ApprovalError`` or
    ``InputError`` and nothing written when it cannot be recorded)."""
    problems = Problems(root)
    project = load_project(root, problems)
    path = _school(project, slug, problems)
    day = _day(date)
    by, minute = _text("--by", by), (None if minute is None else _text("--minute", minute))
    if not re.match(RELEASE_NAME, release):
        raise ApprovalError(f"'{release}' cannot name a release: letters, digits, '.', '_' and '-', at most 40")
    published = project.published(slug)
    if document is None and not published:
        raise ApprovalError(f"{slug} publishes no document the library defines: run `policies check`")
    doc_id = published[0].id if document is None else document
    titles = {p.id: p.title for p in published}
    school, lines = project.schools[slug], project.school_lines[slug]
    for index, earlier in enumerate(school.approvals):
        if approved_document(earlier, published) == doc_id and earlier.release == release:
            where = f"{problems.rel(path)}:{lines.line_of(('approvals', index))}"
            raise ApprovalError(
                f"{where}: already records that {earlier.by} approved {_named(doc_id, titles)} at release "
                f"{release} ({earlier.date})"
            )
    entry = [f"document: {yaml_string(doc_id)}"] if doc_id != COMBINED else []  # the one policy has no id
    entry += [f"release: {yaml_string(release)}", f"date: {day.text}", f"by: {yaml_string(by)}"]
    entry += [f"minute: {yaml_string(minute)}"] if minute is not None else []
    old = path.read_bytes().decode("utf-8")
    new, first, last = with_entry(old, lines, entry, problems.rel(path))
    _validate(root, slug, path, new, range(first, last + 1), today)
    write_if_changed(path.resolve(), new.encode("utf-8"))
    return Recorded(path, first, doc_id, titles.get(doc_id, doc_id), release, day, by, minute)


def _school(project: Project, slug: str, problems: Problems) -> Path:
    """The school's file; refuses a school that does not exist, or whose file does not load."""
    path = project.school_path(slug)
    if not SLUG.match(slug) or not path.is_file():
        known = sorted({*project.schools, *(p.stem for p in project.schools_dir.glob("*.yml"))})
        raise ApprovalError(f"no school '{slug}': there is no schools/{slug}.yml{did_you_mean(slug, known, most=3)}")
    blocking = {problems.rel(p) for p in (path, project.clauses_dir / RELEASES, project.clauses_dir / "documents.yml")}
    if slug not in project.schools or any(p.path in blocking for p in problems.errors):
        raise InputError(Problems(problems.root, [p for p in problems.errors if p.path in blocking]))
    return path


def _day(text: str) -> PolicyDate:
    try:
        day = parse_policy_date(text)
    except ValueError as exc:
        raise ApprovalError(f"--date: {exc}") from None
    if day.start != day.end:
        raise ApprovalError(f"--date: '{day}' is not a day: give the day of the meeting, for example '14 March 2026'")
    return day


def _text(option: str, value: str) -> str:
    try:
        value.encode("utf-8")
        return single_line(value)
    except UnicodeEncodeError:
        raise ApprovalError(f"{option}: holds bytes that are not text (UTF-8)") from None
    except ValueError as exc:
        raise ApprovalError(f"{option}: {exc}") from None


def _named(doc_id: str, titles: dict[str, str]) -> str:
    return titles.get(doc_id, doc_id) if doc_id == COMBINED else f"'{doc_id}'"


def yaml_string(value: str) -> str:
    """``value`` as a double-quoted YAML string: JSON's quoting, and every character YAML may not hold as it
    is (C1 controls, line separators, byte order marks, non-characters) escaped, so it reads back unchanged."""
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if _unprintable(c) else c for c in quoted)


def _unprintable(char: str) -> bool:
    code = ord(char)
    return 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)


def with_entry(text: str, lines: Located, entry: list[str], shown: str) -> tuple[str, int, int]:
    """``text`` with ``entry`` (its ``key: value`` lines) added to its top-level ``approvals:`` list, or in a
    new list at its end; and the first and last lines (from 1) of the entry in the new text."""
    newline = "\r\n" if "\r\n" in text else "\n"
    rows = text.splitlines(keepends=True)
    if rows and not rows[-1].endswith(("\n", "\r")):
        rows[-1] += newline
    if not isinstance(lines.data, dict) or "approvals" not in lines.data:
        gap = [newline] if rows and rows[-1].strip() else []
        block = [COMMENT + newline, "approvals:" + newline, *_rows(entry, INDENT, newline)]
        first = len(rows) + len(gap) + 3
        return "".join(rows + gap + block), first, first + len(entry) - 1
    key = lines.line_of(("approvals",)) - 1
    match = _KEY.match(rows[key].rstrip("\r\n"))
    if match is None or match["value"].strip() not in ("", "[]"):
        raise ApprovalError(
            f"{shown}:{key + 1}: approvals: write the list one '- ' entry per approval (block style), "
            "so that an approval can be added to it"
        )
    if match["value"].strip() == "[]":
        comment = f" {match['comment']}" if match["comment"] else ""
        rows[key] = f"approvals:{comment}{newline}"
    after = key
    for index in range(key + 1, len(rows)):
        row = rows[index]
        if row.strip() and not row[0].isspace() and not row.startswith("#") and not re.match(r"-(\s|$)", row):
            break  # the next top-level key
        if row.strip() and not row.startswith("#"):  # a comment at the margin belongs to what follows
            after = index
    indent = INDENT
    if lines.lines.get(("approvals", 0)) and (item := _ITEM.match(rows[lines.line_of(("approvals", 0)) - 1])):
        indent = (f"{item['indent']}-{item['gap']}", " " * (len(item["indent"]) + 1 + len(item["gap"])))
    rows[after + 1 : after + 1] = _rows(entry, indent, newline)
    return "".join(rows), after + 2, after + 1 + len(entry)


def _rows(entry: list[str], indent: tuple[str, str], newline: str) -> list[str]:
    return [(indent[0] if n == 0 else indent[1]) + row + newline for n, row in enumerate(entry)]


def _validate(root: Path, slug: str, path: Path, text: str, entry: range, today: dt.date) -> None:
    """Load the project with the school's new text and check its approvals as ``policies check`` would;
    raise ``InputError`` with the problems of the new entry, if any."""
    problems = Problems(root)
    project = load_project(root, problems, {slug: text})
    check_approvals(project, problems, today)
    shown = problems.rel(path)
    found = [
        p
        for p in problems.errors
        if p.path == shown and (p.line in entry or slug not in project.schools)  # a file that no longer loads
    ]
    if found:
        raise InputError(Problems(root, found))
