"""Period labels (`2023`, `FY2023`, `2023-06`, `2023-Q3`, `FY2023-H1`, `2022-06-16/2024-05-31`) and their dates.

Japanese fiscal years are named by the calendar year they start in: FY2023 runs from
1 April 2023 to 31 March 2024.
"""
from __future__ import annotations

import calendar
import re
from datetime import date

_LABEL = re.compile(
    r"^(?P<fy>FY)?(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])|H(?P<half>[12])))?$"
)
_INTERVAL = re.compile(r"^(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})$")


class PeriodError(ValueError):
    pass


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + n
    return total // 12, total % 12 + 1


def period_bounds(label: str) -> tuple[date, date]:
    """First and last day covered by a period label; raises PeriodError for a label it cannot read."""
    m = _INTERVAL.match(label)
    if m:
        try:
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as e:
            raise PeriodError(f"not a valid date in {label!r}") from e
        if end < start:
            raise PeriodError(f"interval {label!r} ends before it starts")
        return start, end
    m = _LABEL.match(label)
    if not m:
        raise PeriodError(f"unknown period label {label!r}")
    year, fiscal = int(m["year"]), bool(m["fy"])
    if m["month"]:
        if fiscal:
            raise PeriodError(f"months are calendar months; write {label[2:]!r}, not {label!r}")
        month = int(m["month"])
        return date(year, month, 1), _month_end(year, month)
    first_month, length = (4, 12) if fiscal else (1, 12)
    offset = 0
    if m["quarter"]:
        offset, length = (int(m["quarter"]) - 1) * 3, 3
    elif m["half"]:
        offset, length = (int(m["half"]) - 1) * 6, 6
    sy, sm = _add_months(year, first_month, offset)
    ey, em = _add_months(sy, sm, length - 1)
    return date(sy, sm, 1), _month_end(ey, em)


def fiscal_year_of(day: date) -> int:
    """The Japanese fiscal year (named by its start) that contains `day`."""
    return day.year if day.month >= 4 else day.year - 1


def kind_of(label: str) -> str:
    """`year`, `fiscal-year`, `month`, `quarter`, `half`, `fiscal-quarter`, `fiscal-half` or `interval`."""
    if _INTERVAL.match(label):
        return "interval"
    m = _LABEL.match(label)
    if not m:
        raise PeriodError(f"unknown period label {label!r}")
    prefix = "fiscal-" if m["fy"] else ""
    if m["month"]:
        return "month"
    if m["quarter"]:
        return prefix + "quarter"
    if m["half"]:
        return prefix + "half"
    return "fiscal-year" if m["fy"] else "year"
