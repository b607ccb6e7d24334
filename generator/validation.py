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

from . import models
from .problems import Problems
from .yamlsource import Loc, Located

M = TypeVar("M", bound=BaseModel)

_VOCABULARY = sorted(
    {
        name
        for model in vars(models).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name in model.model_fields
    }
)


def validate_located(located: Located, model: type[M], path: Path, problems: Problems, loc: Loc = ()) -> M | None:
    """Validate ``located`` data (or the part at ``loc``) against ``model``."""
    data = located.data
    for key in loc:
        data = data[key]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = (*loc, *err["loc"])
            problems.error(path, located.line_of(where), _message(err, where))
        return None


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
