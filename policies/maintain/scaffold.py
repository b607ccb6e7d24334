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

# who the policy addresses; add "agreement" for the signed acceptable use agreement
audiences: [staff, governors, pupils, parents]

policy:
  title: {policy_title}   # the policy's title in this school
  adopted: TO FILL   # when it was adopted, as precisely as known: "1 September 2026", "Autumn 2026", "2026"
  approved_by: TO FILL   # who approved it, e.g. "the Governing Body" or "the Board of Directors"
  version: "1.0"   # the school's own version number
  review: TO FILL   # when it is next due for review, e.g. "Autumn 2027"

leadership:
  head_title: Headteacher   # the head's title: Headteacher, Head of School, Principal

dsl:
  name: TO FILL   # the designated safeguarding lead's name (if the head is the DSL: is_head: true instead)
  role: Designated Safeguarding Lead   # the title used for the role
  deputies: []   # deputy DSLs, e.g. [{{name: "Alex Khan", phone: "01234 567890"}}]

police:
  force: TO FILL   # e.g. "Cheshire Constabulary"
  child_protection_team: TO FILL   # e.g. "Cheshire Police Child Protection Team"

local_authority:
  name: TO FILL   # e.g. "Cheshire West and Chester Council"

safeguarding_partnership:
  name: TO FILL   # the local safeguarding children partnership

front_door:   # the local authority's children's services "front door"
  name: TO FILL   # e.g. "Integrated Access and Referral Team (i-ART)"
  phone: TO FILL   # e.g. 0300 123 7047

lado:   # the local authority designated officer, for allegations against adults who work with children
  name: TO FILL   # e.g. "Kent LADO service"
  phone: TO FILL   # e.g. 03000 41 08 88

hr_provider:   # delete this block if the school has none
  name: TO FILL   # e.g. "the Schools' HR Provider"

eap:   # employee assistance programme; delete this block if the school has none
  name: TO FILL
  phone: TO FILL

filtering:
  provider: TO FILL   # who provides the school's web filtering

online_safety_lead:
  title: TO FILL   # e.g. "Computing Coordinator"

platforms:
  homework: []   # homework platforms used with pupils, e.g. [Seesaw, MyMaths]

ages:
  pupil_minimum: 13   # minimum age of the social media platforms named (13 under UK GDPR)
  former_pupil_contact: 18   # staff have no online contact with former pupils under this age

scenario:
  pupils: TO FILL   # an example group below the minimum age, e.g. "Year 5 pupils"

related_policies:   # the school's own policies this one is read with
  - title: Child Protection Policy
  - title: Anti-bullying Policy
  - title: Staff Code of Conduct
  - title: Acceptable Use Policy

# Where schools differ in substance, each clause below takes its recommended variant.
# To choose another: `clause-id: {{variant: other, reason: "why"}}` (the reason is published).
variants:
"""


def scaffold_text(project: Project, name: str) -> str:
    policy_title = _plain_or_quoted(project.outline.title) if project.outline else MARKER
    lines = [HEAD.format(name=name, name_q=_q(name), policy_title=policy_title)]
    for clause_id, clause in sorted(project.clauses.items()):
        meta = clause.meta
        if not meta.variants:
            continue
        others = [v for v in meta.variants if v != meta.default]
        lines.append(f"  {clause_id}: {meta.default}   # recommended; or: {', '.join(others)}\n")
    return "".join(lines)


def new_school(project: Project, slug: str, name: str) -> Path:
    if not SLUG.match(slug):
        raise ScaffoldError(f"'{slug}' is not a valid school slug: use lowercase letters, digits and hyphens")
    if not name.strip() or "\n" in name:
        raise ScaffoldError("the school's name must be one line of text")
    path = project.school_path(slug)
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(project.root)} already exists; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(scaffold_text(project, name.strip()))
    return path
