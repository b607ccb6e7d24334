"""Render the site's Markdown pages: one per school and the home page.

Page templates live in ``generator/templates`` and use the same environment as
clauses, so every school value in them is escaped; the clause bodies, already
rendered and escaped, are passed in as Markup.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from .environment import ENV
from .models import AUDIENCES
from .resolve import ResolvedPolicy, tidy_markdown


def policy_data(policy: ResolvedPolicy) -> dict[str, Any]:
    """Plain data for templates: dicts, lists and strings only."""
    school = policy.school
    return {
        "slug": policy.slug,
        "title": policy.title,
        "values": policy.context,
        "audiences": [AUDIENCES[a] for a in school.audiences],
        "sections": [
            {
                "number": Markup(section.number),
                "id": section.id,
                "title": section.title,
                "clauses": [
                    {
                        "number": Markup(clause.number),
                        "id": clause.id,
                        "title": clause.title,
                        "body": Markup(clause.body),
                    }
                    for clause in section.clauses
                ],
            }
            for section in policy.sections
        ],
    }


def render_school_page(policy: ResolvedPolicy) -> str:
    text = ENV.get_template("school.md.jinja").render(policy=policy_data(policy))
    return tidy_markdown(text) + "\n"


def render_home_page(policies: list[ResolvedPolicy], title: str) -> str:
    rows = [policy_data(p) for p in policies]
    text = ENV.get_template("home.md.jinja").render(policies=rows, title=title)
    return tidy_markdown(text) + "\n"
