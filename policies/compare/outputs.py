"""The comparison in each of its formats: for ``policies matrix`` and for the build's docs tree.

All three are made from one :class:`~policies.compare.matrix.Matrix`, so the page, the downloads
and ``policies matrix`` cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from policies.compare.export import json_chunks, matrix_data, to_csv, to_json
from policies.compare.matrix import Matrix, build_matrix
from policies.compare.page import to_markdown
from policies.load.project import Project
from policies.resolve.policy import ResolvedPolicy

FORMATS = ("md", "csv", "json")


def render(matrix: Matrix, fmt: str) -> str:
    return {"md": to_markdown, "csv": to_csv, "json": to_json}[fmt](matrix)


def comparison_outputs(
    project: Project, policies: list[ResolvedPolicy], parts: tuple[str, ...] = ("page", "data")
) -> Iterator[tuple[str, str | Iterable[str]]]:
    """The comparison page and its downloads, (path in the docs tree, text or its pieces), one at a time.

    Each is written and let go before the next is made: at 2,000 schools they
    are 44 MB of text, and the build's memory peaks while they are made.
    ``parts``: the page ("page"), the CSV and JSON downloads ("data"), or both
    (a rebuild makes the two in processes of their own, side by side).
    """
    matrix = build_matrix(project, policies)
    if "page" in parts:
        yield "comparison/index.md", to_markdown(matrix)
    if "data" in parts:
        data = matrix_data(matrix)  # once, for both downloads
        yield "comparison/matrix.csv", to_csv(matrix, data)
        yield "comparison/matrix.json", json_chunks(matrix, data)  # in pieces, written as they come
