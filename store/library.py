"""The Library: the one object the TUI and the CLI talk to.

It puts a source (server or archive) behind the local store: group lists and
overviews are fetched into the store and always read back from it, so entering a
group again asks the server only for what lies above the cached high-water mark,
and everything cached still reads when the source is unreachable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nntp.article import parse_article
from nntp.errors import NoSuchArticle, NoSuchGroup, PithError, SourceUnavailable
from nntp.models import Article, GroupInfo, Overview
from nntp.source import NewsSource, ProgressCallback
from store.cache import Store

SourceFactory = Callable[[], NewsSource]


@dataclass(frozen=True, slots=True)
class GroupLoad:
    """What entering a group produced."""

    group: GroupInfo
    overviews: list[Overview]
    fetched: int
    """Overview records fetched from the source this time."""
    skipped: int
    """Malformed overview lines the source sent (counted, not fatal)."""
    offline: bool = False


class Library:
    """Source + store. Not thread-safe: use it from one thread (see nntp/session.py)."""

    def __init__(self, store: Store, source_factory: SourceFactory | None, offline: bool = False) -> None:
        self.store = store
        self._factory = source_factory
        self._source: NewsSource | None = None
        self.offline = offline or source_factory is None
        self.offline_reason = "" if not self.offline else "offline"

    @property
    def source(self) -> NewsSource:
        """The live source, connected on first use."""
        if self.offline or self._factory is None:
            raise SourceUnavailable(self.offline_reason or "offline")
        if self._source is None:
            self._source = self._factory()
        return self._source

    def close(self) -> None:
        if self._source is not None:
            self._source.close()
            self._source = None
        self.store.close()

    # -- groups ----------------------------------------------------------
    def groups(self, refresh: bool = True) -> list[GroupInfo]:
        """The group list; refreshed from the source unless offline or told not to."""
        if refresh and not self.offline:
            self.store.save_groups(self.source.list_groups())
        return self.store.groups()

    def enter_group(self, name: str, progress: ProgressCallback | None = None) -> GroupLoad:
        """Fetch overviews above the cached high-water mark, then return all cached ones."""
        if self.offline:
            return self._cached_group(name)
        source = self.source
        info = source.select_group(name)
        self.store.update_group(info)
        first = max(self.store.fetched_high(name) + 1, info.low)
        fetched = skipped = 0
        expected = max(0, info.high - first + 1)
        if info.count and first <= info.high:
            for batch in source.iter_overviews(name, first, info.high):
                self.store.save_overviews(name, batch.overviews, batch.last)
                fetched += len(batch.overviews)
                skipped += batch.skipped
                if progress:
                    progress(batch.last - first + 1, expected)
        return GroupLoad(info, self.store.overviews(name), fetched, skipped)

    def _cached_group(self, name: str) -> GroupLoad:
        info = self.store.group(name)
        if info is None:
            raise NoSuchGroup(f"{name}: not in the local store ({self.offline_reason})")
        return GroupLoad(info, self.store.overviews(name), 0, 0, offline=True)

    # -- articles --------------------------------------------------------
    def article(self, name: str, key: int | str) -> Article:
        """An article by number or <message-id>: from the body cache, else the source."""
        message_id = key if isinstance(key, str) else self.store.message_id_for(name, key)
        number = key if isinstance(key, int) else self.store.number_for(name, key)
        if message_id:
            raw = self.store.body(message_id)
            if raw is not None:
                return parse_article(raw, number)
        if self.offline:
            raise NoSuchArticle(f"{name}: article {key} has no cached body ({self.offline_reason})")
        article = self.source.article(name, key)
        if article.raw and article.message_id:
            self.store.save_body(article.message_id, article.raw)
        return article


def describe_error(exc: BaseException) -> str:
    """One line for the user; PithErrors already carry their context."""
    if isinstance(exc, PithError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
