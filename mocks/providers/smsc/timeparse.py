"""SMSC's `time`, `tz` and `valid` parameters (002, send.php).

`time` comes in four forms: DDMMYYhhmm or DD.MM.YY hh:mm; h1-h2 (a window of hours); 0ts (a
Unix timestamp after a zero); +m (minutes from now). `tz` shifts the first two from Moscow time.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_DOTTED = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{2}|[0-9]{4}) ([0-9]{1,2}):([0-9]{2})$")
_WINDOW = re.compile(r"^([0-9]{1,2})-([0-9]{1,2})$")
_VALID_HM = re.compile(r"^([0-9]{1,2}):([0-9]{2})$")


class BadTime(ValueError):
    pass


def _zone(tz_hours: int) -> timezone:
    return timezone(timedelta(hours=3 + tz_hours))


def _absolute(day: int, month: int, year: int, hour: int, minute: int, tz_hours: int) -> float:
    if year < 100:
        year += 2000
    try:
        return datetime(year, month, day, hour, minute, tzinfo=_zone(tz_hours)).timestamp()
    except ValueError:
        raise BadTime("no such date") from None


LATEST = 253402300799  # 9999-12-31 23:59:59 UTC


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def is_local_time(value: str) -> bool:
    """DDMMYYhhmm or DD.MM.YY hh:mm: the forms a `list` line's own tz applies to (002)."""
    value = value.strip()
    return (_digits(value) and len(value) == 10) or _DOTTED.match(value) is not None


def send_time(value: str, now: float, tz_hours: int) -> float | None:
    """When to send, as a timestamp; None means now. Raises BadTime (SMSC error 5)."""
    if not -12 <= tz_hours <= 12:
        raise BadTime("tz is -12..12 hours from Moscow")
    try:
        at = _send_time(value.strip(), now, tz_hours)
    except (ValueError, OverflowError):
        raise BadTime(value) from None
    if at is not None and not 0 <= at <= LATEST:
        raise BadTime(value)
    return at


def _send_time(value: str, now: float, tz_hours: int) -> float | None:
    if value in ("", "0"):
        return None
    if value.startswith("+"):
        if not _digits(value[1:]) or len(value) > 12:
            raise BadTime(value)
        return now + int(value[1:]) * 60
    if _digits(value) and len(value) == 10:
        d = value
        return _absolute(int(d[0:2]), int(d[2:4]), int(d[4:6]), int(d[6:8]), int(d[8:10]),
                         tz_hours)
    if _digits(value) and value.startswith("0") and len(value) <= 13:
        return float(int(value[1:]))
    match = _DOTTED.match(value)
    if match:
        day, month, year, hour, minute = (int(g) for g in match.groups())
        return _absolute(day, month, year, hour, minute, tz_hours)
    match = _WINDOW.match(value)
    if match:
        return _window(int(match[1]), int(match[2]), now, tz_hours)
    raise BadTime(value)


def _window(h1: int, h2: int, now: float, tz_hours: int) -> float | None:
    if not (0 <= h1 <= 24 and 0 <= h2 <= 24):
        raise BadTime("hours are 0..24")
    local = datetime.fromtimestamp(now, UTC).astimezone(_zone(tz_hours))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight + timedelta(hours=h1)
    end = midnight + timedelta(hours=h2)
    if local < start:
        return start.timestamp()
    if local < end:
        return None
    return (start + timedelta(days=1)).timestamp()


def validity(value: str) -> float | None:
    """Seconds of validity: 1..24 hours, or hh:mm from 00:01 to 24:00; out of range is clamped.
    None when absent; ValueError when unreadable."""
    value = value.strip()
    if not value:
        return None
    if _digits(value):
        return float(min(max(int(value[:4]), 1), 24) * 3600)
    match = _VALID_HM.match(value)
    if not match or int(match[2]) > 59:
        raise ValueError(value)
    seconds = int(match[1]) * 3600 + int(match[2]) * 60
    return float(min(max(seconds, 60), 24 * 3600))
