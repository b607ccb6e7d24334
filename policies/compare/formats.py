"""The comparison matrix as JSON, CSV and the site's Markdown page.

All three are made from one :class:`~policies.compare.matrix.Matrix`, so the page,
the downloads and ``policies matrix`` cannot disagree.  JSON and CSV carry the
values exactly as the school files wrote them (they are data, and a consumer
escapes for its own output); the page escapes every value, twice over in the
right way for each context:

* Markdown parts (headings, lists, pipe tables) get plain strings, which the
  project's Jinja environment escapes for Markdown (``finalize``);
* raw HTML parts (the matrix tables, where we need ``scope``, ``caption`` and
  ``data-*`` attributes) are not processed by Markdown, so their values are
  HTML-escaped here with ``markupsafe.escape`` and arrive as ``Markup``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from markupsafe import Markup, escape

from policies.compare.matrix import SCHEMA, SCHEMA_VERSION, ClauseRow, Matrix, build_matrix
from policies.load.models import AUDIENCES
from policies.load.project import Project
from policies.resolve.policy import ResolvedPolicy, tidy_markdown
from policies.templating.environment import ENV, safe_id

CSV_COLUMNS = (
    "record",  # "clause" or "value"
    "section",  # section id (clause records)
    "item",  # clause id, or value id such as "local_authority.name"
    "item_title",  # clause title or value label
    "school",  # school slug (its file name)
    "school_name",
    "status",  # clause: variant | shared | not-covered; value: recorded | not-recorded | not-in-policy
    "variant",  # variant id adopted (status "variant")
    "value",  # clause: the cell's label; value: the value as written
    "default",  # the clause's recommended variant id
    "departs",  # clause: "true" when the adopted variant is not the recommended one, else "false"
    "reason",  # the school's recorded justification
    "number",  # the clause's number in the school's own policy
)

FORMATS = ("md", "csv", "json")


def _cells(slugs: list[str], cells: tuple[Any, ...]) -> dict[str, dict[str, Any]]:
    # Cells hold only strings, booleans and None: a shallow copy equals asdict() at a fraction of its cost.
    return {slug: dict(vars(cell)) for slug, cell in zip(slugs, cells, strict=True)}


def matrix_data(matrix: Matrix) -> dict[str, Any]:
    """The JSON document (schema: README, "Comparison data")."""
    slugs = [school.slug for school in matrix.schools]
    summary = ("clauses", "choices", "departures", "reasons")
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "policy": matrix.policy,
        "audiences": dict(AUDIENCES),
        "schools": [
            {
                "slug": s.slug,
                "name": s.name,
                "governance": s.governance,
                "audiences": list(s.audiences),
                "summary": {key: getattr(s, key) for key in summary},
            }
            for s in matrix.schools
        ],
        "sections": [
            {"id": s.id, "title": s.title, "audiences": list(s.audiences), "clauses": [r.id for r in s.clauses]}
            for s in matrix.sections
        ],
        "clauses": [
            {
                "id": row.id,
                "title": row.title,
                "section": row.section,
                "audiences": list(row.audiences),
                "default": row.default,
                "variants": [dict(vars(v)) for v in row.variants],
                "differs": row.differs,
                "summary": {
                    "covered": row.covered,
                    "not_covered": len(row.cells) - row.covered,
                    "adoption": row.adoption,
                },
                "cells": _cells(slugs, row.cells),
            }
            for row in matrix.clauses
        ],
        "values": [
            {"id": row.id, "label": row.label, "differs": row.differs, "cells": _cells(slugs, row.cells)}
            for row in matrix.values
        ],
    }


def to_json(matrix: Matrix, data: dict[str, Any] | None = None) -> str:
    return json.dumps(data or matrix_data(matrix), ensure_ascii=False, indent=2) + "\n"


def csv_records(data: dict[str, Any]) -> Iterator[dict[str, str]]:
    """The JSON document flattened: one record per (clause, school), then per (value, school).

    A long table whose columns never change as schools or clauses are added; made
    from the JSON document itself, so the two downloads cannot disagree.  One
    record at a time: at 2,000 schools there are 112,000 of them.
    """
    names = {school["slug"]: school["name"] for school in data["schools"]}
    for kind, rows in (("clause", data["clauses"]), ("value", data["values"])):
        for row in rows:
            for slug, cell in row["cells"].items():
                record = dict.fromkeys(CSV_COLUMNS, "")
                record.update(record=kind, item=row["id"], item_title=row.get("title", row.get("label")))
                record.update(school=slug, school_name=names[slug], status=cell["status"])
                if kind == "clause":
                    record.update(section=row["section"], default=row["default"] or "", value=cell["label"])
                    record.update(variant=cell["variant"] or "", departs=str(cell["departs"]).lower())
                    record.update(reason=cell["reason"] or "", number=cell["number"] or "")
                else:
                    record["value"] = cell["value"] or ""
                yield record


def to_csv(matrix: Matrix, data: dict[str, Any] | None = None) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_records(data or matrix_data(matrix)))
    return out.getvalue()


# --- the page -------------------------------------------------------------------------------------


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
        "cells": [
            {
                "status": Markup(cell.status),
                "departs": cell.departs,
                "label": _h(cell.label),
                "reason": _h(cell.reason) if cell.reason else None,
            }
            for cell in row.cells
        ],
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


def page_view(matrix: Matrix) -> dict[str, Any]:
    """Plain data for comparison.md.jinja; every ``_h`` value is already HTML-escaped."""
    rows = matrix.clauses
    titles = {row.id: row.title for row in rows}
    return {
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
        ],
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
        ],
        "sections": [
            {
                "id": safe_id(section.id),
                "title": section.title,
                "html_title": _h(section.title),
                "rows": [_row_view(row) for row in section.clauses],
            }
            for section in matrix.sections
            if section.clauses
        ],
        "differences": [_row_view(row) for row in rows if row.differs],
        "adoption": [_adoption_view(row) for row in rows if row.variants],
        "audiences": [{"id": safe_id(a), "label": _h(label)} for a, label in AUDIENCES.items()],
    }


def to_markdown(matrix: Matrix) -> str:
    """The comparison page, exactly as the site publishes it at comparison/index.md."""
    text = ENV.get_template("comparison.md.jinja").render(m=page_view(matrix))
    return tidy_markdown(text) + "\n"


def render(matrix: Matrix, fmt: str) -> str:
    return {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](matrix)


def comparison_outputs(project: Project, policies: list[ResolvedPolicy]) -> Iterator[tuple[str, str]]:
    """The comparison page and its downloads, (path in the docs tree, text), one at a time.

    Each is written and let go before the next is made: at 2,000 schools they
    are 44 MB of text, and the build's memory peaks while they are made.
    """
    matrix = build_matrix(project, policies)
    yield "comparison/index.md", to_markdown(matrix)
    data = matrix_data(matrix)  # once, for both downloads
    yield "comparison/matrix.csv", to_csv(matrix, data)
    yield "comparison/matrix.json", to_json(matrix, data)
