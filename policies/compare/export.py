"""The comparison matrix as data: the JSON document and its CSV flattening.

Both carry the values exactly as the school files wrote them (they are data, and a consumer escapes
for its own output), and the CSV is made from the JSON document itself, so they cannot disagree.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

import orjson

from policies.compare.matrix import SCHEMA, SCHEMA_VERSION, Matrix
from policies.load.models import AUDIENCES
from policies.render.reuse import Pieces

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
    "number",  # the clause's number in the school's document that holds it
    "document",  # that document's id in clauses/documents.yml (empty: the school publishes one policy)
)


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


CHUNK = 1 << 18
SPLIT = 2  # levels of the document laid out here; below, orjson encodes each value (a clause's row) at once
_INDENT = 2


def to_json(matrix: Matrix, data: dict[str, Any] | None = None) -> str:
    return "".join(json_chunks(matrix, data))


def json_chunks(matrix: Matrix, data: dict[str, Any] | None = None) -> Iterator[str]:
    """The JSON document in pieces of about ``CHUNK`` characters, to be written as they come: at 2,000
    schools the whole text is 39 MB, too much to hold at once beside the data it is made from.

    The text is exactly ``json.dumps(data, ensure_ascii=False, indent=2)``: the top ``SPLIT`` levels are
    laid out here and each value below them is encoded by orjson, indented to its place.  The standard
    library's encoder runs in Python whenever it indents (1.05 s at 2,000 schools; orjson 0.09 s).
    """
    pieces: list[str] = []
    size = 0
    for piece in _pieces(data if data is not None else matrix_data(matrix), 0):
        pieces.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield "".join(pieces)
            pieces, size = [], 0
    yield "".join(pieces) + "\n"


def _pieces(value: Any, level: int) -> Iterator[str]:
    """``value`` as indented JSON at nesting ``level``, in pieces (see json_chunks)."""
    pad = "\n" + " " * (_INDENT * level)
    inner = pad + " " * _INDENT
    if level < SPLIT and isinstance(value, dict) and value:
        for n, (key, item) in enumerate(value.items()):
            yield ("{" if n == 0 else ",") + inner + json.dumps(key, ensure_ascii=False) + ": "
            yield from _pieces(item, level + 1)
        yield pad + "}"
    elif level < SPLIT and isinstance(value, list) and value:
        for n, item in enumerate(value):
            yield ("[" if n == 0 else ",") + inner
            yield from _pieces(item, level + 1)
        yield pad + "]"
    else:
        yield orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8").replace("\n", pad)


def _names(data: dict[str, Any]) -> dict[str, str]:
    return {school["slug"]: school["name"] for school in data["schools"]}


def _rows(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The document's rows in the CSV's order: each clause's, then each value's.

    The CSV is the JSON document flattened: a long table whose columns never change as schools or clauses
    are added, made from the JSON document itself, so the two downloads cannot disagree.  At 2,000 schools
    it has 170,000 records, made as tuples, not dicts (0.8 s -> 0.3 s)."""
    yield from (("clause", row) for row in data["clauses"])
    yield from (("value", row) for row in data["values"])


_NO_CLAUSE = ("",) * 5  # a value record's default, departs, reason, number and document


def _records(kind: str, row: dict[str, Any], names: dict[str, str]) -> Iterator[tuple[str, ...]]:
    """One row's records, one for each school: what the row and the schools' names alone decide."""
    if kind == "clause":
        clause, title, section, default = row["id"], row["title"], row["section"], row["default"] or ""
        for slug, cell in row["cells"].items():
            yield (
                "clause",
                section,
                clause,
                title,
                slug,
                names[slug],
                cell["status"],
                cell["variant"] or "",
                cell["label"],
                default,
                "true" if cell["departs"] else "false",
                cell["reason"] or "",
                cell["number"] or "",
                cell["document"] or "",
            )
        return
    value, label = row["id"], row["label"]
    for slug, cell in row["cells"].items():
        yield ("value", "", value, label, slug, names[slug], cell["status"], "", cell["value"] or "", *_NO_CLAUSE)


def to_csv(matrix: Matrix, data: dict[str, Any] | None = None) -> str:
    return b"".join(csv_pieces(data if data is not None else matrix_data(matrix))).decode("utf-8")


def csv_pieces(data: dict[str, Any], memo: Pieces | None = None) -> Iterator[bytes]:
    """The CSV as UTF-8 bytes, a piece a row of the JSON document (a clause or a value, for every school).

    With ``memo``, a row that the last build wrote from the same inputs is read back from the file, not
    made again: when one school changes, most rows are as they were (0.5 s of a rebuild at 2,000 schools).
    The key of a row is its JSON and every school's name, the only inputs of its records (``_records``);
    the memo holds for one version of this code (``Pieces``).
    """
    header = io.StringIO(newline="")
    csv.writer(header, lineterminator="\n").writerow(CSV_COLUMNS)
    head = header.getvalue().encode("utf-8")
    names = _names(data)
    common = hashlib.sha256(orjson.dumps([CSV_COLUMNS, names]))
    if memo is not None:
        memo.start(len(head))
    yield head
    for kind, row in _rows(data):
        if memo is None:
            yield _csv_text(_records(kind, row, names))
            continue
        key = common.copy()
        key.update(kind.encode("utf-8") + b"\0" + orjson.dumps(row))
        yield memo.piece(key.hexdigest(), partial(_csv_text, _records(kind, row, names)))
    if memo is not None:
        memo.finish()


def _csv_text(records: Iterable[tuple[str, ...]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(records)
    return out.getvalue().encode("utf-8")
