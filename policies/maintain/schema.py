"""JSON Schemas for school files and clause front matter, generated from the models.

Editors (VS Code's YAML extension, JetBrains) read ``# yaml-language-server:
$schema=...`` and then autocomplete keys and flag mistakes as you type.  The
schemas are derived from the same pydantic models ``check`` uses, and a test
keeps the committed files equal to what this module generates.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from policies.load.documents import Documents
from policies.load.library_models import ClauseMeta
from policies.load.models import School
from policies.load.organisations import Organisation

SCHEMAS: dict[str, type[BaseModel]] = {
    "school.schema.json": School,
    "clause.schema.json": ClauseMeta,
    "organisation.schema.json": Organisation,
    "documents.schema.json": Documents,
}
FOLDER = "schema"


def schema_texts() -> dict[str, str]:
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        texts[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return texts


def write_schemas(root: Path) -> list[Path]:
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written
