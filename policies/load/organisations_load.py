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
from policies.load.yamlmemo import keep, recall
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


def school_model(
    loaded: Organisations, located: Located, path: Path, problems: Problems
) -> tuple[models.School | None, dict[str, models.VariantChoice] | None, list[str] | None]:
    """A school file's model with its organisations' values beneath its own; its own variant choices; and
    its organisations in the order it inherits from them (None when it lists none).

    A school that inherits is validated twice (its own file, then merged with its organisations).  The
    results are kept together (load/yamlmemo.py) under the digests of its file and its organisations'
    files, so an unchanged school in an unchanged trust is not validated at all; a result that came with
    a problem is never kept.
    """
    memberships = [slug for slug in _listed(located) if slug in loaded.lines]
    digests = [located.digest, *(loaded.lines[slug].digest for slug in memberships)]
    key = f"{':'.join(digests)}:school" if all(digests) else ""
    kept = recall(key)
    if isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], models.School):
        return kept
    before = len(problems.items)
    school = validate_located(located, models.School, path, problems)
    if school is None:
        return None, None, None
    own, order = dict(school.variants), None
    if school.organisations:
        school, order = inherit(loaded, path, located, school, problems)
    if school is not None and len(problems.items) == before:
        keep(key, (school, own, order))
    return school, own, order


def _listed(located: Located) -> list[str]:
    """The organisations a school file lists, as written."""
    listed = located.data.get("organisations") if isinstance(located.data, dict) else None
    return [slug for slug in listed if isinstance(slug, str)] if isinstance(listed, list) else []
