"""Organisations: values and choices inherited by member schools, departures with reasons, their pages, scale."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.minimal import FILES, write_minimal

from .helpers import HOSTILE, ROOT, built, main, policies_of, synthesise

AUTHORITY = """
    name: Alpha County Council
    kind: local-authority
    values:
      local_authority: {name: Alpha County Council}
      dsl: {role: Designated Safeguarding Lead (county model)}
      ages: {former_pupil_contact: 21}
"""

TRUST = """
    name: Alpha Learning Trust
    kind: trust
    values:
      ages: {former_pupil_contact: 19}
    variants:
      staff-former-pupils: under-age
"""


def school(extra: str) -> str:
    """The minimal school without its own variant choice, plus ``extra``."""
    own = textwrap.dedent(FILES["schools/alpha.yml"]).replace("variants:\n  staff-former-pupils: never\n", "")
    assert "variants" not in own
    return own.rstrip("\n") + "\n" + textwrap.dedent(extra)


def run_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["-C", str(root), "check"])
    return status, capsys.readouterr().err.splitlines()


def project(tmp_path: Path, school_extra: str, **files: str) -> Path:
    return write_minimal(
        tmp_path,
        {
            "organisations/alpha-county.yml": AUTHORITY,
            "organisations/alpha-trust.yml": TRUST,
            "schools/alpha.yml": school(school_extra),
            **files,
        },
    )


def test_a_school_inherits_from_its_authority_then_its_trust_then_itself(tmp_path: Path) -> None:
    # Listed trust first: the order of inheritance is by kind, not by the list.
    root = project(
        tmp_path,
        """
        organisations: [alpha-trust, alpha-county]
        variants:
          staff-former-pupils: {variant: never, reason: Our governors keep the stricter rule.}
        dsl:
          name: Jo Bloggs
        """,
    )
    (policy,) = policies_of(root)
    assert policy.values["local_authority"]["name"] == "Alpha County Council"  # from the authority
    assert policy.values["ages"]["former_pupil_contact"] == 19  # the trust's replaces the authority's
    assert policy.values["dsl"] == {**policy.values["dsl"], "name": "Jo Bloggs"}  # the school's own...
    assert policy.values["dsl"]["role"] == "Designated Safeguarding Lead (county model)"  # ...merged key by key
    assert policy.organisations == (("alpha-county", "Alpha County Council"), ("alpha-trust", "Alpha Learning Trust"))
    variant = next(c.variant for s in policy.sections for c in s.clauses if c.id == "staff-former-pupils")
    assert variant == "never"  # the school's own choice, with its reason


def test_a_school_takes_its_trusts_choice_unless_it_makes_its_own(tmp_path: Path) -> None:
    root = project(tmp_path, "organisations: [alpha-trust]\n")
    (policy,) = policies_of(root)
    clause = next(c for s in policy.sections for c in s.clauses if c.id == "staff-former-pupils")
    assert clause.variant == "under-age" and "under 19" in clause.body


def test_departing_from_an_organisation_without_a_reason_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = project(tmp_path, "organisations: [alpha-trust]\nvariants:\n  staff-former-pupils: never\n")
    line = root.joinpath("schools/alpha.yml").read_text().splitlines().index("  staff-former-pupils: never") + 1
    status, err = run_check(root, capsys)
    assert status == 1
    assert (
        f"schools/alpha.yml:{line}: variants: 'staff-former-pupils' departs from the choice of Alpha Learning Trust "
        "('under-age', organisations/alpha-trust.yml): say why, as staff-former-pupils: {variant: never, reason: ...}"
    ) in err


def test_organisation_mistakes_are_errors_at_their_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trust = TRUST.replace("staff-former-pupils: under-age", "staff-former-pupils: sometimes")
    county = AUTHORITY.replace("kind: local-authority", "kind: county") + "      lado: {phone: not a phone}\n"
    other = AUTHORITY.replace("Alpha County Council", "Beta County Council")
    root = project(
        tmp_path,
        "organisations: [alpha-trust, no-such-body, alpha-county, beta-county]\n",
        **{
            "organisations/alpha-trust.yml": trust,
            "organisations/alpha-county.yml": AUTHORITY,
            "organisations/beta-county.yml": other,
            "organisations/bad-kind.yml": county,
            "organisations/index.yml": AUTHORITY,
        },
    )
    status, err = run_check(root, capsys)
    assert status == 1
    text = "\n".join(err)
    lines = root.joinpath("schools/alpha.yml").read_text().splitlines()
    at = next(n for n, x in enumerate(lines, 1) if x.startswith("organisations:"))
    assert f"schools/alpha.yml:{at}: organisations: unknown organisation 'no-such-body'" in text
    assert f"schools/alpha.yml:{at}: organisations: 'beta-county' and 'alpha-county' are both a local-authority" in text
    assert "organisations/alpha-trust.yml:6: variants: clause 'staff-former-pupils' has no variant 'sometimes'" in text
    assert "organisations/bad-kind.yml:2: kind: must be 'local-authority', 'diocese', 'trust' or 'federation'" in text
    assert "organisations/index.yml:1: 'index' cannot be an organisation's file name" in text
    assert "Traceback" not in text


def test_organisation_page_lists_members_values_choices_and_departures(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        """
        organisations: [alpha-trust]
        variants:
          staff-former-pupils: {variant: never, reason: Our governors keep the stricter rule.}
        """,
    )
    out = built(root, pdf=False)
    page = str(out["organisations/alpha-trust.md"])
    assert page.startswith("# Alpha Learning Trust\n")
    assert "| [Alpha Primary School](../schools/alpha.md) |" in page
    assert "| Former pupils: no contact under | 19 |" in page
    assert "| [Former pupils](../library/staff-former-pupils.md) | Under the contact age | 1 |" in page
    assert "| Under the contact age | Never | Our governors keep the stricter rule. |" in page
    assert "[Alpha Learning Trust](../organisations/alpha-trust.md)" in str(out["schools/alpha.md"])
    assert "[Alpha Learning Trust](alpha-trust.md)" in str(out["organisations/index.md"])
    comparison = str(out["comparison/alpha-trust.md"])
    assert "1 of the 1 schools of\n[Alpha Learning Trust](../organisations/alpha-trust.md)" in comparison
    assert 'data-departs="true">Never <em>(departs)</em><details><summary>Reason</summary>Our governors' in comparison


def test_an_organisations_values_are_data_in_every_output(tmp_path: Path) -> None:
    hostile = AUTHORITY.replace("name: Alpha County Council\n", f"name: '{HOSTILE['name']}'\n", 1)
    hostile = hostile.replace("{name: Alpha County Council}", f"{{name: '{HOSTILE['name']}'}}")
    root = project(tmp_path, "organisations: [alpha-county]\n", **{"organisations/alpha-county.yml": hostile})
    out = built(root, pdf=False)
    for name in ("organisations/alpha-county.md", "organisations/index.md", "schools/alpha.md", "index.md"):
        page = str(out[name])
        assert "<script>" not in page and "49" not in page.split("\n", 1)[1], name
        assert "&#123;&#123; 7 &#42; 7 &#125;&#125; &#60;script&#62;" in page, name  # escaped: shown as typed


def test_at_scale_no_comparison_page_holds_more_than_fifty_schools(tmp_path: Path) -> None:
    """260 schools in 20 trusts and the shipped authorities: the index gives counts, each group its own parts."""
    root = tmp_path / "project"
    root.mkdir()
    synthesise(root, 260)
    out = built(root, pdf=False)
    index = str(out["comparison/index.md"])
    assert 'id="comparison-matrix"' not in index and "Compare the schools of one organisation:" in index
    home = str(out["index.md"])
    assert "| [Trust 00 Academies](organisations/trust-00.md) | 13 |" in home
    assert "schools/school-0000.md" not in home  # the schools are listed on their organisations' pages
    pages = [
        name
        for name in out
        if name.startswith("comparison/") and name.endswith(".md") and name != "comparison/index.md"
    ]
    assert len(pages) == 20 + 5 * 2  # each trust (13 schools), each authority (52 schools: two parts)
    assert {"comparison/sheffield.md", "comparison/sheffield-part-2.md"} <= set(pages)
    for name in pages:
        assert str(out[name]).count('<th scope="col">') <= 3 * (50 + 1), name  # three tables, a column a school
    assert max(len(str(out[name]).encode()) for name in out if name.endswith(".md")) < 1_000_000
    # Clause pages count each organisation's schools and link its comparison's row, which names them.
    page = str(out["library/staff-former-pupils.md"])
    assert "../schools/" not in page
    variants = page.split("\n**Used by:** ")[1:]
    assert len(variants) == 2
    counted = 0
    for variant in variants:
        total = int(variant.split(" ", 1)[0])
        groups = re.findall(r"^- \[[^]]+\]\(\.\./comparison/([a-z0-9-]+)\.md#([a-z0-9-]+)\): (\d+)$", variant, re.M)
        assert groups and sum(int(n) for _, _, n in groups) == total
        for slug, anchor, _ in groups:
            assert anchor == "matrix-clause-staff-former-pupils"
            assert f'<tr id="{anchor}"' in str(out[f"comparison/{slug}.md"])
        counted += total
    uncovered = re.search(r"\*\*Not in the policy of:\*\* (\d+) schools, whose policies", page)
    assert uncovered and counted + int(uncovered[1]) == 260
    assert max(len(str(out[name]).encode()) for name in out if name.startswith("library/")) < 20_000


def test_the_shipped_schools_belong_to_their_local_authorities() -> None:
    expected = {
        "elton": "cheshire-west-and-chester",
        "milnthorpe": "westmorland-and-furness",
        "montessori-place": "brighton-and-hove",
        "st-anns": "sheffield",
        "st-michaels": "windsor-and-maidenhead",
    }
    for policy in policies_of(ROOT):
        assert [slug for slug, _ in policy.organisations] == [expected[policy.slug]]
    assert sorted(p.stem for p in (ROOT / "organisations").glob("*.yml")) == sorted(expected.values())
