"""Per-article columns the engine needs, computed once per scoring run and only if asked for.

A million-article group must not pay for author normalisation or parent links
when no rule, cap or detector uses them, so every column is a cached property.
Columns are built by the kernels of ``killfile.kernels`` (compiled where the
helper was built): on 150,000 records a Python-level loop costs tens of
milliseconds a pass, and the engine's whole budget is one second.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, cast
from collections import Counter
from itertools import compress

from nntp.columns import Columns
from nntp.models import Overview
from nntp.parse import parse_references

from killfile.headers import normalize_address
from killfile.kernels import (codes, columns, counts_over, day_ordinals, indices_in, indices_naming, lookup,
                              thread_codes)
from killfile.kernels_pure import where

__all__ = ["Facts", "reply_ids", "where"]

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_OVERVIEW_FIELDS = ("subject", "author", "message_id", "references")
"""Read by every run (tags, tests, threads, authors); dates and numbers only for caps and Date tests."""


def _canonical_key(article: Overview) -> tuple[int, float, str, str]:
    """Which of several articles sharing a Message-ID represents it: never depends on order."""
    stamp = article.date.timestamp() if article.date else 0.0
    return (article.number, stamp, article.subject, article.author)


def reply_ids(extra: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The Message-IDs of an article's first In-Reply-To overview field: they join its thread like References."""
    return parse_references(next((v for k, v in extra if k.lower() == "in-reply-to"), ""))


class Facts:
    """Columns over ``articles`` (a fixed sequence; index i is article i everywhere).

    Given ``nntp.columns.Columns`` it is a ``killfile.columnfacts.ColumnFacts``,
    which reads every column from the arrays instead of from records: the same
    answers without an ``Overview`` per article.
    """

    def __new__(cls, articles: Sequence[Overview]) -> Facts:
        if cls is Facts and isinstance(articles, Columns):
            from killfile.columnfacts import ColumnFacts  # it builds on this class

            return super().__new__(ColumnFacts)
        return super().__new__(cls)

    def __init__(self, articles: Sequence[Overview]) -> None:
        self.articles = articles

    @cached_property
    def _overview(self) -> dict[str, list[Any]]:
        """The overview fields nearly every run needs, read in one pass over the records.

        Reading one field per pass touched each of 150,000 records four times;
        one pass reads them all while the record is in the cache.
        """
        return dict(zip(_OVERVIEW_FIELDS, columns(self.articles, _OVERVIEW_FIELDS)))

    @property
    def subjects(self) -> list[str]:
        return self._overview["subject"]

    @property
    def authors(self) -> list[str]:
        return self._overview["author"]

    @property
    def message_ids(self) -> list[str]:
        return self._overview["message_id"]

    @property
    def references(self) -> list[tuple[str, ...]]:
        return self._overview["references"]

    @cached_property
    def _when(self) -> dict[str, list[Any]]:
        return dict(zip(("date", "number"), columns(self.articles, ("date", "number"))))

    @property
    def dates(self) -> list[datetime | None]:
        return self._when["date"]

    @property
    def numbers(self) -> list[int]:
        return self._when["number"]

    @property
    def date_keys(self) -> Sequence[datetime | None] | Sequence[int]:
        """What caps rank by (``kernels.beyond``): the dates here, whole-second stamps in ``ColumnFacts``."""
        return self.dates

    @property
    def number_keys(self) -> Sequence[int]:
        """What caps break date ties by: the numbers (the array itself in ``ColumnFacts``)."""
        return self.numbers

    @property
    def tie_ids(self) -> Sequence[str]:
        """The Message-IDs a cap's ranking reads on a full tie (decoded one by one in ``ColumnFacts``)."""
        return self.message_ids

    def date(self, i: int) -> datetime | None:
        return self.articles[i].date

    @cached_property
    def _sizes(self) -> dict[str, list[int]]:
        return dict(zip(("lines", "bytes"), columns(self.articles, ("lines", "bytes"))))

    @property
    def lines(self) -> list[int]:
        return self._sizes["lines"]

    @property
    def sizes(self) -> list[int]:
        """Bytes of each article."""
        return self._sizes["bytes"]

    @cached_property
    def xrefs(self) -> list[str]:
        return columns(self.articles, ("xref",))[0]

    @cached_property
    def extras(self) -> dict[int, tuple[tuple[str, str], ...]]:
        """Index -> OVERVIEW.FMT fields beyond the standard ones, for the (rare) articles that have any."""
        found = columns(self.articles, ("extra",))[0]
        return {i: found[i] for i in where(found)}

    def texts(self, header: str) -> Sequence[str] | None:
        """A header's text per article read straight from columns (``ColumnFacts``), or None: ask the records."""
        return None

    def subject(self, i: int) -> str:
        codes, table = self.subject_codes
        return table[codes[i]]

    # -- Message-IDs as keys: strings here, integer codes in ColumnFacts --------------------------
    def keys_of(self, message_ids: set[str]) -> dict[Any, str]:
        """Key -> Message-ID for those of ``message_ids`` the articles may have or name."""
        return {m: m for m in message_ids}

    @property
    def own_keys(self) -> Sequence[Any]:
        """Each article's own Message-ID as a key."""
        return self.message_ids

    def reference_keys(self, i: int) -> Sequence[Any]:
        return self.references[i]

    def having(self, keys: set[Any]) -> list[int]:
        """Articles whose own Message-ID is one of ``keys``, ascending."""
        return indices_in(self.message_ids, keys)

    def naming(self, keys: set[Any]) -> list[int]:
        """Articles whose References name one of ``keys``, ascending."""
        return indices_naming(self.references, keys)

    def without_references(self, indices: Sequence[int]) -> list[int]:
        """Those of ``indices`` whose article has no References (in that order)."""
        return list(compress(indices, map(operator.not_, map(self.references.__getitem__, indices))))

    @cached_property
    def subject_codes(self) -> tuple[list[int], list[str]]:
        """(code of each article's Subject, the distinct Subjects), for tags and Subject tests.

        A pass that looks strings up costs 15 ms on 150,000 articles; with codes the
        Subjects are looked up once, and every later pass works on small integers.
        """
        return codes(self.subjects)

    @cached_property
    def author_codes(self) -> tuple[list[int], list[str]]:
        """(code of each article's From, the distinct Froms), as ``subject_codes``."""
        return codes(self.authors)

    @cached_property
    def _distinct_addresses(self) -> list[str]:
        """The normalised address of each distinct From (``author_codes``)."""
        return [normalize_address(a) for a in self.author_codes[1]]

    @cached_property
    def addresses(self) -> list[str]:
        """Normalised From address of each article (normalised once per distinct From)."""
        return lookup(self.author_codes[0], self._distinct_addresses)

    @cached_property
    def by_id(self) -> dict[str, int]:
        """Message-ID -> index; a duplicated ID maps to the same article whatever the input order."""
        ids = self.message_ids
        table = dict(zip(ids, range(len(ids))))
        if len(table) == len(ids):
            return table
        # Duplicates: pick by content, not by position. Only the copies the dict did not keep are compared
        # (records made one by one for Columns), in order, as a pass over every article would.
        for i in where(map(operator.ne, map(table.__getitem__, ids), range(len(ids)))):
            seen = table[ids[i]]
            if _canonical_key(self.articles[i]) < _canonical_key(self.articles[seen]):
                table[ids[i]] = i
        return table

    @cached_property
    def parents(self) -> list[int]:
        """Index of the nearest ancestor present (from the References, last first), or -1."""
        by_id = self.by_id
        refs = self.references
        out = [by_id.get(r[-1], -2) if r else -1 for r in refs]
        suspects = where(map(operator.eq, out, range(len(out)))) if -2 not in out else range(len(out))
        for i in suspects:  # rare: last reference not in the group, or naming the article itself
            if out[i] == -2 or out[i] == i:
                out[i] = self._nearest(self.articles[i])
        return out

    def _nearest(self, article: Overview) -> int:
        for ref in reversed(article.references):
            found = self.by_id.get(ref)
            if found is not None and ref != article.message_id:
                return found
        return -1

    @cached_property
    def address_ids(self) -> list[int]:
        """A small integer per distinct address (first seen, first numbered), so buckets can be counted in C."""
        return lookup(self.author_codes[0], codes(self._distinct_addresses)[0])

    @cached_property
    def author_count(self) -> int:
        return max(self.address_ids, default=-1) + 1

    def pairs_over(self, limit: int) -> dict[int, int]:
        """Articles per (thread, author) pair, keyed thread id * author_count + address id, for the pairs with
        more than ``limit``.

        The detectors and per-thread caps want only the busy pairs, and on a real
        group nearly every article is its own pair: counting is done on C integers
        and only the few busy pairs become Python objects.
        """
        cache: dict[int, dict[int, int]] = self.__dict__.setdefault("_pairs_over", {})
        if limit not in cache:
            lower = max((k for k in cache if k < limit), default=None)  # pingpong asks 3, dominated 5
            cache[limit] = (counts_over(self.thread_ids, self.author_count, self.address_ids, limit) if lower is None
                            else {key: n for key, n in cache[lower].items() if n > limit})
        return cache[limit]

    @cached_property
    def thread_sizes(self) -> Counter[int]:
        return Counter(self.thread_ids)

    def members(self, threads: set[int]) -> list[int]:
        """Indices of the articles in these threads."""
        return indices_in(self.thread_ids, threads) if threads else []

    @cached_property
    def thread_ids(self) -> list[int]:
        """A small integer per thread: the JWZ thread the reader sees, trimmed References joined.

        Articles sharing any Message-ID (their own or one their References name) are
        one thread (``kernels.thread_codes``): detectors, per-thread caps, thread
        kills and plugin fields all use this one identity.
        """
        return thread_codes(self._linking_references(), self.message_ids)

    def _linking_references(self) -> list[tuple[str, ...]]:
        """References, plus the IDs of an In-Reply-To the server's OVERVIEW.FMT carries (rare: one C pass to see)."""
        extras = self.extras
        if not extras:
            return self.references
        out = list(self.references)
        for i, extra in extras.items():
            out[i] = (*out[i], *reply_ids(extra))
        return out

    @cached_property
    def thread_keys(self) -> list[str]:
        """The Message-ID naming each article's thread (``thread_root`` for plugins): see ``_root_ids``."""
        roots = self._root_ids()
        return lookup(self.thread_ids, roots)

    def _root_ids(self) -> list[str]:
        """Per thread id, its root: a first ID (a first reference, or the own ID of an article without
        References) that no member names after another ID; the least such, if several (dummy siblings).

        With complete References that is the first reference, the JWZ root even when
        absent; with trimmed ones it is still the top of the longest chain, and it
        never depends on the order of the articles.
        """
        inner = {r for refs in self.references for r in refs[1:]}
        inner.update(m for m, refs in zip(self.message_ids, self.references) if refs)
        best: dict[int, tuple[bool, str]] = {}
        for t, refs, own in zip(self.thread_ids, self.references, self.message_ids):
            first = refs[0] if refs else own
            rank = (first in inner, first)
            if t not in best or rank < best[t]:
                best[t] = rank
        return [best[t][1] for t in range(len(best))]

    @cached_property
    def utc_days(self) -> list[int]:
        """Proleptic ordinal of each article's UTC calendar day (dates are aware UTC), -1 without one."""
        return day_ordinals(self.dates)

    @cached_property
    def timestamps(self) -> list[float | None]:
        dates = self.dates
        if None not in dates:
            return list(map(datetime.timestamp, cast(list[datetime], dates)))  # no None: just checked
        return [d.timestamp() if d is not None else None for d in dates]


    def days(self, zone: str) -> list[int]:
        """Calendar day numbers in ``zone`` (-1 without a Date), computed once per zone."""
        if zone.upper() in ("UTC", "Z", "ETC/UTC", "GMT"):
            return self.utc_days
        cache = self.__dict__.setdefault("_days", {})
        if zone not in cache:
            from killfile.caps import day_numbers

            cache[zone] = day_numbers(self.timestamps, zone)
        return cache[zone]
