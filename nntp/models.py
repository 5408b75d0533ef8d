"""Typed records that every source (NNTP server, local archive) produces.

They are frozen so that the store, the killfile engine and the UI can share
them between threads without copying or locking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class GroupInfo:
    """One line of the server's active list (or one archive group)."""

    name: str
    """Group name exactly as the server spells it (never lower-cased)."""
    low: int
    """Lowest article number the server reports."""
    high: int
    """Highest article number the server reports."""
    count: int
    """Article count: the GROUP estimate, or ``high - low + 1`` from LIST ACTIVE."""
    posting: str = "y"
    """Posting flag from LIST ACTIVE: ``y``, ``n`` (read-only), ``m`` (moderated)."""
    description: str = ""
    """Text from LIST NEWSGROUPS, if known."""


class Overview(NamedTuple):
    """One overview (OVER/XOVER) record, with headers already decoded.

    A NamedTuple rather than a frozen dataclass: a big group makes 150,000 of
    these on entry, and a frozen dataclass costs three times as much to build.
    It is just as immutable and typed; use ``_replace`` to derive a changed copy.
    """

    number: int
    """Article number in the group (local to one server)."""
    subject: str
    author: str
    """The From header, RFC 2047-decoded."""
    date: datetime | None
    """Timezone-aware date (UTC); ``None`` when the header was unparseable."""
    message_id: str
    references: tuple[str, ...]
    """Message-IDs from References, oldest first (In-Reply-To when no References)."""
    bytes: int = 0
    lines: int = 0
    xref: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    """Further OVERVIEW.FMT fields (name, value) after the standard seven."""


@dataclass(frozen=True, slots=True)
class Article:
    """A whole article: raw bytes kept for the raw view, decoded text for reading."""

    number: int | None
    message_id: str
    headers: tuple[tuple[str, str], ...]
    """Decoded header fields in article order."""
    body: str
    """Decoded, sanitized body text (text/plain part of a MIME article)."""
    raw: bytes = b""
    attachments: tuple[str, ...] = field(default=())
    """Names/types of non-text MIME parts, for listing."""

    def header(self, name: str, default: str = "") -> str:
        """First header called ``name`` (case-insensitive)."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return default


@dataclass(frozen=True, slots=True)
class OverviewBatch:
    """A slice of a group's overview as it streams in; ``skipped`` counts malformed lines."""

    overviews: tuple[Overview, ...]
    first: int
    last: int
    skipped: int = 0
    complete: bool = True
    """False for the whole records of an answer the connection cut short (``last`` is the last of them)."""


@dataclass(frozen=True, slots=True)
class RawOverviews:
    """A slice of a group's overview exactly as the server sent it, not parsed yet.

    ``data`` is whole CRLF-terminated OVER lines (dot-stuffed, as on the wire)
    covering article numbers ``first..last``: every article the server has in that
    range and nothing else, so consecutive slices join without gap or overlap.
    ``fmt`` is the server's OVERVIEW.FMT, which the lines need to be read.
    """

    first: int
    last: int
    data: bytes
    fmt: tuple[str, ...]
    complete: bool = True
    """False when the connection dropped inside this answer: ``last`` is its last whole record."""

    @property
    def lines(self) -> int:
        return self.data.count(b"\r\n")

    def parse(self) -> OverviewBatch:
        from nntp.overblock import parse_over_block  # late: overblock imports this module

        records, skipped = parse_over_block(self.data, self.fmt)
        return OverviewBatch(tuple(records), self.first, self.last, skipped, self.complete)
