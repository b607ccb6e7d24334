"""The comparison matrix: golden data for the shipped schools, formats that agree, the CLI, the page.

``tests/golden_matrix/`` holds matrix.json and matrix.csv for the five seed schools, so a pull request
that changes a clause's variants or a school's choices shows what the comparison says differently.
Refresh with ``pytest tests/test_matrix.py --update-goldens`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
from markupsafe import escape

from policies.compare.export import CSV_COLUMNS, json_chunks
from policies.compare.matrix import SCHEMA_VERSION, Matrix, build_matrix
from policies.compare.page import to_markdown

from .helpers import HOSTILE, ROOT, checked, load_and_check, main, outputs_of, school_with_hostile_values, visible_text
from .minimal import FILES, write_minimal

GOLDEN = ROOT / "tests" / "golden_matrix"
SEEDS = ["elton", "milnthorpe", "montessori-place", "st-anns", "st-michaels"]
DOWNLOADS = ("matrix.json", "matrix.csv")


def matrix_of(root: Path) -> Matrix:
    return build_matrix(*checked(root))


@pytest.fixture(scope="module")
def seeds() -> dict[str, Any]:
    out = outputs_of(ROOT)
    return {
        "page": out["comparison/index.md"],
        "json": out["comparison/matrix.json"],
        "csv": out["comparison/matrix.csv"],
        "data": json.loads(str(out["comparison/matrix.json"])),
    }


def cell(data: dict[str, Any], clause: str, school: str) -> dict[str, Any]:
    return next(c for c in data["clauses"] if c["id"] == clause)["cells"][school]


def value(data: dict[str, Any], value_id: str, school: str) -> dict[str, Any]:
    return next(v for v in data["values"] if v["id"] == value_id)["cells"][school]


# --- golden data ------------------------------------------------------------------------------------


def test_golden_matrix_data(seeds: dict[str, Any], update_goldens: bool) -> None:
    if update_goldens:
        GOLDEN.mkdir(exist_ok=True)
        for name in DOWNLOADS:
            (GOLDEN / name).write_text(seeds[name.removeprefix("matrix.")], encoding="utf-8", newline="")
        pytest.skip("golden matrix rewritten")
    for name in DOWNLOADS:
        expected = (GOLDEN / name).read_bytes().decode("utf-8")
        assert seeds[name.removeprefix("matrix.")] == expected, (
            f"{name} differs from tests/golden_matrix: run `pytest tests/test_matrix.py --update-goldens` and review"
        )


def test_json_shape(seeds: dict[str, Any]) -> None:
    data = seeds["data"]
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert [s["slug"] for s in data["schools"]] == SEEDS
    project, _ = load_and_check(ROOT)
    assert project.outline is not None
    outline = [cid for section in project.outline.sections for cid in section.clauses]
    assert [c["id"] for c in data["clauses"]] == outline
    assert [s["id"] for s in data["sections"]] == [s.id for s in project.outline.sections]
    for clause in data["clauses"]:
        assert list(clause["cells"]) == SEEDS
        assert clause["summary"]["covered"] + clause["summary"]["not_covered"] == len(SEEDS)
        assert sum(clause["summary"]["adoption"].values()) == (
            clause["summary"]["covered"] if clause["variants"] else 0
        )


def test_csv_and_json_agree(seeds: dict[str, Any]) -> None:
    data = seeds["data"]
    rows = list(csv.DictReader(io.StringIO(seeds["csv"], newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == (len(data["clauses"]) + len(data["values"])) * len(data["schools"])
    names = {s["slug"]: s["name"] for s in data["schools"]}
    for row in rows:
        assert row["school_name"] == names[row["school"]]
        if row["record"] == "clause":
            c = cell(data, row["item"], row["school"])
            assert (row["status"], row["variant"] or None, row["value"]) == (c["status"], c["variant"], c["label"])
            assert (row["departs"] == "true", row["reason"] or None, row["number"] or None) == (
                c["departs"], c["reason"], c["number"]
            )  # fmt: skip
        else:
            assert row["record"] == "value"
            v = value(data, row["item"], row["school"])
            assert (row["status"], row["value"] or None) == (v["status"], v["value"])
    # The per-school summaries are what the cells add up to.
    for school in data["schools"]:
        departs = [r for r in rows if r["school"] == school["slug"] and r["departs"] == "true"]
        assert school["summary"]["departures"] == len(departs)


@pytest.mark.parametrize("fmt, name", [("json", "matrix.json"), ("csv", "matrix.csv"), ("md", "index.md")])
def test_cli_prints_the_same_data(capsys: pytest.CaptureFixture[str], fmt: str, name: str) -> None:
    status = main(["-C", str(ROOT), "matrix", "--format", fmt])
    out, _ = capsys.readouterr()
    assert status == 0
    assert out == outputs_of(ROOT)[f"comparison/{name}"]


def test_cli_matrix_reports_problems_and_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_minimal(tmp_path, {"schools/beta.yml": "school:\n  name: Beta\n  governance: maintaned\n"})
    assert main(["-C", str(root), "matrix", "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "schools/beta.yml" in err and "no matrix" in err


# --- the seed schools' real differences -------------------------------------------------------------


@pytest.mark.parametrize(
    "clause, school, variant, departs",
    [
        ("staff-former-pupils", "st-anns", "never", True),  # ex-pupil contact
        ("staff-former-pupils", "elton", "under-age", False),
        ("staff-personal-devices", "elton", "hours-restricted", True),  # staff phones
        ("pupils-mobile-phones", "elton", "not-allowed", True),  # pupils' phones
        ("pupils-mobile-phones", "montessori-place", "hand-in", False),
        ("staff-personal-use-at-work", "st-anns", "outside-paid-time", True),  # personal use
        ("staff-images-of-pupils", "st-anns", "never-post", True),  # images
        ("breaches-disciplinary", "elton", "gross-misconduct", True),  # disciplinary outcome
        ("breaches-disciplinary", "st-michaels", "graduated", False),
    ],
)
def test_seed_choices(seeds: dict[str, Any], clause: str, school: str, variant: str, departs: bool) -> None:
    c = cell(seeds["data"], clause, school)
    assert (c["status"], c["variant"], c["departs"]) == ("variant", variant, departs)


def test_seed_audiences_and_ages(seeds: dict[str, Any]) -> None:
    data = seeds["data"]
    assert cell(data, "staff-former-pupils", "milnthorpe")["status"] == "not-covered"  # a parents-only policy
    assert cell(data, "parents-purpose", "milnthorpe")["status"] == "shared"
    assert cell(data, "pupils-mobile-phones", "st-anns")["status"] == "not-covered"  # a staff-only policy
    assert value(data, "audiences", "milnthorpe")["value"] == "parents and carers"
    assert value(data, "ages.former_pupil_contact", "elton") == {"status": "recorded", "value": "18"}
    assert value(data, "ages.former_pupil_contact", "st-anns")["status"] == "not-in-policy"  # "never": no age
    assert value(data, "ages.pupil_minimum", "st-anns")["status"] == "not-in-policy"
    assert value(data, "ages.pupil_minimum", "milnthorpe") == {"status": "recorded", "value": "13"}
    assert value(data, "staff_phones", "elton")["value"] == "08:45 to 15:15; the staffroom"
    assert value(data, "policy.adopted", "st-anns")["value"] == "1 January 2012"
    assert value(data, "policy.review", "montessori-place")["status"] == "not-recorded"
    departures = {s["slug"]: s["summary"]["departures"] for s in data["schools"]}
    assert departures == {"elton": 8, "milnthorpe": 0, "montessori-place": 5, "st-anns": 5, "st-michaels": 0}


def test_seed_differences_are_on_the_page(seeds: dict[str, Any]) -> None:
    page = seeds["page"]
    differences = page.split('id="comparison-differences"')[1].split("</table>")[0]
    for title, label in [
        ("Former pupils", "Never"),
        ("Personal phones and devices", "Set places and times"),
        ("Mobile phones", "Not allowed in school"),
        ("Personal use at work", "Outside paid working time"),
        ("Images of pupils", "Never post"),
        ("Consequences", "Gross misconduct if serious"),
    ]:
        row = re.search(rf"<th scope=\"row\">{re.escape(title)}<br>.*?</tr>", differences, re.S)
        assert row and f">{label} <em>(departs)</em>" in row.group(0), title
    for school in seeds["data"]["schools"]:
        assert f'<th scope="col">{escape(school["name"])}</th>' in page
    assert "parents and carers" in page and "[matrix.csv](matrix.csv)" in page and "[matrix.json](matrix.json)" in page


# --- the page's structure and the filter's DOM ------------------------------------------------------


def test_filter_dom_contract(seeds: dict[str, Any]) -> None:
    page, data = seeds["page"], seeds["data"]
    matrix_table = page.split('<table id="comparison-matrix">')[1].split("</table>")[0]
    rows = re.findall(r'<tr id="matrix-clause-([a-z0-9-]+)" data-section="([a-z0-9-]+)" '
                      r'data-audiences="([a-z ]+)" data-differs="(true|false)">', matrix_table)  # fmt: skip
    assert [r[0] for r in rows] == [c["id"] for c in data["clauses"]]
    for (_cid, section, audiences, differs), clause in zip(rows, data["clauses"], strict=True):
        assert (section, audiences.split(), differs == "true") == (
            clause["section"],
            clause["audiences"],
            clause["differs"],
        )
    assert "<caption>" in matrix_table and matrix_table.count('<th scope="col">') == len(SEEDS) + 1
    assert matrix_table.count('<th scope="row">') == len(data["clauses"])
    script = (ROOT / "overrides" / "assets" / "javascripts" / "comparison.js").read_text(encoding="utf-8")
    for element_id in re.findall(r'getElementById\("([a-z-]+)"\)', script):
        assert f'id="{element_id}"' in page, element_id
    assert 'id="differences-only"' in page and '<form id="comparison-filters" hidden>' in page


def test_schema_is_documented_in_readme_and_page(seeds: dict[str, Any]) -> None:
    """Every key is named in both, and what both say of the schema, the statuses and the CSV holds."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8").split("## Comparison data", 1)[1]
    about = seeds["page"].split("## About the data", 1)[1]
    data = seeds["data"]
    keys = set(data) | set(data["schools"][0]) | set(data["schools"][0]["summary"]) | set(data["sections"][0])
    clause = next(c for c in data["clauses"] if c["variants"])
    keys |= set(clause) | set(clause["summary"]) | set(clause["variants"][0]) | set(clause["cells"]["elton"])
    keys |= set(data["values"][0]) | set(data["values"][0]["cells"]["elton"])
    for key in sorted(keys | set(CSV_COLUMNS)):
        assert f"`{key}`" in readme, f"README does not document {key}"
        assert f"`{key}`" in about, f"the page does not document {key}"
    # The schema's name and version, as the data has them.
    assert data["schema_version"] == SCHEMA_VERSION
    for text in (readme, about):
        assert f'`schema`: `"{data["schema"]}"`' in text
    assert f"`schema_version` is {SCHEMA_VERSION}." in readme and f"`schema_version` {SCHEMA_VERSION}." in about
    # Every status the data uses is one of those both documents list, for clause cells and for value cells.
    clause_statuses = {c["status"] for row in data["clauses"] for c in row["cells"].values()}
    value_statuses = {c["status"] for row in data["values"] for c in row["cells"].values()}
    assert clause_statuses <= {"variant", "shared", "not-covered"}
    assert value_statuses <= {"recorded", "not-recorded", "not-in-policy"}
    for text in (" ".join(readme.split()), " ".join(about.split())):
        assert "`status` (`variant`, `shared` or `not-covered`)" in text
        assert re.search(r"`status` \(`recorded`, `not-recorded`,? or `not-in-policy`", text)
    # The CSV's columns, in the file's order: the README's table rows, the page's list (parentheses aside).
    csv_section = readme.split("### matrix.csv", 1)[1]
    assert re.findall(r"^\| `(\w+)` \|", csv_section, re.M) == list(CSV_COLUMNS)
    listed = about.split("The columns never change when schools or clauses are added:", 1)[1].split(". Empty")[0]
    assert re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", listed)) == list(CSV_COLUMNS)
    assert next(csv.reader(io.StringIO(seeds["csv"]))) == list(CSV_COLUMNS)


# --- reasons, hostile values, scale -----------------------------------------------------------------

REASON = "Our trust's rule <b>since</b> 2020 *always*"


def test_reason_is_shown_accessibly(tmp_path: Path) -> None:
    school = FILES_ALPHA.replace(
        "staff-former-pupils: never",
        f"staff-former-pupils: {{variant: never, reason: '{REASON.replace(chr(39), chr(39) * 2)}'}}",
    )
    root = write_minimal(tmp_path, {"schools/alpha.yml": school})
    matrix = matrix_of(root)
    page = to_markdown(matrix)
    assert (
        "<details><summary>Reason</summary>Our trust&#39;s rule &lt;b&gt;since&lt;/b&gt; 2020 *always*</details>"
        in page
    )
    assert matrix.schools[0].departures == matrix.schools[0].reasons == 1
    data = json.loads(outputs_of(root)["comparison/matrix.json"])  # type: ignore[arg-type]
    assert cell(data, "staff-former-pupils", "alpha")["reason"] == REASON


FILES_ALPHA = FILES["schools/alpha.yml"]  # the minimal project's school, to vary


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = HOSTILE["name"].replace("'", "''")
    school = (
        school_with_hostile_values()
        + f"""
        variants:
          staff-former-pupils: {{variant: never, reason: '{reason}'}}
    """
    )
    root = write_minimal(tmp_path_factory.mktemp("hostile-matrix"), {"schools/alpha.yml": school})
    assert main(["-C", str(root), "build"]) == 0
    return root


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"list": [[]]},
        {"empty": {}, "none": [], "nested": [[], [{}], {"a": None}]},
        {"text": ["é ü ß", "\u2028\u2029\x7f\x00\x1f", '\n\t"\\/', "<b>&amp;</b>", "{{ x }}"], "n": [0, -1, True]},
        {"levels": [{"deeper": [{"deepest": {"x": ["y", {"z": False}]}}]}]},
    ],
)
def test_json_download_is_the_standard_encoders_text(data: dict[str, Any]) -> None:
    """json_chunks lays out the top of the document and lets orjson encode below: the text must be exactly
    the standard library's (indent=2, ensure_ascii=False), whatever the values hold."""
    assert "".join(json_chunks(Matrix.__new__(Matrix), data)) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_shipped_json_download_is_the_standard_encoders_text(seeds: dict[str, Any]) -> None:
    assert seeds["json"] == json.dumps(seeds["data"], ensure_ascii=False, indent=2) + "\n"


def test_hostile_values_appear_literally(hostile_site: Path) -> None:
    page = hostile_site / "site" / "comparison" / "index.html"
    text, raw = visible_text(page), page.read_text(encoding="utf-8")
    assert text.count(HOSTILE["name"]) >= 4  # differences and full matrix headers, reason, departures table
    assert HOSTILE["role"] in text and "<b>Governors</b>" in text and "&lt;Jane&gt; Smith" in text
    assert "<script>alert(1)" not in raw and "<em>stars" not in raw and "<b>Governors" not in raw
    assert 'href="javascript:' not in raw and "<code>code</code>" not in raw
    data = json.loads((hostile_site / "site" / "comparison" / "matrix.json").read_text(encoding="utf-8"))
    assert data["schools"][0]["name"] == HOSTILE["name"]
    assert cell(data, "staff-former-pupils", "alpha")["reason"] == HOSTILE["name"]
    rows = list(csv.DictReader(io.StringIO((hostile_site / "site" / "comparison" / "matrix.csv").read_text())))
    assert {r["school_name"] for r in rows} == {HOSTILE["name"]}


def test_built_site_has_the_comparison_and_its_downloads(hostile_site: Path) -> None:
    site = hostile_site / "site" / "comparison"
    docs = hostile_site / "docs" / "comparison"
    for name in DOWNLOADS:
        assert (site / name).read_bytes() == (docs / name).read_bytes()
    assert 'href="matrix.csv"' in (site / "index.html").read_text(encoding="utf-8")


def test_three_hundred_schools(tmp_path: Path) -> None:
    files: dict[str, str | None] = {"schools/alpha.yml": None}
    for i in range(300):
        choice = "never" if i % 3 == 0 else "under-age"
        files[f"schools/school-{i:03d}.yml"] = FILES_ALPHA.replace("Alpha Primary School", f"School {i:03d}").replace(
            "staff-former-pupils: never", f"staff-former-pupils: {choice}"
        )
    root = write_minimal(tmp_path, files)
    matrix = matrix_of(root)
    page = to_markdown(matrix)
    html = markdown.markdown(page, extensions=["attr_list", "md_in_html", "tables", "toc"])
    assert len(matrix.schools) == 300
    assert [row.adoption for row in matrix.clauses if row.variants] == [{"under-age": 200, "never": 100}]
    table = html.split('<table id="comparison-matrix">')[1].split("</table>")[0]
    assert table.count('<th scope="col">') == 301
    assert table.count("<td ") == 300 * len(matrix.clauses)
