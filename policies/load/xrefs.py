"""Cross-references between clauses: ``[](#clause-id)`` in clause text, numbered per school.

A rule lives in one clause; another clause that needs it links there instead of
restating it.  The link is written with empty text, ``see [](#staff-monitoring)``,
and each output fills in the target as the reader's own document numbers it
("2.8 Monitoring of school systems" on a school's page, DOCX and PDF; the clause's
title, linking its library page, on the library pages).  A link may also keep
its own text, ``[monitoring](#staff-monitoring)``; only its target is checked.

``check_cross_references`` makes two promises at ``path:line``: every target is a
clause of the library, and every school whose policy includes the linking clause
also includes the target (inclusion depends only on a school's audiences, so
this is checked once per distinct set of audiences, not once per school).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from policies.load.clauses import Clause
from policies.load.problems import Problems
from policies.load.project import Project

# A Markdown link to an anchor on the same page: group 1 its text, group 2 the anchor.
LINK = re.compile(r"\[([^\]\n]*)\]\(#([^)\s]*)\)")


def links_in(clause: Clause) -> tuple[tuple[int, str], ...]:
    """(line, target) of each same-page link in the clause's text, in every variant."""
    return _links(clause.body, clause.body_line)


@functools.lru_cache(maxsize=1024)  # read for each of a school's documents that holds the clause
def _links(body: str, first_line: int) -> tuple[tuple[int, str], ...]:
    return tuple(
        (first_line + offset, match.group(2))
        for offset, line in enumerate(body.split("\n"))
        for match in LINK.finditer(line)
    )


def check_cross_references(project: Project, problems: Problems) -> None:
    linking = [(clause, list(links_in(clause))) for clause in project.clauses.values()]
    linking = [(clause, links) for clause, links in linking if links]
    if not linking:
        return
    # The schools that share each set of audiences, so an error names a school the reader knows.
    by_audiences: dict[frozenset[str], list[str]] = {}
    for slug in sorted(project.schools):
        by_audiences.setdefault(frozenset(project.schools[slug].audiences), []).append(slug)
    listed = {cid for section in project.outline.sections for cid in section.clauses} if project.outline else set()
    for clause, links in linking:
        for line, target in links:
            other = project.clauses.get(target)
            if other is None or target not in listed:
                why = "is not a clause of the library" if other is None else "is not in clauses/outline.yml"
                problems.error(clause.path, line, f"the link to '#{target}' {why}: link a clause as [](#clause-id)")
                continue
            for audiences, slugs in by_audiences.items():
                if addresses_set(audiences, clause.meta.audiences) and not addresses_set(
                    audiences, other.meta.audiences
                ):
                    more = f" (and {len(slugs) - 1} other school(s) with the same audiences)" if len(slugs) > 1 else ""
                    problems.error(
                        clause.path,
                        line,
                        f"links to '{target}', which is not in the policy of {slugs[0]}{more}: that policy "
                        f"includes '{clause.meta.id}' (for {', '.join(clause.meta.audiences)}) but not "
                        f"'{target}' (for {', '.join(other.meta.audiences)})",
                    )


def addresses_set(audiences: frozenset[str], text_audiences: Iterable[str]) -> bool:
    return not audiences.isdisjoint(text_audiences)


def fill_links(markdown: str, label: Callable[[str], str | None], href: Callable[[str], str]) -> str:
    """Each empty ``[](#id)`` given ``label(id)`` (Markdown) as its text and ``href(id)`` as its address.

    School values in a rendered clause are escaped (``[`` is ``&#91;``), so only clause text can
    make a link here.  A link with its own text keeps it; ``label`` returning None (a target that is not in this
    document, which check rules out) leaves the link as written.
    """

    def replace(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if text:
            return f"[{text}]({href(target)})"
        filled = label(target)
        return match.group(0) if filled is None else f"[{filled}]({href(target)})"

    return LINK.sub(replace, markdown)
