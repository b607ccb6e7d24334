"""Load every input file into typed models, collecting problems instead of stopping.

This is the "gather everything" stage: nothing is written until the whole
project has loaded and been checked.  Each loader returns ``None`` for a file
it could not use and records why, so one run reports every broken file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from policies.load import library_models, models
from policies.load.clauses import Clause, parse_clause
from policies.load.documents import Document, Published, published
from policies.load.files import SLUG as SLUG
from policies.load.files import inside as _inside
from policies.load.files import load_located as _load
from policies.load.files import load_mapping as _mapping
from policies.load.models import RESERVED_SLUGS
from policies.load.organisations import Organisation
from policies.load.organisations_load import Organisations, load_organisations, school_model
from policies.load.problems import Problems
from policies.load.releases import FILE as RELEASES
from policies.load.releases import Release, load_releases
from policies.load.translations import TRANSLATION, Translation, parse_translation
from policies.load.validate import validate_located
from policies.load.yamlsource import Located

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

MAX_FILES = 5000


@dataclass(frozen=True)
class Registered:
    """An entry of the changes register and where it was written."""

    change: library_models.Change
    path: Path
    located: Located
    index: int

    def line(self, key: str | None = None) -> int:
        return self.located.line_of((self.index, key) if key else (self.index,))


@dataclass
class Project:
    """Everything the later stages need, loaded and individually valid."""

    root: Path
    outline: library_models.Outline | None = None
    outline_lines: Located = field(default_factory=lambda: Located(None))
    references: dict[str, library_models.Reference] = field(default_factory=dict)
    references_lines: Located = field(default_factory=lambda: Located(None))
    sources: dict[str, library_models.Source] = field(default_factory=dict)
    exclusions: list[library_models.Exclusion] = field(default_factory=list)
    exclusion_lines: list[int] = field(default_factory=list)  # each exclusion's clause: line in excluded.yml
    changes: list[Registered] = field(default_factory=list)  # clauses/changes.yml and changes-*.yml
    clauses: dict[str, Clause] = field(default_factory=dict)
    unreadable_clauses: set[str] = field(default_factory=set)  # file stems that failed to parse
    schools: dict[str, models.School] = field(default_factory=dict)  # with what they inherit
    school_lines: dict[str, Located] = field(default_factory=dict)
    own_variants: dict[str, dict[str, models.VariantChoice]] = field(default_factory=dict)  # in the school's file
    organisations: dict[str, Organisation] = field(default_factory=dict)
    organisation_lines: dict[str, Located] = field(default_factory=dict)
    memberships: dict[str, list[str]] = field(default_factory=dict)  # school -> organisations, inheritance order
    documents: dict[str, Document] = field(default_factory=dict)  # clauses/documents.yml (none: one per school)
    documents_lines: Located = field(default_factory=lambda: Located(None))
    jurisdictions: dict[str, library_models.Jurisdiction] = field(default_factory=dict)  # jurisdictions.yml
    jurisdictions_lines: Located = field(default_factory=lambda: Located(None))
    translations: list[Translation] = field(default_factory=list)  # clauses/*/<id>.<language>.md
    releases: list[Release] = field(default_factory=list)  # clauses/releases.yml, oldest first
    releases_lines: Located = field(default_factory=lambda: Located(None))
    # Each school's template context, made once (load/values.context_of): (the school model it was made from, it)
    contexts: dict[str, tuple[models.School, dict[str, Any]]] = field(default_factory=dict, repr=False, compare=False)
    # What is worked out from the library alone for a kind of school, once for all schools of that kind
    # (``derive``): a selection's sections and clauses, a document's numbering, a clause's printed references
    derived: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    def derive(self, key: tuple[Any, ...], make: Callable[..., T], *args: Any) -> T:
        """``make(*args)``, made once for ``key`` (what it depends on besides the library) and shared: never
        change it.  ``args``, not a closure: some are asked for once a clause of every document."""
        try:
            return self.derived[key]  # type: ignore[no-any-return]
        except KeyError:
            made = self.derived[key] = make(*args)
            return made

    @property
    def clauses_dir(self) -> Path:
        return self.root / "clauses"

    @property
    def schools_dir(self) -> Path:
        return self.root / "schools"

    def school_path(self, slug: str) -> Path:
        return self.schools_dir / f"{slug}.yml"

    @property
    def organisations_dir(self) -> Path:
        return self.root / "organisations"

    def organisation_path(self, slug: str) -> Path:
        return self.organisations_dir / f"{slug}.yml"

    def published(self, slug: str) -> list[Published]:
        """The documents the school publishes, main first (load/documents.py)."""
        return self.published_for(self.schools[slug], slug)

    def published_for(self, school: models.School, slug: str = "school") -> list[Published]:
        title, stem = (self.outline.title, self.outline.file_stem) if self.outline else ("", "policy")
        return published(slug, school, self.documents, title, stem)


def load_project(root: Path, problems: Problems, school_texts: Mapping[str, str] | None = None) -> Project:
    """Every input; ``school_texts`` (slug -> text) stands in for school files, unwritten (``policies approve``)."""
    project = Project(root)
    clauses_dir = project.clauses_dir
    if not clauses_dir.is_dir():
        problems.error(clauses_dir, 0, "no clause library here: is this a policies project?")
        return project
    outline_path = clauses_dir / "outline.yml"
    if (located := _mapping(outline_path, problems, "title and sections")) is not None:
        project.outline = validate_located(located, library_models.Outline, outline_path, problems)
        project.outline_lines = located
    project.references, project.references_lines = _registry(
        clauses_dir / "references.yml", library_models.Reference, problems
    )
    project.sources, _ = _registry(clauses_dir / "sources.yml", library_models.Source, problems)
    excluded_path = clauses_dir / "excluded.yml"
    if (located := _load(excluded_path, problems)) is not None:
        if isinstance(located.data, list):
            for index in range(len(located.data)):
                if (
                    item := validate_located(located, library_models.Exclusion, excluded_path, problems, (index,))
                ) is not None:
                    project.exclusions.append(item)
                    project.exclusion_lines.append(located.line_of((index, "clause")))
        else:
            problems.error(excluded_path, 1, "must be a list of excluded topics")
    for path in change_registers(clauses_dir):
        project.changes += _changes(path, problems)
    _load_clauses(project, problems)
    organisations = load_organisations(root, problems)
    project.organisations, project.organisation_lines = organisations.found, organisations.lines
    project.documents, project.documents_lines = _documents(clauses_dir / "documents.yml", problems)
    project.releases, project.releases_lines = load_releases(clauses_dir / RELEASES, problems)
    if (clauses_dir / "jurisdictions.yml").exists():
        project.jurisdictions, project.jurisdictions_lines = _registry(
            clauses_dir / "jurisdictions.yml", library_models.Jurisdiction, problems
        )
    _load_schools(project, organisations, problems, school_texts or {})
    return project


def change_registers(clauses_dir: Path) -> list[Path]:
    """``changes.yml`` and any ``changes-*.yml`` (one per contributor or topic), in name order."""
    found = [clauses_dir / "changes.yml"] if (clauses_dir / "changes.yml").is_file() else []
    return found + sorted(clauses_dir.glob("changes-*.yml"))


def _changes(path: Path, problems: Problems) -> list[Registered]:
    located = _load(path, problems)
    if located is None:
        return []
    if not isinstance(located.data, list):
        problems.error(path, 1, "must be a list of changes (school, clause, kind, what, why)")
        return []
    found = []
    for index in range(len(located.data)):
        if (item := validate_located(located, library_models.Change, path, problems, (index,))) is not None:
            found.append(Registered(item, path, located, index))
    return found


def _documents(path: Path, problems: Problems) -> tuple[dict[str, Document], Located]:
    """clauses/documents.yml, which a library may leave out (each school then publishes one policy)."""
    return _registry(path, Document, problems) if path.exists() else ({}, Located(None))


def _registry(path: Path, model: type[M], problems: Problems) -> tuple[dict[str, M], Located]:
    """The entries that validate, and the file's line numbers (for later cross-file checks)."""
    result: dict[str, M] = {}
    located = _mapping(path, problems, "ids to entries")
    if located is None:
        return result, Located(None)
    for key in located.data:
        if not SLUG.match(key) and not re.match(r"^\d{3}$", key):
            problems.error(path, located.line_of((key,)), f"'{key}' is not a valid id (lowercase words and hyphens)")
            continue
        if (item := validate_located(located, model, path, problems, (key,))) is not None:
            result[key] = item
    return result, located


def _files(folder: Path, pattern: str, problems: Problems, root: Path) -> list[Path]:
    found = sorted(p for p in folder.rglob(pattern) if p.is_file() or p.is_symlink())
    if len(found) > MAX_FILES:
        problems.error(folder, 0, f"more than {MAX_FILES} files; refusing to load them all")
        return []
    return [p for p in found if _inside(p, root, problems)]


def _load_clauses(project: Project, problems: Problems) -> None:
    for path in _files(project.clauses_dir, "*.md", problems, project.root):
        if path.name == "README.md" and path.parent == project.clauses_dir:
            continue
        if TRANSLATION.match(path.name):  # <id>.<language>.md: a clause's translation (load/translations.py)
            if (translation := parse_translation(path, problems)) is not None:
                project.translations.append(translation)
            continue
        clause = parse_clause(path, problems)
        if clause is None:
            project.unreadable_clauses.add(path.stem)
            continue
        line = clause.meta_lines.line_of(("id",))
        if clause.meta.id != path.stem:
            problems.error(path, line, f"id '{clause.meta.id}' must match the file name '{path.stem}'")
        elif clause.meta.id in project.clauses:
            other = problems.rel(project.clauses[clause.meta.id].path)
            problems.error(path, line, f"clause id '{clause.meta.id}' is already used by {other}")
        else:
            project.clauses[clause.meta.id] = clause
        if path.parent.name != clause.meta.section:
            problems.error(
                path,
                clause.meta_lines.line_of(("section",)),
                f"section '{clause.meta.section}' does not match the folder '{path.parent.name}'",
            )


def _load_schools(project: Project, organisations: Organisations, problems: Problems, texts: Mapping[str, str]) -> None:
    folder = project.schools_dir
    if not folder.is_dir():
        problems.error(folder, 0, "no schools folder")
        return
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix == ".yaml":
            problems.error(path, 0, "school files end in .yml")
            continue
        if path.suffix != ".yml":
            continue
        if not SLUG.match(path.stem):
            problems.error(
                path, 0, f"'{path.stem}' is not a valid school slug: use lowercase letters, digits and hyphens"
            )
            continue
        if path.stem in RESERVED_SLUGS:
            problems.error(
                path,
                1,
                f"'{path.stem}' cannot be a school's file name: its page would take the place of the site's "
                f"schools/ index page; rename the file, for example to schools/{path.stem}-school.yml",
            )
            continue
        if not _inside(path, project.root, problems):
            continue
        located = _mapping(path, problems, "school settings", texts.get(path.stem))
        if located is None:
            continue
        school, own, order = school_model(organisations, located, path, problems)
        if own is not None:
            project.own_variants[path.stem] = own
        if order is not None:
            project.memberships[path.stem] = order
        if school is not None:
            project.schools[path.stem] = school
            project.school_lines[path.stem] = located
    if not project.schools and not problems.errors:
        problems.error(folder, 0, "no school files (schools/<slug>.yml)")
