"""Load organisations/*.yml, and give each member school what it inherits (see load/organisations.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from policies.load import models
from policies.load.files import SLUG, inside, load_mapping
from policies.load.organisations import RESERVED as RESERVED_ORGANISATION
from policies.load.organisations import Organisation, in_order, inherited_data, organisation_files
from policies.load.problems import Problems
from policies.load.validate import validate_located
from policies.load.yamlsource import Located


@dataclass
class Organisations:
    """The organisations of a project, as loaded: each one, and the lines of its file."""

    folder: Path
    found: dict[str, Organisation] = field(default_factory=dict)
    lines: dict[str, Located] = field(default_factory=dict)


def load_organisations(root: Path, problems: Problems) -> Organisations:
    loaded = Organisations(root / "organisations")
    for path in organisation_files(loaded.folder):
        if path.suffix != ".yml" or not SLUG.match(path.stem):
            problems.error(path, 0, "organisation files are named organisations/<slug>.yml (lowercase, hyphens)")
            continue
        if RESERVED_ORGANISATION.search(path.stem):
            problems.error(path, 1, f"'{path.stem}' cannot be an organisation's file name: the site uses it")
            continue
        if not inside(path, root, problems):
            continue
        if (located := load_mapping(path, problems, "organisation settings")) is None:
            continue
        if (organisation := validate_located(located, Organisation, path, problems)) is not None:
            loaded.found[path.stem] = organisation
            loaded.lines[path.stem] = located
    return loaded


def inherit(
    loaded: Organisations, path: Path, located: Located, school: models.School, problems: Problems
) -> tuple[models.School | None, list[str]]:
    """The school with its organisations' values and choices beneath its own (see load/organisations.py),
    and its organisations in the order it inherits from them."""
    kinds: dict[str, str] = {}
    for index, slug in enumerate(school.organisations):
        line = located.line_of(("organisations", index))
        organisation = loaded.found.get(slug)
        if organisation is None:
            if not (loaded.folder / f"{slug}.yml").exists():
                problems.error(path, line, f"organisations: unknown organisation '{slug}' (organisations/{slug}.yml)")
            continue  # an organisation file that failed to load has reported its own errors
        if (other := kinds.setdefault(organisation.kind, slug)) != slug:
            problems.error(path, line, f"organisations: '{slug}' and '{other}' are both a {organisation.kind}")
    order = in_order(list(dict.fromkeys(school.organisations)), loaded.found)
    raw = {slug: loaded.lines[slug].data for slug in order}
    merged = Located(inherited_data(located.data, order, raw), located.lines)
    return validate_located(merged, models.School, path, problems), order
