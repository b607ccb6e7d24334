"""The shipped library and school files: local facts present, outdated text absent, topics accounted for."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from policies.history.versions import with_versions
from policies.load.models import AUDIENCES
from policies.resolve.details import COMPARISON, DASHBOARD, DOCUMENTS, PAGE, detail_rows, details_in

from .helpers import ALPHA, LOCAL_FACTS, ROOT, SEEDS, load_and_check, open_docx, outputs_of, policies_of, school_pages
from .minimal import write_minimal

# Outdated references and seed mistakes (shared/domain.md) that no output may contain.
FORBIDDEN = [
    r"\b1998\b",
    r"DFE-00129-2015",
    r"March 2015",
    r"KCSIE 2016",
    r"Education 2016",
    r"October 2015",
    r"(?<!formerly )\bTwitter\b(?! \))",
    r"\bMSN\b",
    r"\bBebo\b",
    r"\bSkype\b",
    r"COPPA",
    r"Children's Online Privacy",
    r"Local Safeguarding Children",
    r"Safeguarding Children Board",
    r"Local Area [Dd]esignated",
    r"Child Protection Officer",
    r"named Child Protection person",
    r"show_form=underage",
    r"Cheshire West and Cheshire",
    r"Cumbria County Council",
    r"at least 14",
    r"8 characters",
    r"duty to investigate",
    r"\bsexting\b",
    r"20217",
    r"St Michael’ ",
    r"St Michael' ",
    r"modem communication",
    r"detrimentally effects",
    r"to you tutor",
    r"social; networking",
    r"Mobiles phones",
    r"practice skills",
    r"by creating by particular",
    r"Pinterest you need",
    r"Wetpaint",
    r"\bNing\b",
]


@pytest.mark.parametrize("slug", sorted(LOCAL_FACTS))
def test_school_page_carries_its_local_facts(shipped_pages: dict[str, str], slug: str) -> None:
    page = school_pages(shipped_pages, slug).replace("&#39;", "'")  # its page and its other documents
    missing = [fact for fact in LOCAL_FACTS[slug] if fact.replace("&amp;", "&") not in page]
    assert not missing, f"{slug}: missing {missing}"


CHANGES_HEADING = "\n## Changes to confirm "


def without_changes_annex(page: str) -> str:
    """A school page up to its "Changes to confirm" section, the last, which quotes the source on purpose."""
    return page.split(CHANGES_HEADING, 1)[0]


@pytest.mark.parametrize("pattern", FORBIDDEN)
def test_no_outdated_reference_or_seed_mistake_in_any_output(shipped_pages: dict[str, str], pattern: str) -> None:
    """Policies and library pages; the references page lists superseded entries on purpose, and a school
    page's "Changes to confirm" quotes what its source policy said (an outdated reference among them)."""
    for name, page in shipped_pages.items():
        if name == "references.md":
            continue
        if name.startswith(("schools/", "documents/")):
            assert page.count(CHANGES_HEADING) == 1 and "\n## " not in page.split(CHANGES_HEADING, 1)[1], name
            page = without_changes_annex(page)
        match = re.search(pattern, page)
        assert match is None, f"{name} contains {match.group(0)!r}"


def test_library_text_has_no_outdated_reference() -> None:
    for path in sorted((ROOT / "clauses").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1]
        for pattern in FORBIDDEN:
            match = re.search(pattern, body)
            assert match is None, f"{path.relative_to(ROOT)} contains {match.group(0)!r}"


def test_shipped_project_checks_clean() -> None:
    project, problems = load_and_check(ROOT)
    assert [str(p) for p in problems.errors] == []
    assert len(project.schools) == 5


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source policies (../shared/seeds) are not beside this checkout")
def test_every_seed_is_a_source_and_every_source_is_used() -> None:
    project, _ = load_and_check(ROOT)
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(s.file for s in project.sources.values()) == seeds
    used = {seed for clause in project.clauses.values() for seed in clause.meta.provenance}
    used |= {seed for exclusion in project.exclusions for seed in exclusion.seeds}
    assert used == set(project.sources)


def test_clauses_cite_only_current_references() -> None:
    project, _ = load_and_check(ROOT)
    for clause in project.clauses.values():
        for ref in clause.meta.references:
            assert project.references[ref].status == "current", f"{clause.meta.id} cites {ref}"


def test_every_audience_is_covered_by_some_school_and_section() -> None:
    project, _ = load_and_check(ROOT)
    assert project.outline is not None
    covered = {a for school in project.schools.values() for a in school.audiences}
    sections = {a for section in project.outline.sections for a in section.audiences}
    assert covered == sections == set(AUDIENCES)


def test_positions_of_the_seeds_are_reproduced(shipped_pages: dict[str, str]) -> None:
    """The substantive differences in the domain brief show up in the schools' text."""
    pages = {slug: school_pages(shipped_pages, slug) for slug in LOCAL_FACTS}
    assert "gross misconduct" in pages["elton"] and "gross misconduct" in pages["montessori-place"]
    assert "gross misconduct" not in pages["st-anns"]
    assert "in writing" in pages["montessori-place"]
    assert "mobile phones to school" in pages["elton"]
    assert "Pupils" not in pages["st-anns"].split("Policy covers:")[1].split("\n")[0]
    assert "Parents and carers" in pages["milnthorpe"]


def test_maintainer_notes_are_never_published(shipped_pages: dict[str, str]) -> None:
    """Research notes (what could not be verified) stay in references.yml; every page omits them."""
    project, _ = load_and_check(ROOT)
    notes = {ref_id: ref.maintainer_note for ref_id, ref in project.references.items() if ref.maintainer_note}
    assert notes, "the shipped registry records what could not be verified"
    for name, page in shipped_pages.items():
        assert "UNVERIFIED" not in page and "NOT VERIFIED" not in page, name
        for ref_id, note in notes.items():
            assert note[:60] not in page, f"{name} publishes the maintainer note of {ref_id}"


def test_every_current_reference_records_when_it_was_checked() -> None:
    project, _ = load_and_check(ROOT)
    unchecked = [ref_id for ref_id, ref in project.references.items() if ref.checked is None]
    assert unchecked == []


def test_laws_for_one_kind_of_school_are_not_cited_by_another() -> None:
    """The Education and Inspections Act power and FOI are for maintained schools, not the independent school."""
    from policies.load.problems import Problems
    from policies.resolve.policy import resolve_policy

    project, _ = load_and_check(ROOT)
    cited = {}
    for slug in ("montessori-place", "elton"):
        policy = resolve_policy(project, slug, Problems(ROOT))
        assert policy is not None
        cited[slug] = {ref for s in policy.sections for c in s.clauses for ref in c.references}
    assert {"eia-2006", "foia-2000"} <= cited["elton"] and "iss-2014" not in cited["elton"]
    assert not {"eia-2006", "foia-2000"} & cited["montessori-place"] and "iss-2014" in cited["montessori-place"]


def test_one_list_of_details_feeds_page_documents_dashboard_and_comparison(tmp_path: Path) -> None:
    """resolve/details.py's DETAILS is the one source: each output shows the details marked for it, same labels."""
    root = write_minimal(tmp_path, {"schools/alpha.yml": ALPHA})
    out = outputs_of(root)
    policy = with_versions(policies_of(root), {})[0]  # as the build knows it: no approval recorded
    page = str(out["schools/alpha.md"]).split("\n## Who to contact", 1)[0]
    listed = re.findall(r"^- \*\*([^*]+):\*\* (.*)$", page, re.M)
    assert [label for label, _ in listed] == [label for label, _, _ in detail_rows(policy, PAGE)]  # no source policy
    assert ("Website", "[https://alpha.example.org/](https://alpha.example.org/)") in listed
    assert ("Next review", "Summer 2026 (review overdue)") in listed
    cover = open_docx(bytes(out["downloads/alpha-social-media-policy.docx"])).tables[0]
    rows = [(row.cells[0].text, row.cells[1].text) for row in cover.rows][1:]
    assert rows == [(label, text) for label, text, _ in detail_rows(policy, DOCUMENTS)]
    assert ("Website", "https://alpha.example.org/") in rows and ("Policy covers", "staff") in rows
    header = str(out["index.md"]).split("\n| School | ", 1)[1].split("\n", 1)[0]
    assert header == " | ".join(
        ["Document", "Part of"]
        + [d.label for d in details_in(DASHBOARD)]
        + ["Status", "Approval", "Changes to confirm |"]
    )
    matrix = json.loads(str(out["comparison/matrix.json"]))
    assert [(v["id"], v["label"]) for v in matrix["values"]] == [(d.id, d.label) for d in details_in(COMPARISON)]


# The clauses added for the 2026 topics (review of December 2026, section 5; issue 16), new to every school.
TOPICS_2026 = [
    "staff-generative-ai",
    "staff-running-school-accounts",
    "staff-livestreaming",
    "staff-parent-groups",
    "procedures-ai-images",
    "procedures-sextortion",
    "procedures-child-on-child",
    "procedures-searching-devices",
    "procedures-pupils-devices",
    "procedures-harmful-content",
    "procedures-reporting-routes",
]


@pytest.mark.parametrize("clause_id", TOPICS_2026)
def test_2026_topic_is_in_every_policy_it_addresses_and_new_to_every_source(
    shipped_pages: dict[str, str], clause_id: str
) -> None:
    """Each 2026 topic is a library clause with a note and a current reference; it appears in the policy of
    every shipped school whose audiences it addresses, and as a "new" change for each such school that has a
    source (no source policy had it, so no provenance may hide it from a school's changes to confirm)."""
    from policies.load.changes import school_changes

    project, _ = load_and_check(ROOT)
    clause = project.clauses[clause_id]
    assert clause.meta.provenance == [] and clause.meta.note, clause_id
    assert any(project.references[ref].status == "current" for ref in clause.meta.references), clause_id
    addressed = [slug for slug, school in project.schools.items() if set(clause.meta.audiences) & set(school.audiences)]
    assert addressed, f"{clause_id} is in no shipped school's policy"
    for slug, school in project.schools.items():
        page = without_changes_annex(shipped_pages[f"schools/{slug}.md"])
        heading = re.search(rf"^#+ .* \{{#{re.escape(clause_id)}[ }}]", page, re.M)
        assert (heading is not None) == (slug in addressed), f"{clause_id} in {slug}"
        if slug in addressed and school.source is not None:
            kinds = {change.kind for change in school_changes(project, slug) if change.clause == clause_id}
            assert kinds == {"new"}, f"{clause_id} for {slug}: {kinds}"


def test_the_shipped_library_is_plain_and_short() -> None:
    """Issue 16's targets: no clause over its audiences' reading level (unless its front matter justifies a
    ceiling), no ruled-out term, no rule stated twice in one policy, and each staff policy within the
    outline's limit of words (4,500), with every local fact still present (test above)."""
    from policies.resolve.length import policy_words
    from policies.resolve.prepare import check_all

    project, problems = check_all(ROOT)
    in_clauses = [str(p) for p in problems.warnings if str(p).startswith("clauses/")]
    assert in_clauses == []
    assert not [str(p) for p in problems.warnings if "over the limit" in str(p)]
    assert project.outline is not None and project.outline.max_words == 4500
    words = {policy.slug: policy_words(policy) for policy in policies_of(ROOT)}
    staff = {slug: n for slug, n in words.items() if slug != "milnthorpe"}
    assert len(staff) == 4 and max(staff.values()) <= 4500, staff
