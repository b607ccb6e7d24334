"""Problems found in the inputs, collected so that one run reports all of them.

Every stage appends to a :class:`Problems` list instead of raising, because a
maintainer fixing a school file wants every mistake in one go, each located as
``path:line: message`` (the format editors and CI annotate).  Only the command
line turns a non-empty list into an exit status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one input file, with the line it was found on when known."""

    path: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {prefix}{self.message}"


@dataclass
class Problems:
    """An ordered, de-duplicated collection of problems, relative to a root."""

    root: Path
    items: list[Problem] = field(default_factory=list)
    _seen: set[Problem] = field(default_factory=set, init=False, repr=False, compare=False)

    def rel(self, path: Path | str) -> str:
        """Show paths relative to the project, as a maintainer types them."""
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return p.as_posix()

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        self._add(Problem(self.rel(path), line or 0, message, "error"))

    def warning(self, path: Path | str, line: int | None, message: str) -> None:
        self._add(Problem(self.rel(path), line or 0, message, "warning"))

    def notice(self, path: Path | str, line: int | None, message: str) -> None:
        """Worth knowing, never a failure, even with --strict (e.g. a review falling due)."""
        self._add(Problem(self.rel(path), line or 0, message, "notice"))

    def extend(self, problems: list[Problem]) -> None:
        """Add problems found elsewhere (another ``Problems``, another process), in their order."""
        for problem in problems:
            self._add(problem)

    def _add(self, problem: Problem) -> None:
        """Keep the first of equal problems, in order; a set keeps that linear (thousands of warnings at scale)."""
        if problem not in self._seen:
            self._seen.add(problem)
            self.items.append(problem)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def notices(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "notice"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line, p.message))
