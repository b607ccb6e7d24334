"""Load, check and resolve: the one step that every reader of a project starts with.

``prepare`` is what ``build``, ``policies diff``, the CLI commands, ``scripts/`` and the tests call;
it raises :class:`~policies.errors.InputError` when the inputs have errors, so nothing is rendered
from a project that did not check cleanly.  ``load_and_check`` is its first half, for the commands
that report problems rather than stop at them (``check``, ``changes``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from policies.errors import InputError
from policies.load.approvals import check_release_tags
from policies.load.check import check_plain_text, check_project, check_reference_currency, check_reviews
from policies.load.check_changes import check_changes_notices
from policies.load.problems import Problem, Problems
from policies.load.project import Project, load_project
from policies.load.yamlmemo import Memo, remembering
from policies.load.yamlsource import recording
from policies.resolve.cache import FILE as RESOLVED
from policies.resolve.cache import ResolvedCache
from policies.resolve.length import check_length
from policies.resolve.policy import ResolvedPolicy, resolve_documents
from policies.runtime.background import Background
from policies.runtime.clock import BuildClock
from policies.runtime.incremental import CACHE_DIR, code_fingerprint

PARSED = "parsed-yaml.pickle"


@dataclass(frozen=True)
class Prepared:
    """A project that checked cleanly, its resolved policies (by slug order), and its warnings."""

    project: Project
    policies: list[ResolvedPolicy]
    problems: Problems


def load_and_check(root: Path, today: dt.date | None = None, *, memo: bool = False) -> tuple[Project, Problems]:
    """Every input loaded and checked against ``today`` (default: the build date); problems collected.

    With ``memo`` (a build), files unchanged since the last build are not parsed again (load/yamlmemo.py).
    """
    project, problems, _ = _load_and_check(root, today, memo=memo)
    return project, problems


def _load_and_check(root: Path, today: dt.date | None, *, memo: bool) -> tuple[Project, Problems, dict[str, str]]:
    """``load_and_check``, and the files the load read (each one's SHA-256, by path)."""
    project, problems, parsed, reads = _loaded(root)
    check_project(project, problems, today if today is not None else BuildClock.of(root).today)
    if memo and not problems.errors:
        parsed.save()
    return project, problems, reads


def _loaded(root: Path) -> tuple[Project, Problems, Memo, dict[str, str]]:
    """Every input loaded, its problems, the memo of what was parsed (``save`` keeps it for the next run), and
    the files read (each one's SHA-256, by path)."""
    problems = Problems(root)
    with remembering(root / CACHE_DIR / PARSED, code_fingerprint()) as parsed, recording() as reads:
        project = load_project(root, problems)
    return project, problems, parsed, reads


def check_all(root: Path) -> tuple[Project, Problems]:
    """What ``policies check`` reports: every check, including those of the rendered policies.

    Beyond ``load_and_check``: reviews falling due, references not checked for a year, changes
    awaiting confirmation, plain text (reading level, terms, repetition), and, when the inputs
    have no errors, each school's policy rendered (a clause that cannot be rendered for a school)
    and measured against the outline's length limit.
    """
    today = BuildClock.of(root).today
    project, problems = load_and_check(root, today)
    check_reviews(project, problems, today)
    check_reference_currency(project, problems, today)
    if not problems.errors:
        check_changes_notices(project, problems)
    check_plain_text(project, problems)
    check_release_tags(project, problems)
    if not problems.errors:
        check_length(project, resolve_all(project, problems), problems)
    return project, problems


def resolve_all(project: Project, problems: Problems, cache: ResolvedCache | None = None) -> list[ResolvedPolicy]:
    """Every document of every school, by school (slug order), each school's main document first; with
    ``cache`` (a build), a school whose inputs did not change since the last build is not resolved again."""
    policies = []
    for slug in sorted(project.schools):
        if cache is None:
            policies += resolve_documents(project, slug, problems)
        else:
            policies += cache.resolve(project, slug, problems)
    return policies


def prepare(root: Path, today: dt.date | None = None, *, memo: bool = False, jobs: int = 1) -> Prepared:
    """Load, check and resolve the project in ``root``; raises ``InputError`` if any step found errors.

    With ``memo`` (the build, which owns ``.policies-cache/``), what was parsed and each school's resolved
    documents are kept for the next build, which parses and resolves only what changed (load/yamlmemo.py,
    resolve/cache.py); other readers (diff, matrix, pack, tests) write nothing into the project.  With
    ``jobs`` > 1 the checks run in a forked process while the documents are resolved (``_checked_beside``).
    """
    if jobs > 1 and Background.forks():
        project, problems, policies = _checked_beside(root, today, memo=memo)
    else:
        project, problems, reads = _load_and_check(root, today, memo=memo)
        if problems.errors:
            raise InputError(problems)
        cache = _resolved_cache(project, reads) if memo else None
        policies = resolve_all(project, problems, cache)
        if cache is not None and not problems.errors:  # a build that fails writes nothing
            cache.save()
    if problems.errors:
        raise InputError(problems)
    check_length(project, policies, problems)
    return Prepared(project, policies, problems)


def _checked_beside(root: Path, today: dt.date | None, *, memo: bool) -> tuple[Project, Problems, list[ResolvedPolicy]]:
    """``load_and_check`` then ``resolve_all``, the checks in a forked process while this one resolves: at 2,000
    schools they take 0.2-0.3 s of the 1.3 s.  The problems come in the same order as one after the other.

    The documents of a project that fails its checks may fail to resolve in any way: then the checks' errors
    are what is reported, and the resolved documents are never used.
    """
    project, problems, parsed, reads = _loaded(root)
    day = today if today is not None else BuildClock.of(root).today
    checking = Background(partial(_check_items, project, day))
    resolved = Problems(root)
    failure: Exception | None = None
    cache = _resolved_cache(project, reads) if memo else None
    try:
        policies = resolve_all(project, resolved, cache)
    except Exception as exc:  # raised below, unless the checks explain it
        policies, failure = [], exc
    for items in checking.result()[0]:
        problems.extend(items)
    if problems.errors:
        raise InputError(problems)
    if failure is not None:
        raise failure
    if memo:
        parsed.save()
    problems.extend(resolved.items)
    if cache is not None and not problems.errors:  # a build that fails writes nothing
        cache.save()
    return project, problems, policies


def _resolved_cache(project: Project, reads: dict[str, str]) -> ResolvedCache:
    """The resolved documents the last build kept, for a build (``.policies-cache/``, resolve/cache.py)."""
    return ResolvedCache.of(project, reads, project.root / CACHE_DIR / RESOLVED)


def _check_items(project: Project, today: dt.date) -> Iterator[list[Problem]]:
    """What ``check_project`` finds, in one piece (one message, not one for each of thousands of warnings)."""
    problems = Problems(project.root)
    check_project(project, problems, today)
    yield problems.items
