"""Parse a clause file: YAML front matter, a Markdown body, and variant blocks.

A clause body is shared text with optional blocks, one per variant::

    Shared text.

    ::: variant under-age
    Text for schools that choose this variant.
    :::

For each variant the template source is the body with the *other* variants'
lines blanked rather than removed, so Jinja's line numbers stay the file's line
numbers (plus the front-matter offset) and a syntax error is reported where
the maintainer typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Template, TemplateSyntaxError, meta, nodes

from policies.load import library_models
from policies.load.models import RESERVED_SLUGS
from policies.load.problems import Problems
from policies.load.validate import validate_located
from policies.load.yamlsource import Located, SourceError, parse_yaml, read_text
from policies.templating.environment import ENV

_OPEN = re.compile(r"^:::\s*variant\s+(\S+)\s*$")
_CLOSE = re.compile(r"^:::\s*$")
MAX_CLAUSE_BYTES = 64 * 1024

DEFAULT = ""  # key of the only template of a clause without variants


@dataclass
class Clause:
    """A parsed clause: metadata, and one compiled template per variant."""

    path: Path
    meta: library_models.ClauseMeta
    meta_lines: Located
    body_line: int  # file line of the body's first line
    templates: dict[str, Template] = field(default_factory=dict)
    used: dict[str, dict[str, tuple[int, bool]]] = field(default_factory=dict)  # variant -> path -> (line, required)
    rendered: dict[tuple[str, str], str] = field(default_factory=dict)  # (variant, values read) -> text
    body: str = ""  # the Markdown body as written, variant blocks and all (read by the plain-text checks)
    sources: dict[str, str] = field(default_factory=dict)  # variant -> its template source
    localised: dict[str, Template] = field(default_factory=dict)  # jurisdictions.py: per variant and country

    @property
    def variant_ids(self) -> list[str]:
        return list(self.meta.variants) or [DEFAULT]


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (front matter, body, body's first line) or None if there is none."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return None


def parse_clause(path: Path, problems: Problems) -> Clause | None:
    try:
        text = read_text(path, MAX_CLAUSE_BYTES)
    except SourceError as exc:
        problems.error(path, exc.line, exc.message)
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.error(path, 1, "a clause starts with YAML front matter between two '---' lines")
        return None
    front, body, body_line = parts
    try:
        located = parse_yaml(front, first_line=2)
    except SourceError as exc:
        problems.error(path, exc.line, exc.message)
        return None
    if not isinstance(located.data, dict):
        problems.error(path, 2, "front matter must be a mapping of keys such as id, title, section")
        return None
    meta = validate_located(located, library_models.ClauseMeta, path, problems)
    if meta is None:
        return None
    if meta.id in RESERVED_SLUGS:
        line = located.line_of(("id",))
        problems.error(
            path, line, f"'{meta.id}' cannot be a clause id: its page would take the place of the library's index page"
        )
        return None
    clause = Clause(path, meta, located, body_line, body=body)
    blocks = _variant_blocks(body, body_line, clause, problems)
    if blocks is None:
        # Still report template syntax errors, with every marker line blanked.
        source = "\n".join("" if _OPEN.match(x) or _CLOSE.match(x) else x for x in body.split("\n"))
        _compile(clause, DEFAULT, source, problems)
        return None
    lines = body.split("\n")
    for variant in clause.variant_ids:
        keep = [
            "" if (owner is not None and owner != variant) or marker else line
            for line, (owner, marker) in zip(lines, blocks, strict=True)
        ]
        source = "\n".join(keep)
        _compile(clause, variant, source, problems)
    if len(clause.templates) == len(clause.variant_ids):
        _check_variables(clause, problems)
    _check_markup(clause, body, problems)
    return clause


_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*|/[A-Za-z]|!)")
_LINK = re.compile(r"\]\(\s*<?([^)\s>]*)|<([A-Za-z][A-Za-z0-9+.-]*:[^>\s]*)>")
_SAFE_LINK = re.compile(r"^(?:https?://|mailto:|#|\.{0,2}/|[A-Za-z0-9_-]+\.md\b)", re.IGNORECASE)


def _check_markup(clause: Clause, body: str, problems: Problems) -> None:
    """Clause text is Markdown for people to sign: no raw HTML, and links only to web pages or mail."""
    for offset, line in enumerate(body.split("\n")):
        number = clause.body_line + offset
        if _HTML.search(line):
            problems.error(clause.path, number, "HTML is not allowed in clause text; write Markdown")
        for match in _LINK.finditer(line):
            target = match.group(1) if match.group(1) is not None else match.group(2)
            if not _SAFE_LINK.match(target):
                problems.error(clause.path, number, f"link target '{target}' is not allowed: use an https:// address")


def _variant_blocks(
    body: str, body_line: int, clause: Clause, problems: Problems
) -> list[tuple[str | None, bool]] | None:
    """For each body line: the variant owning it (None = shared) and whether it is a marker."""
    result: list[tuple[str | None, bool]] = []
    current: str | None = None
    opened_at = 0
    seen: set[str] = set()
    ok = True
    for offset, line in enumerate(body.split("\n")):
        number = body_line + offset
        if m := _OPEN.match(line):
            if current is not None:
                problems.error(
                    clause.path,
                    number,
                    f"variant '{m[1]}' starts inside variant '{current}' (line {opened_at}); close it with ':::' first",
                )
                ok = False
            if m[1] not in clause.meta.variants:
                known = ", ".join(clause.meta.variants) or "none declared"
                problems.error(clause.path, number, f"unknown variant '{m[1]}' (front matter declares: {known})")
                ok = False
            elif m[1] in seen:
                problems.error(clause.path, number, f"variant '{m[1]}' has a second block")
                ok = False
            seen.add(m[1])
            current, opened_at = m[1], number
            result.append((current, True))
        elif _CLOSE.match(line):
            if current is None:
                problems.error(clause.path, number, "':::' closes no variant block")
                ok = False
            result.append((current, True))
            current = None
        else:
            result.append((current, False))
    if current is not None:
        problems.error(clause.path, opened_at, f"variant '{current}' is never closed with ':::'")
        ok = False
    for variant in clause.meta.variants:
        if variant not in seen:
            at = clause.meta_lines.line_of(("variants", variant))
            problems.error(clause.path, at, f"variant '{variant}' has no '::: variant {variant}' block in the body")
            ok = False
    return result if ok else None


def _compile(clause: Clause, variant: str, source: str, problems: Problems) -> None:
    try:
        ast = ENV.parse(source)
    except TemplateSyntaxError as exc:
        line = clause.body_line + (exc.lineno or 1) - 1
        problems.error(clause.path, line, f"template error: {exc.message}")
        return
    except RecursionError:  # Jinja's parser recurses once per nested expression ("{{ {{ {{ ...")
        problems.error(clause.path, clause.body_line, "template error: expressions nested too deeply to read")
        return
    forbidden = (
        nodes.Include,
        nodes.Import,
        nodes.FromImport,
        nodes.Extends,
        nodes.Macro,
        nodes.CallBlock,
        nodes.Block,
    )
    for node in ast.find_all(forbidden):
        tag = type(node).__name__.lower()
        problems.error(
            clause.path,
            clause.body_line + node.lineno - 1,
            f"'{tag}' is not allowed in a clause: clauses are text with values, not templates of templates",
        )
        return
    clause.used[variant] = _variables(ast, clause.body_line)
    clause.templates[variant] = ENV.from_string(ast)  # compiled from the tree parsed above, not parsed again
    clause.sources[variant] = source


def _variables(ast: nodes.Template, body_line: int) -> dict[str, tuple[int, bool]]:
    """Free variables a template reads: dotted path -> (first line, required?).

    A use is optional when the text copes with the value being absent: inside
    ``{% if path %}...{% endif %}`` (or its test), or as ``path | otherwise("...")``.
    A school must define every variable a selected clause requires.
    """
    free = meta.find_undeclared_variables(ast)
    found: dict[str, tuple[int, bool]] = {}

    def path_of(node: nodes.Node) -> str | None:
        parts: list[str] = []
        cur: nodes.Node = node
        while isinstance(cur, nodes.Getattr):
            parts.append(cur.attr)
            cur = cur.node
        if isinstance(cur, nodes.Name) and cur.name in free and cur.ctx == "load":
            return ".".join([cur.name, *reversed(parts)])
        return None

    def record(path: str, line: int, required: bool) -> None:
        first, was_required = found.get(path, (line, False))
        found[path] = (min(first, line), was_required or required)

    def visit(node: nodes.Node, guarded: frozenset[str]) -> None:
        if isinstance(node, (nodes.Getattr, nodes.Name)) and (path := path_of(node)) is not None:
            record(path, body_line + node.lineno - 1, path not in guarded)
            return
        if (
            isinstance(node, nodes.Filter)
            and node.name == "otherwise"
            and node.node is not None
            and (path := path_of(node.node)) is not None
        ):
            record(path, body_line + node.lineno - 1, False)
            for arg in node.args:
                visit(arg, guarded)
            return
        if isinstance(node, nodes.If):
            candidates = [node.test, *node.test.find_all((nodes.Getattr, nodes.Name))]
            tested = frozenset(p for n in candidates if (p := path_of(n)))
            visit(node.test, guarded | tested)
            for child in node.body:
                visit(child, guarded | tested)
            for child in [*node.elif_, *node.else_]:
                visit(child, guarded)
            return
        for child in node.iter_child_nodes():
            visit(child, guarded)

    visit(ast, frozenset())
    return found


def _check_variables(clause: Clause, problems: Problems) -> None:
    used: dict[str, int] = {}
    for per_variant in clause.used.values():
        for name, (line, _) in per_variant.items():
            used.setdefault(name, line)
    declared = clause.meta.variables
    line = clause.meta_lines.line_of(("variables",))
    for name, at in sorted(used.items(), key=lambda kv: kv[1]):
        if name not in declared:
            problems.error(clause.path, at, f"uses variable '{name}' but does not list it in 'variables'")
    for index, name in enumerate(declared):
        if name not in used:
            problems.error(
                clause.path,
                clause.meta_lines.line_of(("variables", index)) or line,
                f"lists variable '{name}' but its text does not use it",
            )
