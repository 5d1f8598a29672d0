"""The date functions of profile filters, evaluated in UTC: DATETIMEUTCNOW(), DATE(...) and DATEADD(...).

Their values are constants once the evaluation time is known, so the compiler computes them here and passes
them as parameters; DATEDIFF, which reads attributes, is SQL (compiler.py).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta

from .nodes import DateAdd, DateValue, Now

_DATE_FIELDS = ("year", "month", "day", "hour", "minute", "second")


def date_problem(value: DateValue) -> str | None:
    """Why DATE(...) names no instant, or None."""
    if not 3 <= len(value.parts) <= 6:
        return f"DATE takes 3 to 6 whole numbers (year, month, day[, hour, minute, second]), not {len(value.parts)}"
    try:
        datetime(*value.parts, tzinfo=UTC)
    except (ValueError, OverflowError) as error:
        shown = ", ".join(str(p) for p in value.parts)
        return f"DATE({shown}) is not a date: {error}"
    return None


def add(part: str, n: int, moment: datetime) -> datetime:
    """`moment` moved by n calendar units; a day that does not exist clamps to the month's last day.

    Raises OverflowError past the years 1 to 9999.
    """
    if part in ("YEAR", "MONTH"):
        total = moment.year * 12 + moment.month - 1 + n * (12 if part == "YEAR" else 1)
        year, month0 = divmod(total, 12)
        if not 1 <= year <= 9999:
            raise OverflowError("date out of range")
        day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
        return moment.replace(year=year, month=month0 + 1, day=day)
    unit = {"DAY": timedelta(days=1), "HOUR": timedelta(hours=1), "MINUTE": timedelta(minutes=1)}[part]
    try:
        return moment + unit * n
    except (OverflowError, ValueError):
        raise OverflowError("date out of range") from None


def instant(value: Now | DateValue | DateAdd, now: datetime) -> datetime:
    """The UTC instant a date function stands for at evaluation time `now` (validated first)."""
    if isinstance(value, Now):
        return now
    if isinstance(value, DateValue):
        return datetime(*value.parts, tzinfo=UTC)
    return add(value.part, value.n, instant(value.value, now))
