"""The sentence-level redline (history/redline.py): only changed sentences, with context, escaped for the site."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import markdown

from policies.history.redline import (
    ClauseText,
    Line,
    Redline,
    Span,
    sentence_redline,
    sentences,
    shown_spans,
)
from policies.history.redline_page import redline_markdown
from policies.templating.escape import escape_markdown

from .helpers import ROOT, main_policies

LONG = " ".join(
    [
        "Staff must not contact pupils online.",
        "Messages go through school systems only.",
        "Personal accounts are never used for school work.",
        "A member of staff who is contacted by a pupil tells the DSL.",
        "The DSL records the contact.",
        "Parents are told where that is safe.",
        "The school reviews these rules each year.",
        "Governors receive a report of the review.",
    ]
)


def clause(body: str, number: str = "2.1", title: str = "Contact with pupils") -> ClauseText:
    return ClauseText(number, title, body)


def text_of(line: Line) -> str:
    return "".join(span.text for span in line.spans)


def test_a_one_word_change_in_a_long_clause_shows_that_sentence_with_one_either_side() -> None:
    new = LONG.replace("The DSL records the contact.", "The DSL always records the contact.")
    result = sentence_redline({"c": clause(LONG)}, {"c": clause(new)})
    (changed,) = result.clauses
    assert (changed.id, changed.number, changed.kind) == ("c", "2.1", "changed")
    (hunk,) = changed.hunks
    assert [line.kind for line in hunk.lines] == ["context", "changed", "context"]
    assert text_of(hunk.lines[0]) == "A member of staff who is contacted by a pupil tells the DSL."
    assert hunk.lines[1].spans == (
        Span("equal", "The DSL "),
        Span("inserted", "always"),
        Span("equal", " records the contact."),
    )
    assert text_of(hunk.lines[2]) == "Parents are told where that is safe."
    assert hunk.skipped_before and changed.skipped_after  # text left out on both sides: an ellipsis each
    shown = " ".join(text_of(line) for line in hunk.lines)
    assert "must not contact pupils" not in shown and "Governors receive" not in shown

    wider = sentence_redline({"c": clause(LONG)}, {"c": clause(new)}, context=2).clauses[0].hunks[0]
    assert len(wider.lines) == 5
    bare = sentence_redline({"c": clause(LONG)}, {"c": clause(new)}, context=0).clauses[0].hunks[0]
    assert [line.kind for line in bare.lines] == ["changed"]


def test_changes_close_together_merge_and_far_apart_stay_apart() -> None:
    near = LONG.replace("The DSL records", "The DSL writes down").replace("Parents are told", "Parents are informed")
    (hunk,) = sentence_redline({"c": clause(LONG)}, {"c": clause(near)}).clauses[0].hunks
    assert [line.kind for line in hunk.lines] == ["context", "changed", "changed", "context"]

    far = LONG.replace("Staff must not", "Staff must never").replace("Governors receive", "Governors get")
    changed = sentence_redline({"c": clause(LONG)}, {"c": clause(far)}).clauses[0]
    first, second = changed.hunks
    assert not first.skipped_before and [line.kind for line in first.lines] == ["changed", "context"]
    assert second.skipped_before and [line.kind for line in second.lines] == ["context", "changed"]
    assert not changed.skipped_after


def test_added_removed_and_replaced_sentences() -> None:
    new = LONG.replace("The DSL records the contact. ", "").replace(
        "Parents are told where that is safe.", "Parents are told where that is safe. Pupils are told too."
    )
    (changed,) = sentence_redline({"c": clause(LONG)}, {"c": clause(new)}).clauses
    kinds = [(line.kind, text_of(line)) for hunk in changed.hunks for line in hunk.lines]
    assert ("removed", "The DSL records the contact.") in kinds
    assert ("added", "Pupils are told too.") in kinds


def test_added_and_removed_clauses_renumbering_and_formatting_are_not_changes() -> None:
    old = {
        "kept": clause("Staff must not post **pupils'** photos.", "1.1", "Photos"),
        "moved": clause(LONG, "1.2", "Contact"),
        "gone": clause("An old rule. Another old rule.", "1.3", "Old rule"),
    }
    new = {
        "fresh": clause("A new rule.", "1.1", "New rule"),
        "kept": clause("Staff must not post *pupils'* photos.", "1.2", "Photos"),  # formatting only
        "moved": clause(LONG, "1.3", "Contact"),  # renumbered only
    }
    result = sentence_redline(old, new)
    assert [(c.id, c.kind, c.number, c.title) for c in result.clauses] == [
        ("fresh", "added", "1.1", "New rule"),
        ("gone", "removed", "1.3", "Old rule"),  # the old number and title
    ]
    assert [line.kind for line in result.clauses[1].hunks[0].lines] == ["removed", "removed"]
    assert not sentence_redline(new, new).changed


def test_a_new_title_is_a_change() -> None:
    result = sentence_redline({"c": clause(LONG, title="Contact")}, {"c": clause(LONG, title="Contact with pupils")})
    (changed,) = result.clauses
    assert changed.kind == "changed" and changed.hunks == ()
    assert changed.title_spans == (Span("equal", "Contact "), Span("inserted", "with pupils"))


def test_sentences_list_items_headings_and_abbreviations() -> None:
    body = "Staff may use apps, e.g. Teams. They ask first.\n\n- one rule\n- Another rule. With two sentences.\n"
    assert sentences(body) == ["Staff may use apps, e.g. Teams.", "They ask first.", "one rule", "Another rule.",
                               "With two sentences."]  # fmt: skip
    assert sentences("#### Heading\n\nText J. Smith wrote.") == ["Heading", "Text J. Smith wrote."]


def test_word_spans_keep_the_spaces_outside_the_marks() -> None:
    assert shown_spans("must not contact", "must never contact") == (
        Span("equal", "must "),
        Span("deleted", "not"),
        Span("equal", " "),
        Span("inserted", "never"),
        Span("equal", " contact"),
    )
    assert shown_spans("with permission.", "with permission") == (
        Span("equal", "with permission"),
        Span("deleted", "."),
    )


HOSTILE = "Ask <script>alert(1)</script> about *stars* and {{ values }} & [links](http://x)."


def test_site_markdown_escapes_every_piece_of_text() -> None:
    """A school's value reaches a clause body escaped (as the templates escape it); the redline shows it
    literally, and its own marks are the only markup in the page."""
    title = "<b>Bold</b> *title*"
    old = {"c": clause(f"First. {escape_markdown(HOSTILE)} Last.", title=title)}
    new = {"c": clause(f"First. {escape_markdown(HOSTILE.replace('Ask', 'Tell'))} Last.", title=title)}
    page = markdown.markdown(redline_markdown(sentence_redline(old, new)), extensions=["attr_list", "tables"])
    assert "<script>" not in page and "<b>" not in page and "<em>" not in page and "<a " not in page
    assert '<del><span class="visually-hidden">removed: </span>Ask</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>Tell</ins>' in page
    visible = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
    assert HOSTILE.replace("Ask ", "") in visible and title in visible


def test_site_markdown_of_added_and_removed_clauses_and_no_changes() -> None:
    result = sentence_redline({"gone": clause("Old text.", "3.1", "Gone")}, {"new": clause("New text.", "3.1", "New")})
    text = redline_markdown(result, level=4)
    assert text.startswith("#### 3&#46;1 New\n\n*New clause.*\n\n<ins>")
    assert "#### 3&#46;1 Gone\n\n*Clause removed.*\n\n<del>" in text
    assert redline_markdown(Redline(())) == "No changes.\n"


def test_a_shipped_policy_against_itself_and_with_one_word_changed() -> None:
    policy = main_policies(ROOT)["elton"]
    assert not sentence_redline(policy, policy).changed
    section = policy.sections[1]
    first = section.clauses[0]
    words = first.body.split(" ")
    edited = replace(first, body=" ".join([*words[:-1], "changed."]))
    sections = (policy.sections[0], replace(section, clauses=(edited, *section.clauses[1:])), *policy.sections[2:])
    (changed,) = sentence_redline(policy, replace(policy, sections=sections)).clauses
    assert changed.id == first.id and changed.number == first.number
    spans = [span for hunk in changed.hunks for line in hunk.lines for span in line.spans]
    assert Span("inserted", "changed") in spans
