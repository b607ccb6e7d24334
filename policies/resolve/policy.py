"""Resolve one school's policy: its sections and clauses, numbered, with text rendered.

Numbering is per policy (1, 1.1, 1.2, 2, ...) in outline order, so a governor
can cite "clause 3.2" of the school's own document; each clause also keeps its
library id, which is the stable permalink anchor across editions.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass, replace
from typing import Any

from jinja2 import TemplateError
from jinja2.sandbox import SecurityError

from policies.load.changes import ChangeItem, school_changes
from policies.load.clauses import Clause
from policies.load.documents import COMBINED, Published
from policies.load.jurisdictions import Replacements, localise, template_for
from policies.load.models import AUDIENCES, Policy
from policies.load.problems import Problems
from policies.load.project import Project
from policies.load.selection import numbers_for, sections_for, variant_for
from policies.load.values import context_of
from policies.load.xrefs import fill_links, links_in
from policies.resolve.country import check_country, printed_references
from policies.resolve.version import VersionInfo
from policies.templating.escape import escape_markdown


@dataclass(frozen=True)
class ResolvedClause:
    number: str
    id: str
    title: str
    variant: str  # "" for a clause without variants
    variant_label: str
    is_default: bool
    reason: str | None
    references: tuple[str, ...]
    body: str  # Markdown


@dataclass(frozen=True)
class ResolvedSection:
    number: str
    id: str
    title: str
    clauses: tuple[ResolvedClause, ...]
    audiences: tuple[str, ...] = ()  # the section's audiences that this school's policy covers


@dataclass(frozen=True)
class ResolvedPolicy:
    """One school's policy, resolved: the one representation every output (page, DOCX, PDF, comparison) reads.

    ``values`` is what clause templates read: the school file's values as plain data (dates as
    written), with ``policy.title`` resolved (the school's own title, else the outline's).  The
    typed fields are the few facts the outputs need beyond text.
    """

    slug: str
    values: dict[str, Any]
    sections: tuple[ResolvedSection, ...]
    name: str  # the school's name
    governance: str  # maintained, academy or independent
    audiences: tuple[str, ...]  # the audiences the school's policy covers
    dates: Policy  # the school file's policy record: adopted, updated and review as PolicyDate
    stem: str  # the downloads' file name without extension: <slug>-<the outline's stem>
    changes: tuple[ChangeItem, ...] = ()  # changes from the school's source policy, to confirm
    source_title: str | None = None  # the title of that source policy, when the school records one
    organisations: tuple[tuple[str, str], ...] = ()  # (slug, name) of each, in inheritance order
    document: str = COMBINED  # its id in clauses/documents.yml ("" for a school that publishes one policy)
    page: str = ""  # its page in the docs tree: schools/<slug>.md for the main document
    documents: tuple[DocumentLink, ...] = ()  # every document the school publishes, this one included
    jurisdiction: str = "england"  # whose law, guidance and terms the text uses
    terms: tuple[tuple[str, str], ...] = ()  # that jurisdiction's replacements, for the labels outputs print
    version: VersionInfo | None = None  # its identifier and approvals (history/), once the build knows them

    @property
    def title(self) -> str:
        return str(self.values["policy"]["title"])

    @property
    def main(self) -> bool:
        return self.page == f"schools/{self.slug}.md"


@dataclass(frozen=True)
class DocumentLink:
    """One of a school's documents, as its other documents link it."""

    id: str
    title: str
    page: str
    stem: str


def tidy_markdown(text: str) -> str:
    """Blank lines left by variant blocks and Jinja tags collapse to one."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


# A clause's text is the same for every school with the same values (render_clause), so it is tidied once:
# at 2,000 schools, 112,000 clause texts of which about 4,500 differ.
_tidy_body = functools.lru_cache(maxsize=16384)(tidy_markdown)


@functools.lru_cache(maxsize=4096)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _value_at(context: dict[str, Any], path: str) -> Any:
    value: Any = context
    for part in _parts(path):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def render_clause(clause: Clause, variant: str, context: dict[str, Any], replacements: Replacements = ()) -> str:
    """A clause's Markdown for one school, reusing the text of any school with the same values.

    A clause's text depends only on its variant and the variables it reads, so
    a clause that reads none is rendered once for all schools, and one that
    reads the local authority once per authority.
    """
    used = sorted(clause.used.get(variant, {}))
    where = str(context.get("jurisdiction", "england"))
    # repr, not json.dumps (twice as fast): equal values in another order only render once more
    values = repr([_value_at(context, path) for path in used])
    key = (f"{variant}\x00{where}", values)
    if (text := clause.rendered.get(key)) is None:
        text = clause.rendered[key] = template_for(clause, variant, where, replacements).render(context)
    return text


def _numbered_links(
    project: Project, slug: str, document: Published, sections: list[ResolvedSection], problems: Problems
) -> list[ResolvedSection]:
    """Cross-references filled with the target's number and title ("2.8 Monitoring ...") in this document,
    or, for a clause in another of the school's documents, that document's too, linking its page."""
    if not any("](#" in c.body for s in sections for c in s.clauses):
        return sections
    school = project.schools[slug]
    labels = {c.id: f"{c.number} {escape_markdown(c.title)}" for s in sections for c in s.clauses}
    hrefs = {cid: f"#{cid}" for cid in labels}
    for other in project.published(slug):
        if other.page == document.page:
            continue
        relative = posixpath.relpath(other.page, posixpath.dirname(document.page))
        for cid, number in numbers_for(project, school, other).items():
            if cid not in labels:
                title = escape_markdown(project.clauses[cid].meta.title)
                labels[cid] = f"{number} {title}, in the {escape_markdown(other.title)}"
                hrefs[cid] = f"{relative}#{cid}"
    result = []
    for section in sections:
        clauses = []
        for clause in section.clauses:
            for line, target in links_in(project.clauses[clause.id]):
                if target not in labels and target in project.clauses:
                    problems.error(
                        project.clauses[clause.id].path,
                        line,
                        f"links to '{target}', which no document of {slug} holds (schools/{slug}.yml)",
                    )
            if "](#" in clause.body:
                body = fill_links(clause.body, labels.get, lambda t: hrefs.get(t, f"#{t}"))
                clause = replace(clause, body=body) if body != clause.body else clause
            clauses.append(clause)
        same = all(new is old for new, old in zip(clauses, section.clauses, strict=True))
        result.append(section if same else replace(section, clauses=tuple(clauses)))
    return result


def _numbered(item: ChangeItem, number: str | None) -> ChangeItem:
    """The change with its clause's number in this document (a copy only where the number differs)."""
    return item if item.number == number else replace(item, number=number)


def resolve_documents(project: Project, slug: str, problems: Problems) -> list[ResolvedPolicy]:
    """Every document the school publishes, resolved, main first (none if one could not be)."""
    documents = project.published(slug)
    links = tuple(DocumentLink(d.id, d.title, d.page, f"{slug}-{d.stem}") for d in documents)
    changes = school_changes(project, slug)
    numbered = [numbers_for(project, project.schools[slug], d) for d in documents]
    anywhere = set().union(*numbered) if numbered else set()
    resolved = []
    for document, numbers in zip(documents, numbered, strict=True):
        mine = tuple(
            _numbered(item, numbers.get(item.clause, item.number))
            for item in changes
            if item.clause in numbers or (document.main and item.clause not in anywhere)
        )
        policy = resolve_policy(project, slug, problems, document, mine, links)
        if policy is not None:
            resolved.append(policy)
    return resolved


def resolve_policy(
    project: Project,
    slug: str,
    problems: Problems,
    document: Published | None = None,
    changes: tuple[ChangeItem, ...] | None = None,
    links: tuple[DocumentLink, ...] = (),
) -> ResolvedPolicy | None:
    """One document of the school (its main one by default), numbered and rendered."""
    assert project.outline is not None
    school = project.schools[slug]
    document = document or project.published(slug)[0]
    context = context_of(project, slug, private=True)
    context["policy"]["title"] = document.title  # the title's one home
    country = project.jurisdictions.get(school.jurisdiction)
    terms: Replacements = tuple((r.find, r.replace) for r in country.replacements) if country else ()
    if "role" not in school.dsl.model_fields_set:  # the library's default title, in the country's terms
        context["dsl"]["role"] = localise(context["dsl"]["role"], terms)
    sections = []
    failed = False
    for s_index, (section, clauses) in enumerate(sections_for(project, school, document), start=1):
        resolved = []
        for c_index, clause in enumerate(clauses, start=1):
            variant = variant_for(clause, school)
            try:
                body = render_clause(clause, variant, context, terms)
            except (TemplateError, SecurityError, TypeError, ValueError) as exc:
                problems.error(
                    project.school_path(slug),
                    0,
                    f"clause '{clause.meta.id}' could not be rendered for this school: {exc}",
                )
                failed = True
                continue
            meta = clause.meta.variants.get(variant)
            choice = school.variants.get(clause.meta.id)
            resolved.append(
                ResolvedClause(
                    number=f"{s_index}.{c_index}",
                    id=clause.meta.id,
                    title=localise(clause.meta.title, terms),
                    variant=variant,
                    variant_label=meta.label if meta else "",
                    is_default=variant == (clause.meta.default or ""),
                    reason=choice.reason if choice else None,
                    references=printed_references(project, clause, school.school.governance, school.jurisdiction),
                    body=_tidy_body(body),
                )
            )
        covered = tuple(a for a in section.audiences if a in document.audiences)
        title = localise(dict(document.titles).get(section.id, section.title), terms)
        sections.append(ResolvedSection(str(s_index), section.id, title, tuple(resolved), covered))
    if failed:
        return None
    sections = _numbered_links(project, slug, document, sections, problems)
    check_country(project, slug, sections, terms, problems)
    source = project.sources.get(school.source) if school.source else None
    return ResolvedPolicy(
        slug,
        context,
        tuple(sections),
        name=school.school.name,
        governance=school.school.governance,
        audiences=tuple(a for a in AUDIENCES if a in document.audiences),
        dates=school.policy,
        stem=f"{slug}-{document.stem}",
        changes=tuple(school_changes(project, slug)) if changes is None else changes,
        source_title=source.title if source else None,
        organisations=tuple((org, project.organisations[org].name) for org in project.memberships.get(slug, [])),
        document=document.id,
        page=document.page,
        documents=links or (DocumentLink(document.id, document.title, document.page, f"{slug}-{document.stem}"),),
        jurisdiction=school.jurisdiction,
        terms=terms,
    )
