"""``policies new-school``: a complete, commented school file to fill in.

Every field is written, with the recommended default where there is one and
the marker ``TO FILL`` where only the school can know the value.  ``check``
reports each remaining marker at its own line, so a new school is taken from
nothing to a valid policy by working down that list.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from policies.errors import ScaffoldError
from policies.load.clauses import DEFAULT
from policies.load.jurisdictions import localise
from policies.load.library_models import ClauseMeta
from policies.load.project import SLUG, Project

MARKER = "TO FILL"


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _plain_or_quoted(text: str) -> str:
    """A plain YAML scalar where that reads the same ("Social Media Policy"), else a quoted one."""
    return text if re.fullmatch(r"[A-Za-z][\w ,'()-]*", text) else _q(text)


HEAD = """\
# yaml-language-server: $schema=../schema/school.schema.json
# {name}: the school's values and choices for its harmonised policies.
# Replace every "TO FILL" (`policies check` lists each one with its line), delete the blocks of
# optional contacts the school does not have, then run `policies check` again.
school:
  name: {name_q}   # the school's full name
  short_name: {name_q}   # the name used in running text
  governance: TO FILL   # maintained, academy or independent
  phase: TO FILL   # nursery, primary, secondary, all-through or special
  nursery: false   # true if the school has a nursery class

jurisdiction: {jurisdiction}   # england or wales: whose law, guidance and terms the documents use
"""

POLICY = """
policy:
  title: {policy_title}   # the title of its main document in this school
  adopted: TO FILL   # when it was adopted, as precisely as known: "1 September 2026", "Autumn 2026", "2026"
  approved_by: TO FILL   # who approved it, e.g. "the Governing Body" or "the Board of Directors"
  version: "1.0"   # the school's own version number
  review: TO FILL   # when it is next due for review, e.g. "Autumn 2027"
"""

VARIANTS = """
# Where schools differ in substance, each clause below takes its recommended variant.
# To choose another: `clause-id: {variant: other, reason: "why"}` (the reason is published).
variants:
"""

# The blocks a school file can hold after its head, in order: (top-level key, text).  A block is written
# when the chosen documents' text or the contacts box uses its key, and no organisation of the school
# gives it (the school inherits those: see organisations/).
BLOCKS: list[tuple[str, str]] = [
    (
        "leadership",
        """leadership:
  head_title: Headteacher   # the head's title: Headteacher, Head of School, Principal
""",
    ),
    (
        "dsl",
        """dsl:
  name: TO FILL   # the {dsl_role_lower}'s name (if the head holds the role: is_head: true instead)
  role: {dsl_role}   # the title used for the role
  deputies: []   # deputies, e.g. [{{name: "Alex Khan", phone: "01234 567890"}}]
""",
    ),
    (
        "police",
        """police:
  force: TO FILL   # e.g. "Cheshire Constabulary"
  child_protection_team: TO FILL   # e.g. "Cheshire Police Child Protection Team"
""",
    ),
    (
        "local_authority",
        """local_authority:
  name: TO FILL   # e.g. "Cheshire West and Chester Council"
""",
    ),
    (
        "safeguarding_partnership",
        """safeguarding_partnership:
  name: TO FILL   # the local safeguarding children partnership (in Wales: the regional safeguarding board)
""",
    ),
    (
        "front_door",
        """front_door:   # the local authority's children's services "front door"
  name: TO FILL   # e.g. "Integrated Access and Referral Team (i-ART)"
  phone: TO FILL   # e.g. 0300 123 7047
""",
    ),
    (
        "lado",
        """lado:   # the local authority's designated officer: allegations against adults who work with children
  name: TO FILL   # e.g. "Kent LADO service"
  phone: TO FILL   # e.g. 03000 41 08 88
""",
    ),
    (
        "hr_provider",
        """hr_provider:   # delete this block if the school has none
  name: TO FILL   # e.g. "the Schools' HR Provider"
""",
    ),
    (
        "eap",
        """eap:   # employee assistance programme; delete this block if the school has none
  name: TO FILL
  phone: TO FILL
""",
    ),
    (
        "filtering",
        """filtering:
  provider: TO FILL   # who provides the school's web filtering
""",
    ),
    (
        "online_safety_lead",
        """online_safety_lead:
  title: TO FILL   # e.g. "Computing Coordinator"
""",
    ),
    (
        "platforms",
        """platforms:
  homework: []   # homework platforms used with pupils, e.g. [Seesaw, MyMaths]
""",
    ),
    (
        "ages",
        """ages:
  pupil_minimum: 13   # minimum age of the social media platforms named (13 under UK GDPR)
  former_pupil_contact: 18   # staff have no online contact with former pupils under this age
""",
    ),
    (
        "scenario",
        """scenario:
  pupils: TO FILL   # an example group below the minimum age, e.g. "Year 5 pupils"
""",
    ),
    (
        "related_policies",
        """related_policies:   # the school's own policies this one is read with
  - title: Child Protection Policy
  - title: Anti-bullying Policy
  - title: Staff Code of Conduct
  - title: Acceptable Use Policy
""",
    ),
]
# Shown by every document whatever its clauses use: the contacts box and the policy details.
ALWAYS = {"leadership", "dsl", "police", "local_authority", "safeguarding_partnership", "front_door", "lado"}
ALWAYS |= {"hr_provider", "eap", "online_safety_lead", "related_policies"}


def _published(meta: ClauseMeta, documents: list[str], project: Project, audiences: set[str], where: str) -> bool:
    """Whether a clause is in one of the chosen documents of a school with these audiences, there."""
    if audiences.isdisjoint(meta.audiences) or where not in meta.jurisdictions:
        return False
    chosen = [project.documents[d] for d in documents if d in project.documents]
    return not chosen or any(
        (not d.sections or meta.section in d.sections) and not set(d.audiences).isdisjoint(meta.audiences)
        for d in chosen
    )


def _used(project: Project, documents: list[str], audiences: set[str], jurisdiction: str) -> set[str]:
    """The top-level keys the clauses of the chosen documents read (in their recommended variants)."""
    used: set[str] = set()
    for clause in project.clauses.values():
        if _published(clause.meta, documents, project, audiences, jurisdiction):
            used |= {path.split(".")[0] for path in clause.used.get(clause.meta.default or DEFAULT, {})}
    return used


def scaffold_text(
    project: Project,
    name: str,
    jurisdiction: str = "england",
    organisations: tuple[str, ...] = (),
    documents: tuple[str, ...] = (),
) -> str:
    """A school file asking only for what the chosen documents use and its organisations do not give."""
    chosen = list(documents) or [doc_id for doc_id, document in project.documents.items() if document.default]
    audiences: set[str] = {a for d in chosen if d in project.documents for a in project.documents[d].audiences}
    audiences = audiences or {"staff", "governors", "pupils", "parents"}
    country = project.jurisdictions.get(jurisdiction)
    terms = tuple((r.find, r.replace) for r in country.replacements) if country else ()
    role = localise("Designated Safeguarding Lead", terms)
    lines = [HEAD.format(name=name, name_q=_q(name), jurisdiction=jurisdiction)]
    if organisations:
        lines.append(f"\norganisations: [{', '.join(organisations)}]   # whose values and choices it inherits\n")
    order = [a for a in ("staff", "governors", "pupils", "parents", "agreement") if a in audiences]
    lines.append(f"\n# who its documents address\naudiences: [{', '.join(order)}]\n")
    if project.documents:
        lines.append(f"documents: [{', '.join(chosen)}]   # what it publishes, its main document first\n")
    title = _plain_or_quoted(
        project.documents[chosen[0]].title
        if chosen and chosen[0] in project.documents
        else project.outline.title
        if project.outline
        else MARKER
    )
    lines.append(POLICY.format(policy_title=title))
    given = {
        key: slug
        for slug in organisations
        if slug in project.organisations
        for key in (project.organisation_lines[slug].data.get("values") or {})
    }
    wanted = ALWAYS | _used(project, chosen, audiences, jurisdiction)
    for key, block in BLOCKS:
        if key not in wanted:
            continue
        if key in given:
            lines.append(f"\n# {key}: from {project.organisations[given[key]].name} (organisations/{given[key]}.yml)\n")
            continue
        lines.append("\n" + block.format(dsl_role=role, dsl_role_lower=role.lower()))
    lines.append(VARIANTS)
    before = len(lines)
    for clause_id, clause in sorted(project.clauses.items()):
        meta = clause.meta
        if not meta.variants or not _published(meta, chosen, project, audiences, jurisdiction):
            continue
        others = [v for v in meta.variants if v != meta.default]
        lines.append(f"  {clause_id}: {meta.default}   # recommended; or: {', '.join(others)}\n")
    if len(lines) == before:  # its documents offer no choice
        lines[-1] = lines[-1].replace("variants:\n", "variants: {}\n")
    return "".join(lines)


def new_school(
    project: Project,
    slug: str,
    name: str,
    jurisdiction: str = "england",
    organisations: tuple[str, ...] = (),
    documents: tuple[str, ...] = (),
) -> Path:
    if not SLUG.match(slug):
        raise ScaffoldError(f"'{slug}' is not a valid school slug: use lowercase letters, digits and hyphens")
    if not name.strip() or "\n" in name:
        raise ScaffoldError("the school's name must be one line of text")
    if unknown := [o for o in organisations if o not in project.organisations]:
        known = ", ".join(sorted(project.organisations)) or "none yet"
        raise ScaffoldError(f"no organisation {', '.join(unknown)} in organisations/ (there: {known})")
    if unknown := [d for d in documents if d not in project.documents]:
        known = ", ".join(project.documents) or "none: the library has no clauses/documents.yml"
        raise ScaffoldError(f"no document {', '.join(unknown)} in clauses/documents.yml (there: {known})")
    path = project.school_path(slug)
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(project.root)} already exists; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = scaffold_text(project, name.strip(), jurisdiction, organisations, documents)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path
