"""School values are data: template, HTML and Markdown syntax in them appears literally."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from policies.templating.escape import escape_markdown

from .helpers import HOSTILE, main, school_with_hostile_values, visible_text
from .minimal import write_minimal


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_minimal(tmp_path_factory.mktemp("hostile"), {"schools/alpha.yml": school_with_hostile_values()})
    assert main(["-C", str(root), "build"]) == 0
    return root


def test_values_appear_literally_in_the_page(hostile_site: Path) -> None:
    page = hostile_site / "site" / "schools" / "alpha" / "index.html"
    text = visible_text(page)
    for value in (*HOSTILE.values(), "<b>Governors</b>", "&lt;Jane&gt; Smith"):
        assert value in text, value
    assert "Staff at {{ 7 * 7 }}" in text


def test_values_never_become_markup(hostile_site: Path) -> None:
    raw = (hostile_site / "site" / "schools" / "alpha" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in raw
    assert "<em>stars" not in raw and "<strong>Governors" not in raw and "<b>Governors" not in raw
    assert 'href="javascript:' not in raw
    assert "<code>code</code>" not in raw
    assert "49" not in visible_text(hostile_site / "site" / "schools" / "alpha" / "index.html")


def test_values_in_page_title_are_escaped(hostile_site: Path) -> None:
    raw = (hostile_site / "site" / "schools" / "alpha" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", raw, re.S)
    assert title is not None
    assert "<script>" not in title.group(1)
    assert "{{ 7 * 7 }}" in html.unescape(title.group(1))


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "1. not a list",
        "- not a bullet",
        "> not a quote",
        "# not a heading",
        "a  b",
        "&amp; stays",
        "\\*backslash\\*",
        "==mark== ^^ins^^ ~~del~~",
        "<!-- comment -->",
    ],
)
def test_escape_round_trips_through_python_markdown(value: str) -> None:
    import markdown

    rendered = markdown.markdown(escape_markdown(value), extensions=["attr_list", "tables", "toc"])
    inner = re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.S)
    assert "<" not in inner.replace("&lt;", "")
    assert html.unescape(inner) == value
