"""Review status of a policy against the build date.

The build date is ``runtime.clock``'s (never the wall clock), so the same inputs
give the same pages.  A review date "Summer 2024" is overdue once the whole term
has passed and "due soon" from three months before its first day.
"""

from __future__ import annotations

import datetime as dt

from policies.load.dates import PolicyDate

DUE_SOON_DAYS = 92

LABELS = {
    "current": "Current",
    "due-soon": "Review due within three months",
    "overdue": "Review overdue",
    "unknown": "Review date not recorded",
}


def review_status(review: PolicyDate | None, today: dt.date) -> str:
    if review is None:
        return "unknown"
    if review.end < today:
        return "overdue"
    if review.start <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "current"
