"""Pure parsers for what NNTP servers send: OVER lines, OVERVIEW.FMT, dates, RFC 2047.

Everything here is a function from str/bytes to values or frozen records. Nothing
raises on malformed server data: a bad overview line yields ``None`` (the caller
counts it), a bad date yields ``None``, a bad encoded-word stays as it was.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from collections.abc import Callable
from functools import lru_cache

from nntp.charsets import decode_declared, utf8_or_latin1  # noqa: F401 (re-exported for callers)
from nntp.models import Overview
from nntp.sanitize import is_safe_line, sanitize_line

STANDARD_FORMAT: tuple[str, ...] = (
    "Subject:", "From:", "Date:", "Message-ID:", "References:", ":bytes", ":lines",
)
"""RFC 3977 section 8.4: the seven fields every OVER line starts with."""

_MSGID = re.compile(r"<[^<>\s]+>")
_WHOLE_MSGID = re.compile(r"<[^<>\s\x00-\x1f\x7f-\x9f]+>")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_FAST_DATE = re.compile(
    r"\s*(?:[A-Za-z]{3},?\s*)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})\s+"
    r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([+-]\d{4}|[A-Za-z]{1,5}))?\s*(?:\(.*\))?\s*$"
)
_ZONES = {
    "gmt": 0, "ut": 0, "utc": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
    "mst": -420, "mdt": -360, "pst": -480, "pdt": -420, "bst": 60, "cet": 60, "cest": 120,
    "met": 60, "mest": 120, "eet": 120, "jst": 540,
}
_DAYS_BEFORE_MONTH = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UTC = timezone.utc


def is_message_id(value: str) -> bool:
    """Whether ``value`` is one ``<...>`` with no space or control inside (worth asking a server for)."""
    return _WHOLE_MSGID.fullmatch(value) is not None


def parse_overview_format(lines: list[str]) -> tuple[str, ...]:
    """LIST OVERVIEW.FMT response lines -> field names (``Xref:full`` -> ``Xref:``)."""
    names: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if line.lower().endswith(":full"):
            line = line[: -len("full")]
        # RFC 3977 allows "Bytes:"/"Lines:" for the metadata items on old servers.
        if line.lower() == "bytes:":
            line = ":bytes"
        elif line.lower() == "lines:":
            line = ":lines"
        names.append(line)
    return tuple(names) if len(names) >= 7 else STANDARD_FORMAT


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words; leave the text alone if they are broken."""
    if "=?" not in value:
        return value
    return _decode_words_cached(value)


@lru_cache(maxsize=4096)
def _decode_words_cached(value: str) -> str:
    from email.header import decode_header  # late: the email package, ~5 ms of every command's start

    try:
        parts = decode_header(value)
    except Exception:  # malformed encoded-word: show it as sent
        return value
    out: list[str] = []
    for chunk, charset in parts:
        if isinstance(chunk, str):
            out.append(chunk)
            continue
        out.append(decode_declared(chunk, charset))  # never raises, whatever the label
    return "".join(out)


def parse_date(value: str) -> datetime | None:
    """RFC 5322/1036 date -> aware UTC datetime (UTC when no zone); ``None`` if hopeless.

    The common shapes go through one regex and integer arithmetic (this runs once
    per overview line: 150,000 times entering a big group); the rest through the
    stdlib's lenient parser.
    """
    m = _FAST_DATE.match(value)
    if m is None:
        return _parse_date_slow(value)
    day, mon, year, hh, mm, ss, zone = m.groups()
    month = _MONTHS.get(mon.lower())
    if month is None:
        return _parse_date_slow(value)
    offset = 0
    if zone:
        if zone[0] in "+-":
            offset = int(zone[1:3]) * 60 + int(zone[3:5])
            if zone[0] == "-":
                offset = -offset
        else:
            found = _ZONES.get(zone.lower())
            if found is None:
                return _parse_date_slow(value)
            offset = found
    y, d, h, mi, sec = _full_year(int(year)), int(day), int(hh), int(mm), int(ss or 0)
    if not (1 <= d <= _DAYS_IN_MONTH[month] and h < 24 and mi < 60 and sec < 61 and 1 <= y <= 9999):
        return None
    if month == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        return None
    return _from_epoch(_epoch(y, month, d) + h * 3600 + mi * 60 + min(sec, 59) - offset * 60)


def _from_epoch(seconds: int) -> datetime | None:
    """UTC datetime, or None when a zone pushes the day out of years 1..9999 (31 Dec 9999 -0900)."""
    try:
        return datetime.fromtimestamp(seconds, _UTC)
    except (ValueError, OverflowError, OSError):
        return None


def _epoch(year: int, month: int, day: int) -> int:
    """Seconds from 1970-01-01 to midnight UTC of a proleptic Gregorian date."""
    y = year - 1
    days = y * 365 + y // 4 - y // 100 + y // 400 - 719162  # 719162 = days from 0001-01-01 to 1970
    days += _DAYS_BEFORE_MONTH[month] + day - 1
    if month > 2 and (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        days += 1
    return days * 86400


def _full_year(year: int) -> int:
    if year < 50:
        return 2000 + year
    if year < 100:
        return 1900 + year
    return year


def _parse_date_slow(value: str) -> datetime | None:
    from email.utils import parsedate_tz  # late: see _decode_words_cached

    try:
        parsed = parsedate_tz(value)
    except Exception:
        return None
    if not parsed:
        return None
    try:
        naive = datetime(_full_year(parsed[0]), *parsed[1:6])
    except (ValueError, TypeError, OverflowError):
        return None
    offset = parsed[9] or 0
    try:
        return (naive - timedelta(seconds=offset)).replace(tzinfo=_UTC)
    except OverflowError:
        return None


def parse_references(value: str) -> tuple[str, ...]:
    """All ``<message-id>`` tokens of a References (or In-Reply-To) value, in order."""
    if not value:
        return ()
    return tuple(_MSGID.findall(value))


INT64 = range(-(1 << 63), 1 << 63)
"""What SQLite can store: a larger count or article number would make storing the batch raise."""


def _int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        try:
            number = int(value.strip() or 0)
        except ValueError:
            return 0
    return number if number in INT64 else 0


def _clean(value: str) -> str:
    """Overview fields: decode, sanitize, trim (vger writes ``From:   Name``)."""
    if "=?" not in value and is_safe_line(value):
        return value.strip()
    return sanitize_line(decode_words(value)).strip()


_day_cache: dict[str, int] = {}


def _fast_date(value: str) -> datetime | None:
    """``Tue, 02 Jan 2024 02:10:23 +0000`` by slicing, with the day's epoch cached."""
    if len(value) == 31 and value[3] == "," and value[16] == " " and value[25] == " ":
        day_key = value[5:16]
        day = _day_cache.get(day_key)
        if day is None:
            month = _MONTHS.get(value[8:11].lower())
            if month is None or not value[5:7].isdigit() or not value[12:16].isdigit():
                return parse_date(value)
            d, y = int(value[5:7]), int(value[12:16])
            if not 1 <= d <= _DAYS_IN_MONTH[month] or (month == 2 and d == 29 and y % 4):
                return parse_date(value)
            day = _day_cache[day_key] = _epoch(y, month, d)
        zone = value[26:31]
        clock = value[17:25]
        try:
            h, m, sec = int(clock[0:2]), int(clock[3:5]), int(clock[6:8])
            offset = int(zone[1:3]) * 3600 + int(zone[3:5]) * 60
        except ValueError:
            return parse_date(value)
        if zone[0] == "-":
            offset = -offset
        elif zone[0] != "+":
            return parse_date(value)
        if h > 23 or m > 59 or sec > 60 or clock[2] != ":" or clock[5] != ":":
            return parse_date(value)
        return _from_epoch(day + h * 3600 + m * 60 + min(sec, 59) - offset)
    return parse_date(value)


OverParser = Callable[[str], "Overview | None"]


@lru_cache(maxsize=16)
def over_parser(fmt: tuple[str, ...] = STANDARD_FORMAT) -> OverParser:
    """A parser specialised for one OVERVIEW.FMT (field positions worked out once).

    This is the hottest loop of entering a group, so the common case (printable,
    unencoded text; the usual date shape) takes the short paths.
    """
    if len(fmt) < len(STANDARD_FORMAT):  # as parse_overview_format reads a list this short
        fmt = STANDARD_FORMAT
    extra_names = [name.rstrip(":") for name in fmt[7:]]
    xref_at = next((i for i, n in enumerate(extra_names) if n.lower() == "xref"), -1)
    want = len(fmt) + 1

    def parse(line: str) -> Overview | None:
        fields = line.split("\t")
        if len(fields) < 7:
            return None
        if len(fields) < want:
            fields += [""] * (want - len(fields))
        try:
            number = int(fields[0])
        except ValueError:
            return None
        if number not in INT64:
            return None
        message_id = fields[4].strip()
        if not message_id:
            return None
        refs = fields[5]
        if extra_names:
            extra = _extras(extra_names, fields[8:want])
            xref = extra.pop(xref_at)[1] if xref_at >= 0 else ""
        else:
            extra, xref = [], ""
        return Overview(
            number, _clean(fields[1]), _clean(fields[2]), _fast_date(fields[3]), message_id,
            tuple(_MSGID.findall(refs)) if refs else (), _int(fields[6]), _int(fields[7]), xref, tuple(extra),
        )

    return parse


def _extras(names: list[str], values: list[str]) -> list[tuple[str, str]]:
    """Fields after the first seven; ``Xref: host g:1`` full-header values lose their name."""
    out = []
    for key, value in zip(names, values):
        n = len(key)
        if value[n : n + 1] == ":" and value[:n].lower() == key.lower():
            value = value[n + 1 :]
        out.append((key, value.strip()))
    return out


def parse_over_line(line: str, fmt: tuple[str, ...] = STANDARD_FORMAT) -> Overview | None:
    """One OVER line (tab-separated, article number first) -> Overview, or None if malformed."""
    return over_parser(fmt)(line.rstrip("\r\n"))
