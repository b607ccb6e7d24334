"""How long each school's policy is, against the outline's limit (``max_words`` in clauses/outline.yml).

People do not read long policies, so the length of what a school signs is checked like its reading
level: the words of its clause headings and text as the school's policy renders them (variants and
values resolved; link addresses, markup and the changes annex not counted).  Over the limit is a
warning at the school's file naming the longest clauses, which is where cutting pays.
"""

from __future__ import annotations

import functools
import re

from policies.load.problems import Problems
from policies.load.project import Project
from policies.resolve.policy import ResolvedPolicy

_WORD = re.compile(r"[A-Za-z0-9][\w'’.-]*")
_NOT_TEXT = re.compile(r"\]\([^)]*\)|<[^>]+>|\{[^}\n]*\}|&#?\w+;")


@functools.lru_cache(maxsize=32768)  # most schools share most clause texts: 4,500 differ of 112,000 at 2,000 schools
def words(markdown: str) -> int:
    """Words a reader reads in a piece of rendered clause Markdown."""
    return len(_WORD.findall(_NOT_TEXT.sub(" ", markdown)))


def clause_words(policy: ResolvedPolicy) -> dict[str, int]:
    """Words of each clause (its heading and text) in the school's policy, by clause id."""
    return {c.id: words(c.title) + words(c.body) for s in policy.sections for c in s.clauses}


def policy_words(policy: ResolvedPolicy) -> int:
    """Words of policy text: section headings, clause headings and clause text."""
    return sum(clause_words(policy).values()) + sum(words(s.title) for s in policy.sections)


def check_length(project: Project, policies: list[ResolvedPolicy], problems: Problems) -> None:
    outline = project.outline
    if outline is None or outline.max_words is None:
        return
    where = f"{project.clauses_dir.name}/outline.yml:{project.outline_lines.line_of(('max_words',))}"
    for policy in policies:
        total = policy_words(policy)
        if total <= outline.max_words:
            continue
        longest = sorted(clause_words(policy).items(), key=lambda item: (-item[1], item[0]))[:3]
        which = "the policy" if not policy.document else f"its {policy.title}"
        problems.warning(
            project.school_path(policy.slug),
            1,
            f"{which} is {total:,} words, over the limit of {outline.max_words:,} ({where}); its longest "
            f"clauses: {', '.join(f'{cid} ({count:,})' for cid, count in longest)}",
        )
