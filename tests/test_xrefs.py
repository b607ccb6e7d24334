"""Cross-references between clauses (``[](#clause-id)``) and the length limit of a school's policy."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from policies.documents.typst_markup import markdown_typst
from policies.resolve.length import policy_words, words
from tests.minimal import FILES, write_minimal

from .helpers import built, main, policies_of, read_package

# staff-former-pupils (staff only) cross-refers to staff-contact (staff and governors), once with empty
# text (filled per school) and once with its own text.
LINKING = (
    textwrap.dedent(FILES["clauses/staff/staff-former-pupils.md"]).rstrip("\n")
    + "\n\nAny contact is reported as [](#staff-contact) says; see also [the contact rule](#staff-contact).\n"
)


def run_check(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["-C", str(root), "check"])
    return status, capsys.readouterr().err.splitlines()


def test_a_cross_reference_gets_the_number_and_title_of_the_target_in_each_output(tmp_path: Path) -> None:
    root = write_minimal(tmp_path, {"clauses/staff/staff-former-pupils.md": LINKING})
    (policy,) = policies_of(root)
    body = next(c.body for s in policy.sections for c in s.clauses if c.id == "staff-former-pupils")
    assert "reported as [1.1 Contact with pupils](#staff-contact) says" in body
    assert "see also [the contact rule](#staff-contact)" in body
    out = built(root, pdf=False)
    page = str(out["schools/alpha.md"])
    assert "[1.1 Contact with pupils](#staff-contact)" in page
    assert "{#staff-contact" in page  # the anchor it points to is on the same page
    document = read_package(bytes(out["downloads/alpha-social-media-policy.docx"]))["word/document.xml"].decode()
    anchor = 'w:anchor="p_staff_contact"'
    assert document.count(anchor) == 2 and 'w:name="p_staff_contact"' in document
    assert '#inner-link("staff-contact")[#"1.1 Contact with pupils";]' in markdown_typst(body)
    library = str(out["library/staff-former-pupils.md"])
    assert "[Contact with pupils](staff-contact.md)" in library


def test_a_link_to_no_clause_is_an_error_at_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = LINKING.replace("[](#staff-contact)", "[](#staff-contacts)")
    root = write_minimal(tmp_path, {"clauses/staff/staff-former-pupils.md": broken})
    written = (root / "clauses/staff/staff-former-pupils.md").read_text().splitlines()
    line = next(n for n, text in enumerate(written, start=1) if "#staff-contacts" in text)
    status, err = run_check(root, capsys)
    assert status == 1
    assert (
        f"clauses/staff/staff-former-pupils.md:{line}: the link to '#staff-contacts' is not a clause "
        "of the library: link a clause as [](#clause-id)"
    ) in err


def test_a_link_to_a_clause_some_policy_lacks_is_an_error_naming_the_school(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """staff-contact (staff and governors) links to staff-former-pupils (staff only): a governors-only
    policy would hold the link but not its target."""
    contact = (
        textwrap.dedent(FILES["clauses/staff/staff-contact.md"]).rstrip("\n") + "\n\nSee [](#staff-former-pupils).\n"
    )
    school = textwrap.dedent(FILES["schools/alpha.yml"])
    root = write_minimal(
        tmp_path,
        {
            "clauses/staff/staff-contact.md": contact,
            "schools/beta.yml": school.replace("Alpha", "Beta").replace("[staff]", "[governors]"),
            "schools/gamma.yml": school.replace("Alpha", "Gamma").replace("[staff]", "[governors]"),
        },
    )
    status, err = run_check(root, capsys)
    assert status == 1
    written = (root / "clauses/staff/staff-contact.md").read_text().splitlines()
    line = written.index("See [](#staff-former-pupils).") + 1
    assert err[0] == (
        f"clauses/staff/staff-contact.md:{line}: links to 'staff-former-pupils', which is not in the policy "
        "of beta (and 1 other school(s) with the same audiences): that policy includes 'staff-contact' "
        "(for staff, governors) but not 'staff-former-pupils' (for staff)"
    )
    assert [line for line in err if ": links to" in line] == err[:1]  # alpha (staff) has both clauses


def test_a_policy_over_the_length_limit_warns_naming_its_longest_clauses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = textwrap.dedent(FILES["clauses/staff/staff-contact.md"]).rstrip("\n")
    long += "\n\n" + "Staff keep a written record of every contact they have with a pupil online. " * 12 + "\n"
    outline = textwrap.dedent(FILES["clauses/outline.yml"]).replace("sections:", "max_words: 150\nsections:")
    root = write_minimal(tmp_path, {"clauses/staff/staff-contact.md": long, "clauses/outline.yml": outline})
    (policy,) = policies_of(root)
    total = policy_words(policy)
    assert total > 150
    status, err = run_check(root, capsys)
    assert status == 0
    assert (
        f"schools/alpha.yml:1: warning: the policy is {total} words, over the limit of 150 "
        "(clauses/outline.yml:2); its longest clauses: staff-contact ("
    ) in "\n".join(err)
    # Under the limit: no warning.
    root2 = write_minimal(tmp_path / "short", {"clauses/outline.yml": outline})
    status, err = run_check(root2, capsys)
    assert not [line for line in err if "over the limit" in line]


def test_words_count_what_a_reader_reads() -> None:
    assert words("See [2.8 Monitoring of school systems](#staff-monitoring), at **once**.") == 8
    assert words("Call 0800 1111 or visit [childline.org.uk](https://www.childline.org.uk).") == 6
    assert words("Alpha &#42;Star&#42; School") == 3
