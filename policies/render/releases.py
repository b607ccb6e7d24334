"""The "What changed" page (changes.md) and its Atom feed (changes.xml): the library's releases, newest first.

Made from ``clauses/releases.yml`` (load/releases.py): each release's name, date, notes and the clauses it
changed.  The feed (RFC 4287) is the same bytes for the same inputs: its times are the releases' dates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from policies.load.project import Project

PAGE, FEED = "changes.md", "changes.xml"
FEED_ID = "urn:harmonised-school-policies:releases"


def anchor(name: str) -> str:
    """A release's anchor on the page: its name in lower case, other characters as hyphens."""
    return "release-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def releases_data(project: Project) -> list[dict[str, Any]]:
    """Newest first: name, date, notes, anchor, and the changed clauses that are still in the library."""
    return [
        {
            "name": release.name,
            "date": release.date.text,
            "notes": release.notes,
            "anchor": anchor(release.name),
            "clauses": [
                {"id": cid, "title": project.clauses[cid].meta.title}
                for cid in release.clauses
                if cid in project.clauses
            ],
            "removed": [cid for cid in release.clauses if cid not in project.clauses],
        }
        for release in reversed(project.releases)
    ]


def _time(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def atom_feed(project: Project, today: dt.date) -> str:
    releases = list(reversed(project.releases))
    updated = _time(releases[0].date.start if releases else today)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        "  <title>Harmonised school policies: what changed</title>",
        f"  <id>{FEED_ID}</id>",
        f"  <updated>{updated}</updated>",
        '  <link rel="alternate" href="changes/"/>',
        "  <author><name>The maintainers of the clause library</name></author>",
    ]
    for release in releases:
        titles = [project.clauses[cid].meta.title for cid in release.clauses if cid in project.clauses]
        summary = release.notes + (f" Clauses changed: {'; '.join(titles)}." if titles else "")
        lines += [
            "  <entry>",
            f"    <title>{escape(f'Release {release.name}')}</title>",
            f"    <id>{FEED_ID}:{escape(release.name)}</id>",
            f"    <updated>{_time(release.date.start)}</updated>",
            f'    <link rel="alternate" href={quoteattr("changes/#" + anchor(release.name))}/>',
            f'    <summary type="text">{escape(summary)}</summary>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"
