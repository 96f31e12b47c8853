"""SOQL date literals (TODAY, LAST_N_DAYS:n, THIS_QUARTER, ...) as half-open UTC ranges.

The org's time zone is UTC and weeks start on Sunday (the en_US locale), so
the ranges depend only on the sandbox clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

_DAY = timedelta(days=1)


def _month_start(year: int, month: int) -> date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, 1)


def _quarter_start(day: date, shift: int) -> date:
    first_month = (day.month - 1) // 3 * 3 + 1
    return _month_start(day.year, first_month + 3 * shift)


def date_range(literal: str, now: datetime) -> tuple[date, date] | None:
    """``[start, end)`` in days for a date literal; ``None`` if it is not one."""
    today = now.astimezone(UTC).date()
    name, _, arg = literal.upper().partition(":")
    week = today - timedelta(days=(today.weekday() + 1) % 7)
    fixed: dict[str, tuple[date, date]] = {
        "TODAY": (today, today + _DAY),
        "YESTERDAY": (today - _DAY, today),
        "TOMORROW": (today + _DAY, today + 2 * _DAY),
        "THIS_WEEK": (week, week + 7 * _DAY),
        "LAST_WEEK": (week - 7 * _DAY, week),
        "NEXT_WEEK": (week + 7 * _DAY, week + 14 * _DAY),
        "THIS_MONTH": (
            _month_start(today.year, today.month),
            _month_start(today.year, today.month + 1),
        ),
        "LAST_MONTH": (
            _month_start(today.year, today.month - 1),
            _month_start(today.year, today.month),
        ),
        "NEXT_MONTH": (
            _month_start(today.year, today.month + 1),
            _month_start(today.year, today.month + 2),
        ),
        "LAST_90_DAYS": (today - 90 * _DAY, today + _DAY),
        "NEXT_90_DAYS": (today + _DAY, today + 91 * _DAY),
        "THIS_QUARTER": (_quarter_start(today, 0), _quarter_start(today, 1)),
        "LAST_QUARTER": (_quarter_start(today, -1), _quarter_start(today, 0)),
        "NEXT_QUARTER": (_quarter_start(today, 1), _quarter_start(today, 2)),
        "THIS_YEAR": (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        "LAST_YEAR": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
        "NEXT_YEAR": (date(today.year + 1, 1, 1), date(today.year + 2, 1, 1)),
    }
    if not arg:
        return fixed.get(name)
    if not arg.isdigit():
        return None
    n = int(arg)
    ranged: dict[str, tuple[date, date]] = {
        "LAST_N_DAYS": (today - n * _DAY, today + _DAY),
        "NEXT_N_DAYS": (today + _DAY, today + (n + 1) * _DAY),
        "N_DAYS_AGO": (today - n * _DAY, today - (n - 1) * _DAY),
        "LAST_N_WEEKS": (week - 7 * n * _DAY, week),
        "NEXT_N_WEEKS": (week + 7 * _DAY, week + 7 * (n + 1) * _DAY),
        "LAST_N_MONTHS": (
            _month_start(today.year, today.month - n),
            _month_start(today.year, today.month),
        ),
        "NEXT_N_MONTHS": (
            _month_start(today.year, today.month + 1),
            _month_start(today.year, today.month + 1 + n),
        ),
    }
    return ranged.get(name)


def as_datetime(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
