"""The one interface in front of every source of articles: NNTP server or archive.

The store and the UI never care where articles come from; they call these methods.
A source is used by one thread only (see nntp/session.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from nntp.models import Article, GroupInfo, OverviewBatch

ProgressCallback = Callable[[int, int], None]
"""Called with (records done, records expected) while a long fetch runs."""


class NewsSource(Protocol):
    """What pith needs from a server or archive."""

    @property
    def identity(self) -> str:
        """Stable name of this source (``host:port`` or archive path); keys the local store."""
        ...

    def list_groups(self) -> list[GroupInfo]:
        """Every group the source carries (LIST ACTIVE + LIST NEWSGROUPS)."""
        ...

    def select_group(self, name: str) -> GroupInfo:
        """Fresh low/high/count for one group (GROUP). Raises NoSuchGroup."""
        ...

    def iter_overviews(self, name: str, first: int, last: int) -> Iterator[OverviewBatch]:
        """Overview records of ``first..last`` in ascending batches (OVER in ranges)."""
        ...

    def article(self, name: str, key: int | str) -> Article:
        """One article by number (in ``name``) or by ``<message-id>``. Raises NoSuchArticle."""
        ...

    def close(self) -> None:
        """Release the connection or file handles."""
        ...
