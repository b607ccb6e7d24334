"""Turn pydantic's validation errors into ``path:line: message`` problems.

The messages are rewritten for people editing YAML by hand: the dotted key,
"unknown key ... (did you mean ...?)" for typos, "missing required value".
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from policies.load import models
from policies.load.problems import Problems
from policies.load.yamlsource import Loc, Located

M = TypeVar("M", bound=BaseModel)

_VOCABULARY = sorted(
    {
        name
        for model in vars(models).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in model.model_fields
    }
)


MARKER = "TO FILL"


def _unfilled(data: Any, loc: Loc = ()) -> list[Loc]:
    """Locations whose value is still the new-school scaffold's ``TO FILL`` marker."""
    if isinstance(data, str) and data.strip().upper().startswith(MARKER):
        return [loc]
    if isinstance(data, dict):
        return [found for key, value in data.items() for found in _unfilled(value, (*loc, key))]
    if isinstance(data, list):
        return [found for index, value in enumerate(data) for found in _unfilled(value, (*loc, index))]
    return []


def _without(data: Any, loc: Loc) -> Any:
    if not loc:
        return None
    head, rest = loc[0], loc[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if rest:
            copy[head] = _without(copy[head], rest)
        else:
            copy.pop(head)
        return copy
    return data


def validate_located(located: Located, model: type[M], path: Path, problems: Problems, loc: Loc = ()) -> M | None:
    """Validate ``located`` data (or the part at ``loc``) against ``model``.

    Values still marked ``TO FILL`` are reported once each, at their own line, and left out of
    validation, so the school sees one clear item per field to fill rather than a type error.
    """
    data = located.data
    for key in loc:
        data = data[key]
    markers = _unfilled(data)
    for marker in markers:
        where = (*loc, *marker)
        name = ".".join(str(part) for part in where)
        problems.error(path, located.line_of(where), f"{name}: still to fill in (see the comment on this line)")
        data = _without(data, marker)
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            if any(tuple(err["loc"])[: len(m)] == m for m in markers):
                continue
            where = (*loc, *err["loc"])
            problems.error(path, located.line_of(where), _message(err, where))
        return None
    return None if markers else result


def _message(err: Mapping[str, Any], where: Loc) -> str:
    name = ".".join(str(part) for part in where)
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(where[-1])
        close = difflib.get_close_matches(key, _VOCABULARY, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{name}'{hint}"
    if kind == "missing":
        return f"missing required value '{name}'"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        msg = msg.replace("Input should be", "must be")
    elif kind.endswith("_type") or kind == "model_type":
        msg = f"{msg.replace('Input should be', 'must be')}, not {type(err.get('input')).__name__}"
    return f"{name}: {msg}" if name else msg
