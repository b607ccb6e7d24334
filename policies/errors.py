"""Every error the package raises on purpose, in one family.

``PoliciesError`` is the base.  ``UserError`` is what a user can put right (an input, a revision name,
a busy project, MkDocs or Typst refusing the output): ``cli.main`` prints it and exits 1.  Anything
else, including a bare ``PoliciesError``, is a bug in the package: exit 3 ("internal error").  The
system saying no (``OSError``: disk full, permissions) is exit 1 too, as ``error: path: reason``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policies.load.problems import Problems


class PoliciesError(Exception):
    """The base of every error this package raises on purpose."""


class UserError(PoliciesError):
    """Something the user can put right; the CLI reports it and exits 1."""


class SourceError(PoliciesError):
    """A file that cannot be read as data; carries the 1-based line (load turns it into a problem)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class InputError(UserError):
    """Raised by a stage that cannot go on; the problems explain why."""

    def __init__(self, problems: Problems) -> None:
        super().__init__(f"{len(problems.errors)} error(s)")
        self.problems = problems


class ProjectBusy(UserError):
    """Another run holds the project's lock and the caller asked not to wait."""


class DiffError(UserError):
    """``policies diff`` cannot compare these revisions (not a git work tree, an unknown revision)."""


class ReleaseError(UserError):
    """``policies release`` cannot record this release (not a git work tree, uncommitted inputs, a name in use)."""


class ApprovalError(UserError):
    """``policies approve`` cannot record this approval (no such school, a date that is not a day, recorded already)."""


class PackError(UserError):
    """``policies pack`` cannot make this pack (an unknown school, no release yet, a release without its tag)."""


class ScaffoldError(UserError):
    """``policies new-school`` cannot write this school (a bad slug, the file exists)."""


class DocumentError(UserError):
    """Documents that could not be made: (path in the docs tree, reason) for each."""

    def __init__(self, failures: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(failures)} document(s) could not be made")
        self.failures = failures


class SiteBuildError(UserError):
    """MkDocs failed; the message is what the user needs, ``log`` MkDocs' whole output (shown with --debug)."""

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


class SiteOSError(SiteBuildError):
    """MkDocs was stopped by the system (disk full, permissions): one ``error: path: reason`` line."""

    def __init__(self, filename: str | None, reason: str, log: str = "", filename2: str | None = None) -> None:
        super().__init__(reason, log)
        self.filename = filename
        self.filename2 = filename2
        self.reason = reason


class TypstPdfError(PoliciesError):
    """A PDF could not be made; the message says why in a school's terms where it can (becomes a DocumentError)."""


class DuplicateOutput(PoliciesError):
    """Two outputs of one run claimed the same path (a bug)."""


class BackgroundError(PoliciesError):
    """A background child failed; carries its traceback as text."""
