"""Read YAML (school files, front matter, registries) keeping the line of every value.

PyYAML's ordinary loaders forget where a value came from, silently let a later
duplicate key win and expand aliases without limit.  Policy files are short
hand-written data, so this loader composes the node tree itself and:

* records the line of every mapping key and sequence item, so a validation
  error on ``policy.review`` can be reported at the line that sets it;
* rejects duplicate keys, aliases and non-string keys;
* refuses files over a size limit and nesting beyond a depth limit, so a
  pathological input fails fast instead of exhausting memory.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from policies.errors import SourceError
from policies.load.yamlmemo import parsed

MAX_BYTES = 256 * 1024
MAX_DEPTH = 12

Loc = tuple[str | int, ...]


@dataclass
class Located:
    """Plain Python data plus a map from location (key path) to 1-based line."""

    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    digest: str = ""  # the SHA-256 of the text, while a load remembers what it parsed (yamlmemo.py)

    def line_of(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest enclosing key that exists."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line:
                return line
        return 1


_recording: list[dict[str, str]] = []  # the reads of the ``recording`` blocks in progress


@contextlib.contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Every file ``read_text`` reads within the block: the SHA-256 of its bytes, by path as given.

    Whatever a load read is what its result depends on (resolve/cache.py keys on it).
    """
    reads: dict[str, str] = {}
    _recording.append(reads)
    try:
        yield reads
    finally:
        _recording.remove(reads)


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Read a UTF-8 file, refusing oversized or undecodable input with a line."""
    size = path.stat().st_size
    if size > limit:
        raise SourceError(1, f"file is {size:,} bytes, over the limit of {limit:,}")
    raw = path.read_bytes()
    for reads in _recording:
        reads[str(path)] = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SourceError(line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})") from None
    return text.removeprefix("\ufeff")


# libyaml (C) when PyYAML has it: parsing is most of the load time for thousands of schools.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ALIASES = "YAML aliases (*name) are not allowed in policy files; write the value out"


def parse_yaml(text: str, first_line: int = 1) -> Located:
    """Parse one YAML document; ``first_line`` offsets lines for front matter."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except SourceError as exc:
            raise SourceError(exc.line + offset, exc.message) from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            last = offset + max(1, len(text.rstrip("\n").split("\n")))  # libyaml may point past the end
            line = min((mark.line + 1 if mark else 1) + offset, last)
            what = exc.problem or "invalid YAML"
            if exc.context:
                what = f"{exc.context}: {what}"
            raise SourceError(line, f"YAML syntax error: {what}") from None
        except yaml.YAMLError as exc:
            raise SourceError(first_line, f"YAML error: {exc}") from None
        located = Located(None)
        if node is not None:
            located.data = _build(loader, node, (), located.lines, offset, 0, set(), first_line)
        return located
    finally:
        loader.dispose()


def _build(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    offset: int,
    depth: int,
    seen: set[int],
    parent_line: int,
) -> Any:
    """Plain data from the node tree, recording lines.

    An alias makes the composer reuse the anchored node, so a node met twice is
    an alias: refused, which also stops "billion laughs" expansion.
    """
    if id(node) in seen:
        raise SourceError(parent_line, ALIASES)
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise SourceError(node.start_mark.line + 1 + offset, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise SourceError(line, "a mapping key must be a plain name")
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise SourceError(line, "YAML merge keys (<<) are not allowed")
            key = _scalar(loader, key_node, offset)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                first = lines[(*loc, key)]
                raise SourceError(line, f"duplicate key '{key}' (first set on line {first})")
            lines[(*loc, key)] = line
            result[key] = _build(loader, value_node, (*loc, key), lines, offset, depth + 1, seen, line)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1 + offset
            items.append(_build(loader, item, (*loc, index), lines, offset, depth + 1, seen, parent_line))
        return items
    return _scalar(loader, node, offset)


def _scalar(loader: yaml.SafeLoader, node: yaml.Node, offset: int) -> Any:
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise SourceError(node.start_mark.line + 1 + offset, f"cannot read this value: {problem}") from None


def load_yaml_file(path: Path) -> Located:
    """Read and parse a whole YAML file (errors as :class:`SourceError`)."""
    return _remembered(read_text(path))


def load_yaml_text(text: str, limit: int = MAX_BYTES) -> Located:
    """Parse what a file would hold, as ``load_yaml_file`` would read it (the same limit, a BOM dropped)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise SourceError(1, f"file is {size:,} bytes, over the limit of {limit:,}")
    return _remembered(text.removeprefix("\ufeff"))


def _remembered(text: str) -> Located:
    """The text parsed, or as an earlier run parsed it (load/yamlmemo.py), knowing its digest."""
    located, digest = parsed(text, parse_yaml)
    located.digest = digest
    return located
