"""Read one input file into located data (values with their lines), or record why it could not be used."""

from __future__ import annotations

import re
from pathlib import Path

from policies.errors import SourceError
from policies.load.problems import Problems
from policies.load.yamlsource import Located, load_yaml_file, load_yaml_text

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # a file name that is a slug: schools, organisations


def load_located(path: Path, problems: Problems, text: str | None = None) -> Located | None:
    """The file's data with its lines; ``text``: what the file would hold, read instead of the file."""
    try:
        located = load_yaml_file(path) if text is None else load_yaml_text(text)
    except SourceError as exc:
        problems.error(path, exc.line, exc.message)
        return None
    except OSError as exc:
        problems.error(path, 0, f"cannot read: {exc.strerror}")
        return None
    if located.data is None:
        problems.error(path, 1, "file is empty")
        return None
    return located


def load_mapping(path: Path, problems: Problems, what: str, text: str | None = None) -> Located | None:
    located = load_located(path, problems, text)
    if located is not None and not isinstance(located.data, dict):
        problems.error(path, 1, f"must be a mapping of {what}")
        return None
    return located


def inside(path: Path, root: Path, problems: Problems) -> bool:
    """Refuse symlinks that lead outside the project (a school file must not read /etc)."""
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        problems.error(path, 0, "is a link to a file outside the project; copy the file in instead")
        return False
    return True
