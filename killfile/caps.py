"""Reader-side post limits: at most N articles per author per day / week / month, or per thread.

Windows are calendar windows (a day runs midnight to midnight) in UTC unless the
cap names a timezone; weeks are ISO weeks (Monday first). Articles without a
Date cannot be placed in a window and are never capped by a time window.
Which articles stay is decided by a total order (date, number, Message-ID, and
the score for ``keep = "best"``), so the result never depends on input order.
"""

from __future__ import annotations

import zoneinfo
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from killfile.facts import Facts
from killfile.model import Cap

_UNIX_DAY0 = date(1970, 1, 1).toordinal()


def over_cap(cap: Cap, facts: Facts, scores: Sequence[int]) -> list[int]:
    """Indices of the articles beyond ``cap.max`` in their (author, window) bucket."""
    addresses = facts.addresses
    totals = Counter(addresses)
    busy = {a for a, n in totals.items() if n > cap.max and a not in cap.exempt}
    if not busy:
        return []
    window = _window_function(cap, facts)
    buckets: dict[tuple[str, object], list[int]] = {}
    for i, address in enumerate(addresses):
        if address in busy:
            key = window(i)
            if key is not None:
                buckets.setdefault((address, key), []).append(i)
    arts = facts.articles
    stamps = facts.timestamps

    def order(i: int) -> tuple:
        base = (stamps[i] if stamps[i] is not None else float("-inf"), arts[i].number, arts[i].message_id,
                arts[i].subject)
        return (-scores[i], *base) if cap.keep == "best" else base

    over: list[int] = []
    for members in buckets.values():
        if len(members) > cap.max:
            members.sort(key=order)
            over.extend(members[cap.max:])
    return over


def _window_function(cap: Cap, facts: Facts):  # type: ignore[no-untyped-def]
    """index -> window key (None: the article has no place in a window)."""
    if cap.per == "thread":
        keys = facts.thread_keys
        return lambda i: keys[i]
    stamps = facts.timestamps
    offset = _offset_function(cap.timezone)

    def day_of(i: int) -> int | None:
        stamp = stamps[i]
        if stamp is None:
            return None
        return int((stamp + offset(stamp)) // 86400)

    if cap.per == "day":
        return day_of
    if cap.per == "week":
        return lambda i: None if (d := day_of(i)) is None else (d + 3) // 7  # 1970-01-01 was a Thursday
    return lambda i: None if (d := day_of(i)) is None else _month(d)


def _month(day: int) -> tuple[int, int]:
    when = date.fromordinal(day + _UNIX_DAY0)
    return (when.year, when.month)


def _offset_function(name: str):  # type: ignore[no-untyped-def]
    """timestamp -> seconds east of UTC in that zone, cached per hour (offsets change on the hour)."""
    if name.upper() == "UTC":
        return lambda _stamp: 0
    zone = zoneinfo.ZoneInfo(name)
    cache: dict[int, float] = {}

    def offset(stamp: float) -> float:
        hour = int(stamp // 900)  # quarter hours: some zones shift by 30 or 45 minutes
        found = cache.get(hour)
        if found is None:
            moment = datetime.fromtimestamp(hour * 900, timezone.utc)
            found = cache[hour] = (moment.astimezone(zone).utcoffset() or timedelta()).total_seconds()
        return found

    return offset
