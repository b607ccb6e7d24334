"""A minimal, valid project written inline, for tests that break one thing at a time."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FILES = {
    "mkdocs.yml": """
        site_name: Test policies
        docs_dir: docs
        site_dir: site
        theme:
          name: material
          font: false
          custom_dir: overrides
        markdown_extensions:
          - attr_list
          - tables
          - toc
    """,
    "clauses/outline.yml": """
        title: Social Media Policy
        sections:
          - id: staff
            title: Staff
            audiences: [staff, governors]
            clauses: [staff-contact, staff-former-pupils]
    """,
    "clauses/references.yml": """
        kcsie:
          title: Keeping children safe in education
          publisher: Department for Education
          kind: statutory-guidance
          edition: "2025"
          date: 1 September 2025
          url: https://www.gov.uk/government/publications/keeping-children-safe-in-education--2
          status: current
          checked: 1 October 2026
        kcsie-2015:
          title: Keeping children safe in education
          kind: statutory-guidance
          edition: March 2015
          url: https://www.gov.uk/government/publications/keeping-children-safe-in-education--2
          status: superseded
          superseded_by: kcsie
    """,
    "clauses/sources.yml": """
        "000":
          file: 000.txt
          school: Test School
          title: Social Networking Policy
    """,
    "clauses/excluded.yml": """
        - topic: MSN as an example platform
          seeds: ["000"]
          clause: staff-contact
          reason: MSN closed long ago.
    """,
    "clauses/staff/staff-contact.md": """
        ---
        id: staff-contact
        title: Contact with pupils
        section: staff
        audiences: [staff, governors]
        variables: [dsl.role, school.name]
        references: [kcsie]
        provenance: ["000"]
        ---
        Staff at {{ school.name }} must not contact pupils online.

        Report any contact to the {{ dsl.role }}.
    """,
    "clauses/staff/staff-former-pupils.md": """
        ---
        id: staff-former-pupils
        title: Former pupils
        section: staff
        audiences: [staff]
        variables: [ages.former_pupil_contact]
        provenance: ["000"]
        default: under-age
        variants:
          under-age:
            label: Under the contact age
            summary: No contact with former pupils under the contact age.
          never:
            label: Never
            summary: No contact with former pupils.
        ---
        Former pupils are still owed professional boundaries.

        ::: variant under-age
        Staff must not contact former pupils under {{ ages.former_pupil_contact }}.
        :::

        ::: variant never
        Staff must not contact former pupils.
        :::
    """,
    "schools/alpha.yml": """
        school:
          name: Alpha Primary School
          governance: maintained
        audiences: [staff]
        policy:
          adopted: Summer 2022
          approved_by: Full Governors
          review: Summer 2028
        variants:
          staff-former-pupils: never
    """,
}


def write_minimal(root: Path, overrides: dict[str, str | None] | None = None) -> Path:
    """Write the minimal project (with the real theme overrides); ``overrides`` replaces files."""
    shutil.copytree(ROOT / "overrides", root / "overrides", dirs_exist_ok=True)
    files: dict[str, str | None] = {**FILES, **(overrides or {})}
    for relative, content in files.items():
        if content is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root
