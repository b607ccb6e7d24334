"""Approved versions: each approval's document as it stood at its release, resolved once and kept.

An approval (``approvals:`` in a school file) names a library release; the release is a git tag.  The
document it approved is the school's document as that tag's tree renders it: the clause library, the
school's file and its organisations at that commit (``git archive``, as ``policies diff`` does),
rendered by this generator.  Only the schools that need it are resolved, and no cross-file checks
run: the release was a checked library when it was made.

Rendering a release costs a load of the whole library, so each approved version is resolved once and
kept in ``.policies-cache/approved/<release>@<commit>/``: an index of each document's content hash,
title and downloads' stem (read by every build), and the resolved document itself, read only when a
build must render its copy or compare it with today's text.  The folder is named by the tag's commit,
so a tag moved to another commit is rendered again.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from policies.load.approvals import no_tag
from policies.load.library_models import Reference as Citation
from policies.load.models import Approval
from policies.load.problems import Problems
from policies.load.project import Project, load_project
from policies.resolve.policy import ResolvedPolicy, resolve_documents
from policies.resolve.version import HASH_VERSION, content_hash
from policies.runtime.gitrepo import tag_commits

FOLDER = "approved"
INDEX = "index.json"
FORMAT = f"2.{HASH_VERSION}"  # raise to render every approved version again (a change to what is kept here)


@dataclass(frozen=True)
class Wanted:
    """One approval in a school file: the document (by id) it approved, and where the approval is written."""

    slug: str
    document: str
    index: int  # its place in the school's ``approvals:``
    approval: Approval


@dataclass(frozen=True)
class Frozen:
    """An approved version, resolved: what every build reads of it without loading the document."""

    slug: str
    document: str
    release: str
    commit: str
    digest: str  # the content hash of the text approved (resolve/version.py)
    title: str
    stem: str  # the downloads' name at the release: <slug>-<document's stem>
    file: str  # the pickled ResolvedPolicy (a string: a build knows thousands, and reads few)

    def load(self) -> tuple[ResolvedPolicy, dict[str, Citation]]:
        """The document as approved, and the references it cited as the registry then described them."""
        with open(self.file, "rb") as handle:
            policy, references = pickle.load(handle)
        return policy, references


def wanted(project: Project) -> list[Wanted]:
    """Every approval of every school, with the document it names (its main document when it names none)."""
    found = []
    for slug, school in sorted(project.schools.items()):
        if not school.approvals:
            continue
        documents = project.published(slug)
        main = documents[0].id if documents else ""
        for index, approval in enumerate(school.approvals):
            found.append(Wanted(slug, approval.document or main, index, approval))
    return found


def _key(slug: str, document: str) -> str:
    return f"{slug}/{document}"


def _read_index(folder: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((folder / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("documents"), dict):
        return {}
    documents: dict[str, dict[str, str]] = data["documents"]
    return documents


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


class FrozenStore:
    """The approved versions of one build: found in the cache, or rendered from their release and kept."""

    def __init__(self, project: Project, cache: Path, problems: Problems) -> None:
        self.project, self.cache, self.problems = project, cache / FOLDER, problems

    def resolve(self, approvals: Iterable[Wanted]) -> dict[tuple[str, str, str], Frozen]:
        """(slug, document, release) -> its approved version; a problem at the approval for each that cannot be."""
        by_release: dict[str, list[Wanted]] = {}
        for item in approvals:
            by_release.setdefault(item.approval.release, []).append(item)
        found: dict[tuple[str, str, str], Frozen] = {}
        tags = tag_commits(self.project.root) if by_release else {}
        for release, items in sorted(by_release.items()):
            commit = tags.get(release)
            if commit is None:
                for item in items:
                    self._problem(item, "release", no_tag(release))
                continue
            folder = self.cache / f"{release}@{commit[:16]}"
            index = _read_index(folder)
            missing = [item for item in items if _key(item.slug, item.document) not in index]
            if missing:
                index = self._render(release, commit, folder, index, missing)
            base = str(folder)
            for item in items:
                entry = index.get(_key(item.slug, item.document))
                if entry is not None:
                    found[(item.slug, item.document, release)] = Frozen(
                        item.slug,
                        item.document,
                        release,
                        commit,
                        entry["digest"],
                        entry["title"],
                        entry["stem"],
                        f"{base}/{entry['file']}",
                    )
        return found

    def _problem(self, item: Wanted, key: str, message: str) -> None:
        lines = self.project.school_lines.get(item.slug)
        line = lines.line_of(("approvals", item.index, key)) if lines is not None else 0
        self.problems.error(self.project.school_path(item.slug), line, message)

    def _render(
        self, release: str, commit: str, folder: Path, index: dict[str, dict[str, str]], items: list[Wanted]
    ) -> dict[str, dict[str, str]]:
        """Resolve the schools of ``items`` at the release's commit, and keep each document they approved."""
        from policies.maintain.diff import export_revision

        with tempfile.TemporaryDirectory(prefix="policies-release-") as tmp:
            root = export_revision(self.project.root, commit, Path(tmp) / "tree")
            problems = Problems(root)
            then = load_project(root, problems)
            folder.mkdir(parents=True, exist_ok=True)
            index = dict(index)
            for slug in sorted({item.slug for item in items}):
                mine = [item for item in items if item.slug == slug]
                resolved = self._resolve_school(then, slug, release, mine)
                for item in mine:
                    policy = resolved.get(item.document)
                    if policy is None:
                        continue
                    name = f"{slug}--{item.document or 'policy'}.pickle"
                    kept = (policy, then.references)
                    _write_atomically(folder / name, pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
                    index[_key(slug, item.document)] = {
                        "digest": content_hash(policy),
                        "title": policy.title,
                        "stem": policy.stem,
                        "file": name,
                    }
        record = {"format": FORMAT, "release": release, "commit": commit, "documents": index}
        _write_atomically(folder / INDEX, json.dumps(record, sort_keys=True, indent=1).encode("utf-8"))
        return index

    def _resolve_school(self, then: Project, slug: str, release: str, items: list[Wanted]) -> dict[str, ResolvedPolicy]:
        """The school's documents at the release, by id; a problem at each approval that names none of them."""
        if slug not in then.schools:
            for item in items:
                self._problem(item, "release", f"schools/{slug}.yml was not in the library at release '{release}'")
            return {}
        problems = Problems(then.root)
        try:
            resolved = {policy.document: policy for policy in resolve_documents(then, slug, problems)}
        except (KeyError, ValueError, TypeError, AttributeError) as exc:  # a library this code cannot read
            resolved, reason = {}, f"{type(exc).__name__}: {exc}"
        else:
            reason = problems.errors[0].message if problems.errors else ""
        for item in items:
            if item.document in resolved:
                continue
            if reason:
                self._problem(item, "release", f"release '{release}' cannot be rendered for {slug}: {reason}")
            else:
                self._problem(
                    item, "document", f"{slug} did not publish '{item.document or 'its policy'}' at release '{release}'"
                )
        return resolved
