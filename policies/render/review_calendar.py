"""The review calendar: each document's review date as iCalendar (RFC 5545), per school and for all schools.

Governors and heads subscribe to ``downloads/calendar/<school>.ics`` (or ``all.ics``) and see each
document's review in their own calendar, with an alert three months before (when the dashboard starts
to say "review due within three months": ``load/status.py``).  A review date is as precise as the school
gave it ("Summer 2024"): the event is an all-day event on its first day, when the review falls due.
The files are the same bytes for the same inputs: DTSTAMP is the build date, UIDs are the school and
document.  School values are text, escaped for iCalendar, never markup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from policies.load.status import DUE_SOON_DAYS
from policies.resolve.policy import ResolvedPolicy

FOLDER = "downloads/calendar"
ALL = f"{FOLDER}/all.ics"
PRODUCT = "-//Harmonised school policies//Review calendar//EN"


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11)."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets, continuation lines starting with a space (RFC 5545, 3.1)."""
    data, parts, limit = line.encode("utf-8"), [], 75
    while len(data) > limit:
        cut = limit
        while cut and (data[cut] & 0xC0) == 0x80:  # never inside a UTF-8 character
            cut -= 1
        parts.append(data[:cut])
        data, limit = data[cut:], 74  # a continuation line's leading space counts
    parts.append(data)
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def _event(policy: ResolvedPolicy, today: dt.date) -> list[str]:
    review = policy.dates.review
    assert review is not None
    what = f"{policy.name}: {policy.title}"
    approved = f" Approved by {policy.dates.approved_by}." if policy.dates.approved_by else ""
    return [
        "BEGIN:VEVENT",
        f"UID:{policy.slug}.{policy.document or 'policy'}.review@harmonised-school-policies",
        f"DTSTAMP:{today:%Y%m%d}T000000Z",
        f"DTSTART;VALUE=DATE:{review.start:%Y%m%d}",
        f"DTEND;VALUE=DATE:{review.start + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape(f'Review due: {what}')}",
        f"DESCRIPTION:{escape(f'{what} is due for review: {review.text}.{approved}')}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{escape(f'Review due in three months: {what}')}",
        f"TRIGGER:-P{DUE_SOON_DAYS}D",
        "END:VALARM",
        "END:VEVENT",
    ]


def _lines(lines: list[str]) -> str:
    return "".join(f"{fold(line)}\r\n" for line in lines)


def calendar(name: str, policies: list[ResolvedPolicy], today: dt.date, events: dict[int, str] | None = None) -> str:
    """A calendar of the policies' reviews; ``events``: each policy's event as text, by ``id``, made once
    for its school's calendar and the calendar of all schools."""
    head = _lines(["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODUCT}", "CALSCALE:GREGORIAN"])
    out = [head, _lines([f"X-WR-CALNAME:{escape(name)}"])]
    for policy in policies:
        if policy.dates.review is not None:
            made = events.get(id(policy)) if events is not None else None
            if made is None:
                made = _lines(_event(policy, today))
                if events is not None:
                    events[id(policy)] = made
            out.append(made)
    out.append(_lines(["END:VCALENDAR"]))
    return "".join(out)


def calendar_outputs(policies: list[ResolvedPolicy], today: dt.date) -> Iterator[tuple[str, str]]:
    """(path in the docs tree, text) of each school's calendar, then of all schools'."""
    schools: dict[str, list[ResolvedPolicy]] = {}
    for policy in policies:
        schools.setdefault(policy.slug, []).append(policy)
    events: dict[int, str] = {}
    for slug, documents in schools.items():
        yield f"{FOLDER}/{slug}.ics", calendar(f"Policy reviews: {documents[0].name}", documents, today, events)
    yield ALL, calendar("Policy reviews: all schools", policies, today, events)
