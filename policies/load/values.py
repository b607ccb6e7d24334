"""The values a clause template may read, derived from a school's model.

Templates receive plain dicts, lists and strings, never model objects (see
copier's ``_jinja_ext.py`` for what leaks when rich objects reach Jinja).
Defaults that depend on other values, such as who grants permissions in an
independent school ("a Director") are filled in here, once.
"""

from __future__ import annotations

import functools
import types
import typing
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from policies.load.dates import PolicyDate
from policies.load.models import School

if TYPE_CHECKING:
    from policies.load.project import Project

NOT_VARIABLES = {"variants", "audiences", "source", "confirmations", "approvals"}  # records, not wording


@functools.cache
def variable_paths(model: type[BaseModel] = School, prefix: str = "") -> frozenset[str]:
    """Every dotted path a clause may use: the leaves of the school model."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        if not prefix and name in NOT_VARIABLES:
            continue
        path = f"{prefix}{name}"
        inner = _model_type(info.annotation)
        if inner is not None:
            paths |= variable_paths(inner, f"{path}.")
        else:
            paths.add(path)
    return frozenset(paths)


def _model_type(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            if (found := _model_type(arg)) is not None:
                return found
    return None


def _plain(value: Any) -> Any:
    """Models to dicts, dates to the text the school wrote, recursively."""
    if isinstance(value, PolicyDate):
        return value.text
    if isinstance(value, BaseModel):
        return {name: _plain(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _skeleton() -> dict[str, Any]:
    """Every variable path present, as None, so an absent optional value reads as None."""
    return _copy_tree(_skeleton_template())


def _copy_tree(tree: dict[str, Any]) -> dict[str, Any]:
    """A copy of a tree of dicts whose leaves are None (copy.deepcopy's memo made it 5x slower here)."""
    return {key: _copy_tree(value) if isinstance(value, dict) else value for key, value in tree.items()}


@functools.cache
def _skeleton_template() -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in sorted(variable_paths()):
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = None
    return tree


def _merge(base: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    for key, value in values.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        elif value is not None or key not in base:
            base[key] = value
    return base


def school_context(school: School) -> dict[str, Any]:
    values = {k: _plain(getattr(school, k)) for k in type(school).model_fields if k not in NOT_VARIABLES}
    data = _merge(_skeleton(), values)
    independent = school.school.governance == "independent"
    leadership = data["leadership"]
    if leadership["approver"] is None:
        leadership["approver"] = "a Director" if independent else f"the {school.leadership.head_title}"
    if leadership["governing_body"] is None:
        leadership["governing_body"] = "the Directors" if independent else "the Governing Body"
    if data["school"]["short_name"] is None:
        data["school"]["short_name"] = data["school"]["name"]
    return data


def context_of(project: Project, slug: str, *, private: bool = False) -> dict[str, Any]:
    """``school_context`` of the school, made once per project for its check and each of its documents.

    A document's copy is ``private``: its top two levels are its own, so resolve can set a value there (the
    document's title, ``policy.title``; the lead's role in the country's terms, ``dsl.role``); below them it
    shares the school's values, which nothing changes (templates run in an immutable sandbox).  A full copy
    of every document's values was 0.2 s of resolving 3,200 documents.  The check only reads.  A school
    model replaced in the project (tests do) makes its context again.
    """
    school = project.schools[slug]
    made = project.contexts.get(slug)
    if made is None or made[0] is not school:
        made = project.contexts[slug] = (school, school_context(school))
    if not private:
        return made[1]
    return {key: dict(value) if isinstance(value, dict) else value for key, value in made[1].items()}


def lookup(context: dict[str, Any], path: str) -> Any:
    """The value at a dotted path, or None when any part is missing or empty."""
    value: Any = context
    for part in path.split("."):
        if not isinstance(value, dict) or value.get(part) is None:
            return None
        value = value[part]
    if value == [] or value == "":
        return None
    return value


def placeholder_context() -> dict[str, Any]:
    """Each variable shown as its own name, for the clause library's shared text."""
    tree = _skeleton()

    def fill(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict):
                fill(value, f"{path}.")
            elif path == "related_policies":
                node[key] = [{"title": "‹related policy›", "url": None}]
            elif path == "platforms.homework":
                node[key] = [f"‹{path}›"]
            else:
                node[key] = f"‹{path}›"

    fill(tree, "")
    return tree
