"""The review calendars: each document's review date as iCalendar, read back by a real RFC 5545 parser."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import icalendar

from policies.render.review_calendar import fold
from tests.minimal import FILES, write_minimal

from .helpers import ROOT, built, outputs_of


def events(data: str | bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return list(calendar.walk("VEVENT"))


def test_each_school_and_all_schools_have_a_calendar_of_their_reviews() -> None:
    out = outputs_of(ROOT)
    elton = events(out["downloads/calendar/elton.ics"])
    assert [str(e["SUMMARY"]) for e in elton] == [
        "Review due: Elton Primary School & Nursery: Social Networking and Acceptable Use Policy",
        "Review due: Elton Primary School & Nursery: Online Safety Rules for Pupils",
        "Review due: Elton Primary School & Nursery: Acceptable Use Agreement",
    ]
    # "Summer 2024": due from the first day of the summer term, with an alert three months before.
    assert {e.decoded("DTSTART") for e in elton} == {dt.date(2024, 4, 1)}
    alarm = next(iter(elton[0].walk("VALARM")))
    assert alarm.decoded("TRIGGER") == -dt.timedelta(days=92) and str(alarm["ACTION"]) == "DISPLAY"
    assert str(elton[0]["UID"]) == "elton.staff-policy.review@harmonised-school-policies"
    everyone = events(out["downloads/calendar/all.ics"])
    # Montessori and Milnthorpe record no review date: no event, and their pages say "not recorded".
    assert sorted({str(e["UID"]).split(".")[0] for e in everyone}) == ["elton", "st-anns", "st-michaels"]
    assert len(everyone) == 5
    assert {e.decoded("DTSTART") for e in everyone if str(e["UID"]).startswith("st-anns")} == {dt.date(2018, 1, 1)}
    assert events(out["downloads/calendar/milnthorpe.ics"]) == []
    assert "[review calendar of all schools](downloads/calendar/all.ics)" in str(out["index.md"])
    assert "(../downloads/calendar/elton.ics)" in str(out["schools/elton.md"])
    assert "**Review overdue:** [Elton Primary School & Nursery: Social Networking and Acceptable Use Policy]" in str(
        out["index.md"]
    )


def test_a_schools_values_are_text_in_the_calendar(tmp_path: Path) -> None:
    name = "Alpha; Beta, and \\Gamma\\ Primary School with a name long enough to be folded over lines — ✓"
    school = textwrap.dedent(FILES["schools/alpha.yml"]).replace("name: Alpha Primary School", f"name: '{name}'")
    root = write_minimal(tmp_path, {"schools/alpha.yml": school})  # single quotes: backslashes as typed
    out = built(root, pdf=False)
    data = out["downloads/calendar/alpha.ics"]
    assert isinstance(data, bytes)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    (event,) = events(data)
    assert str(event["SUMMARY"]) == f"Review due: {name}: Social Media Policy"
    assert built(root, pdf=False)["downloads/calendar/alpha.ics"] == data  # the same bytes again


def test_folding_never_splits_a_character() -> None:
    line = "SUMMARY:" + "é" * 60
    folded = fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
