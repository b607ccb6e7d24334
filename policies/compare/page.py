"""The comparison page (comparison/index.md): its view-model and its Markdown.

Every value is escaped, in the right way for each context:

* Markdown parts (headings, lists, pipe tables) get plain strings, which the
  project's Jinja environment escapes for Markdown (``finalize``);
* raw HTML parts (the matrix tables, where we need ``scope``, ``caption`` and
  ``data-*`` attributes) are not processed by Markdown, so their values are
  HTML-escaped here with ``markupsafe.escape`` and arrive as ``Markup``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from policies.compare.matrix import Cell, ClauseRow, Matrix
from policies.load.models import AUDIENCES
from policies.resolve.policy import tidy_markdown
from policies.templating.environment import ENV, safe_id


def _h(value: object) -> Markup:
    """A value for a raw HTML block: HTML-escaped, then marked so ``finalize`` leaves it alone."""
    return escape(str(value))


def _ids(values: tuple[str, ...]) -> Markup:
    return Markup(" ").join(safe_id(v) for v in values)


def _row_view(row: ClauseRow) -> dict[str, Any]:
    recommended = next((v.label for v in row.variants if v.recommended), None)
    audiences = ", ".join(row.audiences)
    return {
        "id": safe_id(row.id),
        "section": safe_id(row.section),
        "audiences": _ids(row.audiences),
        "differs": Markup("true" if row.differs else "false"),
        "title": _h(row.title),
        "note": _h(f"{audiences} · recommended: {recommended}" if recommended else audiences),
        "cells": [_cell_view(cell) for cell in row.cells],
    }


@functools.lru_cache(maxsize=4096)
def _cell_view(cell: Cell) -> dict[str, Any]:
    """A cell for the tables, made once for equal cells (build_matrix makes them one object): an organisation's
    page has 14,000 cells and a few dozen different ones, and escaping each again took 0.1 s a page."""
    return {
        "status": Markup(cell.status),
        "departs": cell.departs,
        "label": _h(cell.label),
        "reason": _h(cell.reason) if cell.reason else None,
    }


def _adoption_view(row: ClauseRow) -> dict[str, Any]:
    """For a Markdown table: plain strings, escaped by ``finalize``."""
    counts = row.adoption
    labels = {v.id: v.label for v in row.variants}
    return {
        "id": safe_id(row.id),
        "title": row.title,
        "covered": row.covered,
        "recommended": f"{labels[row.default]}: {counts[row.default]}" if row.default else "",
        "others": [f"{labels[v]}: {n}" for v, n in counts.items() if v != row.default],
    }


_VALUE_TEXT = {"not-recorded": Markup("<em>not recorded</em>"), "not-in-policy": Markup("<em>not in policy</em>")}


@dataclass(frozen=True)
class Scope:
    """Which comparison page: all schools (per school when few enough), or one part of an organisation's."""

    per_school: bool = True  # the tables with a column per school
    organisation: str | None = None  # its name, on an organisation's page
    organisation_slug: str = ""
    members: int = 0  # the organisation's member schools
    part: int = 1
    parts: tuple[str, ...] = ()  # each part's page, relative to this one
    groups: tuple[dict[str, Any], ...] = ()  # on the index: each organisation's page (slug, name, schools)


def page_view(matrix: Matrix, scope: Scope | None = None) -> dict[str, Any]:
    """Plain data for comparison.md.jinja; every ``_h`` value is already HTML-escaped.

    The tables with a column per school are viewed only for a page that shows them: the index of a large
    site gives counts alone, and escaping its 150,000 cells for nothing took 1 s at 2,000 schools.
    """
    scope = scope or Scope()
    rows = matrix.clauses
    titles = {row.id: row.title for row in rows}
    per_school = scope.per_school
    heading = f"Comparison: {scope.organisation}" if scope.organisation else "Comparison of the schools' policies"
    return {
        "heading": heading,
        "total": len(matrix.schools),
        "per_school": per_school,
        "organisation": scope.organisation,
        "organisation_slug": safe_id(scope.organisation_slug) if scope.organisation else "",
        "members": scope.members,
        "part": scope.part,
        "parts": [safe_id(part) for part in scope.parts],
        "groups": [{**g, "slug": safe_id(g["slug"])} for g in scope.groups],
        "policy": matrix.policy,
        "clause_count": len(rows),
        "choice_count": sum(1 for row in rows if row.variants),
        "schools": [
            {
                "slug": safe_id(s.slug),
                "name": s.name,
                "html_name": _h(s.name),
                "clauses": s.clauses,
                "choices": s.choices,
                "departures": s.departures,
                "reasons": s.reasons,
                "departed": [titles[r.id] for r in rows if r.cells[i].departs],
            }
            for i, s in enumerate(matrix.schools)
        ]
        if per_school
        else [],
        "values": [
            {
                "label": _h(row.label),
                "differs": Markup("true" if row.differs else "false"),
                "cells": [
                    {"status": Markup(c.status), "text": _h(c.value) if c.value is not None else _VALUE_TEXT[c.status]}
                    for c in row.cells
                ],
            }
            for row in matrix.values
        ]
        if per_school
        else [],
        "sections": [
            {
                "id": safe_id(section.id),
                "title": section.title,
                "html_title": _h(section.title),
                "rows": [_row_view(row) for row in section.clauses],
            }
            for section in matrix.sections
            if section.clauses and per_school
        ],
        "differences": [_row_view(row) for row in rows if row.differs and per_school],
        "adoption": [_adoption_view(row) for row in rows if row.variants],
        "audiences": [{"id": safe_id(a), "label": _h(label)} for a, label in AUDIENCES.items()],
    }


def to_markdown(matrix: Matrix, scope: Scope | None = None) -> str:
    """A comparison page, exactly as the site publishes it (comparison/index.md, or an organisation's)."""
    text = ENV.get_template("comparison.md.jinja").render(m=page_view(matrix, scope))
    return tidy_markdown(text) + "\n"
