"""A source that survives a flaky link: reconnect with backoff, resume where it stopped.

A connection that drops mid-command is out of step and cannot be reused, so a
ConnectionLost closes it, waits (0.2 s, 0.5 s, 1 s, 2 s, 4 s), connects again and
repeats the command. OVER resumes right after the last record handed out (an interrupted
answer hands out its whole lines first), so the store never sees a record
twice and never misses one. The first connection is not
retried: a server that is down should say so at once. Nor is an answer that
was still dripping in at its deadline (ReplyTimeout): the connection is dropped
and the error goes up, as a new one would only drip again. TLS, pin and login
failures (SecurityFailure) are never retried. POST is never repeated here; the
outbox decides, asking ``has_article`` first when an earlier attempt's reply was lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from nntp.compress import WireStats
from nntp.errors import ConnectionLost, ReplyTimeout, SourceUnavailable
from nntp.models import Article, GroupInfo, OverviewBatch, RawOverviews
from nntp.pipeline import Fetched, Key
from nntp.source import Capability, NewsSource

if TYPE_CHECKING:
    from nntp.client import NNTPClient

T = TypeVar("T")
S = TypeVar("S", OverviewBatch, RawOverviews)
BACKOFF = (0.2, 0.5, 1.0, 2.0, 4.0)


class ResilientSource(NewsSource):
    """NewsSource over NNTPClient connections made by ``connect``, reconnecting on loss."""

    capabilities = (Capability.POST | Capability.RAW_OVERVIEWS | Capability.PIPELINED_ARTICLES
                    | Capability.LIST_ACTIVE | Capability.STATS)
    """NNTPClient's (tests/nntp/test_source_capabilities.py holds them equal), spelled out so that this
    module imports no client: a warm reader shows its first screen before it connects (issue 17)."""

    def __init__(self, connect: Callable[[], NNTPClient], identity: str,
                 backoff: tuple[float, ...] = BACKOFF, sleep: Callable[[float], None] = time.sleep) -> None:
        self._connect = connect
        self._identity = identity
        self._backoff = backoff
        self._sleep = sleep
        self._client: NNTPClient | None = connect()
        self.reconnects = 0
        self._stats_before = WireStats()
        self._posting_allowed = True
        self._greeting = ""

    @property
    def identity(self) -> str:
        return self._identity

    @property
    def stats(self) -> WireStats:
        """Wire statistics over every connection this source has made."""
        current = self._client.stats if self._client else WireStats()
        before = self._stats_before
        return WireStats(before.wire_in + current.wire_in, before.wire_out + current.wire_out,
                         before.plain_in + current.plain_in, before.plain_out + current.plain_out,
                         current.compressed or before.compressed)

    @property
    def client(self) -> NNTPClient:
        if self._client is None:
            self._client = self._connect()
        return self._client

    @property
    def posting_allowed(self) -> bool:
        """What the server said about posting (NNTPClient.posting_allowed): the live connection's
        word, or the last one's while there is none (never connects to ask)."""
        if self._client is not None:
            self._posting_allowed = self._client.posting_allowed
        return self._posting_allowed

    @property
    def greeting(self) -> str:
        """The greeting (or MODE READER answer) of the live connection, or of the last one."""
        if self._client is not None:
            self._greeting = self._client.greeting
        return self._greeting

    def _drop(self) -> None:
        if self._client is not None:
            self._stats_before = self.stats
            _ = self.posting_allowed, self.greeting  # kept for while there is no connection
            self._client.close()
            self._client = None

    def _recover(self, attempt: int, error: Exception) -> None:
        """Close the broken connection and wait before the next try, or give up."""
        self._drop()
        if attempt >= len(self._backoff):
            raise SourceUnavailable(f"{error} (gave up after {attempt} reconnects)") from None
        self._sleep(self._backoff[attempt])
        self.reconnects += 1

    def _give_up_unless_lost(self, exc: SourceUnavailable) -> None:
        """Re-raise what a reconnect would not mend: a live connection's clear answer, or a reply
        that missed its deadline (that connection is out of step, so it is dropped first)."""
        if isinstance(exc, ReplyTimeout):
            self._drop()
            raise exc
        if self._client is not None and not isinstance(exc, ConnectionLost):
            raise exc

    def _retry(self, action: Callable[[NNTPClient], T]) -> T:
        attempt = 0
        while True:
            try:
                return action(self.client)
            except (ConnectionLost, SourceUnavailable) as exc:
                self._give_up_unless_lost(exc)
                self._recover(attempt, exc)
                attempt += 1

    def list_groups(self) -> list[GroupInfo]:
        return self._retry(lambda c: c.list_groups())

    def select_group(self, name: str) -> GroupInfo:
        return self._retry(lambda c: c.select_group(name))

    def list_active(self, name: str) -> list[GroupInfo] | None:
        return self._retry(lambda c: c.list_active(name))

    def article(self, name: str, key: int | str) -> Article:
        return self._retry(lambda c: c.article(name, key))

    def post(self, raw: bytes) -> str:
        return self.client.post(raw)

    def has_article(self, message_id: str) -> bool:
        """STAT by Message-ID (reconnecting if need be): did an earlier POST arrive after all?"""
        return self._retry(lambda c: c.has_article(message_id))

    def iter_overviews(self, name: str, first: int, last: int) -> Iterator[OverviewBatch]:
        """Batches in order; after a drop, continue right after the last record handed out."""
        return self._resume(lambda c, start: c.iter_overviews(name, start, last), first, last)

    def iter_raw_overviews(self, name: str, first: int, last: int) -> Iterator[RawOverviews]:
        """Raw slices in order (see NNTPClient.iter_raw_overviews), resumed the same way."""
        return self._resume(lambda c, start: c.iter_raw_overviews(name, start, last), first, last)

    def _resume(self, fetch: Callable[[NNTPClient, int], Iterator[S]], first: int, last: int) -> Iterator[S]:
        """Yield slices (anything with ``.last``) from ``first`` on; a drop resumes after the last one yielded.

        The client yields the whole records of an interrupted answer before it
        reports the drop, so nothing already received is fetched twice.
        """
        start = first
        attempt = 0
        while start <= last:
            try:
                for part in fetch(self.client, start):
                    yield part
                    start = part.last + 1
                    attempt = 0 if part.complete else attempt  # a link that keeps dropping still gives up
                return
            except (ConnectionLost, SourceUnavailable) as exc:
                self._give_up_unless_lost(exc)
                self._recover(attempt, exc)
                attempt += 1

    def iter_articles(self, name: str, keys: Sequence[Key]) -> Iterator[Fetched]:
        """Pipelined ARTICLEs in order (NNTPClient.iter_articles); after a drop, resume at the first
        key not yet yielded, so nothing is fetched twice and nothing is skipped."""
        done = attempt = 0
        while done < len(keys):
            try:
                for fetched in self.client.iter_articles(name, keys[done:]):
                    yield fetched
                    done += 1
                    attempt = 0
                return
            except (ConnectionLost, SourceUnavailable) as exc:
                self._give_up_unless_lost(exc)
                self._recover(attempt, exc)
                attempt += 1

    def close(self) -> None:
        self._drop()
