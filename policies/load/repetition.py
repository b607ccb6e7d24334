"""Repetition: the same rule stated in two clauses of one school's policy.

Sentences are compared as sets of words (lower case; punctuation, numbers and the values a clause reads
left out, so the comparison is the same for every school): two sentences of at least ``MIN_WORDS`` words
whose word sets overlap by ``THRESHOLD`` or more (Jaccard) are near-identical.  Schools share clause texts,
so every pair of clause variants in the library is compared once, and each school's policy then only
looks up which of those pairs it contains; the schools with the same clauses in the same variants are
looked up once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from policies.load.plaintext import readable, sentences, shorten, words
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.selection import sections_for, variant_for

MIN_WORDS = 6
THRESHOLD = 0.8
NAMED = 3  # schools named in a warning

Unit = tuple[str, str]  # (clause id, variant)


@dataclass(frozen=True)
class _Sentence:
    unit: Unit
    line: int
    text: str
    words: frozenset[str]


@dataclass(frozen=True)
class Repeat:
    first: _Sentence
    second: _Sentence


def check_repetition(project: Project, problems: Problems) -> None:
    """A warning for each near-identical pair of sentences in two clauses of one document of some school."""
    if project.outline is None:
        return
    policies: dict[frozenset[Unit], list[str]] = defaultdict(list)  # each document's clauses -> its schools
    for slug, school in sorted(project.schools.items()):
        for document in project.published(slug):  # a rule may be told to two readers in two documents
            units = frozenset(
                (clause.meta.id, variant_for(clause, school))
                for _, clauses in sections_for(project, school, document)
                for clause in clauses
            )
            if slug not in policies[units]:
                policies[units].append(slug)
    repeats = find_repeats(project, set().union(*policies) if policies else set())
    schools: dict[tuple[str, int, str, int], set[str]] = defaultdict(set)  # by clause and line, any variant
    shown: dict[tuple[str, int, str, int], Repeat] = {}
    for units, slugs in policies.items():
        for repeat in repeats:
            if repeat.first.unit in units and repeat.second.unit in units:
                key = (repeat.first.unit[0], repeat.first.line, repeat.second.unit[0], repeat.second.line)
                schools[key].update(slugs)
                shown.setdefault(key, repeat)
    for key, found in sorted(schools.items()):
        first, second = shown[key].first, shown[key].second
        slugs = sorted(found)
        path = project.clauses[first.unit[0]].path
        other = problems.rel(project.clauses[second.unit[0]].path)
        named = ", ".join(slugs[:NAMED]) + (f" and {len(slugs) - NAMED} more" if len(slugs) > NAMED else "")
        problems.warning(
            path,
            first.line,
            f'states the same rule as {other}:{second.line} in the policy of {named}: "{shorten(first.text)}"',
        )


def find_repeats(project: Project, units: set[Unit]) -> list[Repeat]:
    """Near-identical sentence pairs between different clauses among ``units``, the first sentence first."""
    found: list[_Sentence] = []
    for unit in sorted(units):
        clause = project.clauses[unit[0]]
        if not readable(clause):
            continue
        for sentence in sentences(clause, unit[1]):
            bag = frozenset(words(sentence.text))
            if len(bag) >= MIN_WORDS:
                found.append(_Sentence(unit, sentence.line, sentence.text, bag))
    found.sort(key=lambda s: len(s.words))
    repeats: dict[tuple[Unit, Unit, int, int], Repeat] = {}
    for index, one in enumerate(found):
        for two in found[index + 1 :]:
            if len(one.words) < THRESHOLD * len(two.words):
                break  # sorted by size: every later sentence is too long to be near-identical
            if one.unit[0] == two.unit[0]:
                continue
            shared = len(one.words & two.words)
            if shared >= THRESHOLD * (len(one.words) + len(two.words) - shared):
                first, second = sorted((one, two), key=lambda s: (s.unit, s.line))
                repeats.setdefault((first.unit, second.unit, first.line, second.line), Repeat(first, second))
    return [repeats[key] for key in sorted(repeats)]
