"""``policies diff BASE [HEAD]``: what each school's policy would say differently.

Both revisions are rendered in full (the clause library and school files at
BASE from git, at HEAD from git or the working tree), then compared school by
school and clause by clause.  A change is *content* when the words a reader
sees differ; when only the Markdown around the same words differs (emphasis, a
list re-flowed) it is *formatting only*, so schools are not told their policy
changed when it did not.  Content changes come with a word-level redline.  What a reader sees and the
word-level diff are ``history.redline``'s, which the governors' sentence-level redline shares.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from policies.errors import DiffError
from policies.history.redline import WORD, visible_text, word_spans
from policies.resolve.policy import ResolvedPolicy
from policies.resolve.prepare import prepare

TRACKED = ("clauses", "schools", "organisations")  # the inputs of a policy (organisations/ may not exist yet)


@dataclass
class ClauseChange:
    key: str  # clause id, or "details" for the policy details
    title: str
    kind: str  # "content", "formatting", "added", "removed"
    old: str = ""
    new: str = ""


@dataclass
class SchoolChange:
    slug: str
    name: str
    status: str = "changed"  # "changed", "added", "removed"
    clauses: list[ClauseChange] = field(default_factory=list)

    @property
    def content(self) -> list[ClauseChange]:
        return [c for c in self.clauses if c.kind != "formatting"]

    @property
    def formatting(self) -> list[ClauseChange]:
        return [c for c in self.clauses if c.kind == "formatting"]


def export_revision(root: Path, revision: str, dest: Path) -> Path:
    """The tracked inputs at a git revision, extracted into ``dest``."""
    try:
        result = subprocess.run(
            ["git", "archive", "--format=tar", revision],  # a missing path would fail: filtered below
            cwd=root,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise DiffError(f"git could not run: {exc}") from exc
    if result.returncode != 0:
        raise DiffError(f"cannot read revision '{revision}': {result.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        members = [m for m in archive.getmembers() if m.name.split("/", 1)[0] in TRACKED]
        archive.extractall(dest, members=members, filter="data")
    return dest


def render_revision(root: Path) -> dict[str, ResolvedPolicy]:
    """Each school's policy at a revision: its documents' sections together, under its main document."""
    schools: dict[str, ResolvedPolicy] = {}
    for policy in prepare(root).policies:
        main = schools.get(policy.slug)
        schools[policy.slug] = policy if main is None else replace(main, sections=main.sections + policy.sections)
    return schools


def _details(policy: ResolvedPolicy) -> str:
    values = policy.values
    return " ".join(f"{k}: {v}" for k, v in sorted(_flatten(values).items()) if v not in (None, "", []))


def _flatten(data: object, prefix: str = "") -> dict[str, object]:
    if isinstance(data, dict):
        flat: dict[str, object] = {}
        for key, value in data.items():
            flat.update(_flatten(value, f"{prefix}{key}."))
        return flat
    return {prefix[:-1]: data}


def _clauses(policy: ResolvedPolicy) -> dict[str, tuple[str, str]]:
    """Clause id -> (numbered heading, "title: body" without the number, which renumbering changes)."""
    return {c.id: (f"{c.number} {c.title}", f"{c.title}\n\n{c.body}") for s in policy.sections for c in s.clauses}


def compare(old: dict[str, ResolvedPolicy], new: dict[str, ResolvedPolicy]) -> list[SchoolChange]:
    changes = []
    for slug in sorted(set(old) | set(new)):
        if slug not in old or slug not in new:
            policy = new.get(slug) or old[slug]
            changes.append(SchoolChange(slug, policy.name, "added" if slug in new else "removed"))
            continue
        change = SchoolChange(slug, new[slug].name)
        if _details(old[slug]) != _details(new[slug]):
            change.clauses.append(
                ClauseChange(
                    "details", "Policy details and school values", "content", _details(old[slug]), _details(new[slug])
                )
            )
        before, after = _clauses(old[slug]), _clauses(new[slug])
        for cid in list(after) + [c for c in before if c not in after]:
            if cid not in before:
                change.clauses.append(ClauseChange(cid, after[cid][0], "added", "", visible_text(after[cid][1])))
            elif cid not in after:
                change.clauses.append(ClauseChange(cid, before[cid][0], "removed", visible_text(before[cid][1]), ""))
            elif before[cid][1] != after[cid][1]:
                old_text, new_text = visible_text(before[cid][1]), visible_text(after[cid][1])
                kind = "content" if WORD.findall(old_text) != WORD.findall(new_text) else "formatting"
                change.clauses.append(ClauseChange(cid, after[cid][0], kind, old_text, new_text))
        if change.clauses:
            changes.append(change)
    return changes


def redline(old: str, new: str, deleted: str = "~~{}~~", inserted: str = "**{}**") -> str:
    """Word-level redline of two texts, marking deletions and insertions (history.redline's word_spans)."""
    out = []
    for span in word_spans(old, new):
        if span.kind == "equal":
            out.append(span.text)
        else:
            out.append((deleted if span.kind == "deleted" else inserted).format(span.text) + " ")
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def diff_revisions(root: Path, base: str, head: str | None) -> list[SchoolChange]:
    with tempfile.TemporaryDirectory(prefix="policies-diff-") as tmp:
        base_root = export_revision(root, base, Path(tmp) / "base")
        head_root = root if head is None else export_revision(root, head, Path(tmp) / "head")
        return compare(render_revision(base_root), render_revision(head_root))
