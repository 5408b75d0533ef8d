"""The one interface in front of every source of articles: NNTP server or archive.

The store and the UI never care where articles come from; they call these methods.
A source is used by one thread only (see nntp/session.py).

Beyond the core (groups, overviews, articles) a source says what else it can do
in ``capabilities``, so callers ask the flag instead of probing for methods or
testing classes. The optional methods are declared here too, with a default that
raises NotCapable: every source subclasses NewsSource and overrides what its
capabilities promise.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Flag, auto
from typing import TYPE_CHECKING, Protocol

from nntp.errors import PithError
from nntp.models import Article, GroupInfo, OverviewBatch, RawOverviews

if TYPE_CHECKING:
    from nntp.archive import ArchiveUnit, FileMark
    from nntp.compress import WireStats
    from nntp.pipeline import Fetched, Key

ProgressCallback = Callable[[int, int], None]
"""Called with (records done, records expected) while a long fetch runs."""


class Capability(Flag):
    """What a source can do beyond listing groups and reading overviews and articles."""

    NONE = 0
    POST = auto()
    """``post`` and ``has_article``: articles can be sent (whether the server takes them: ``posting_allowed``)."""
    RAW_OVERVIEWS = auto()
    """``iter_raw_overviews``: OVER answers as the bytes came, to store before parsing."""
    PIPELINED_ARTICLES = auto()
    """``iter_articles``: many ARTICLEs in flight at once."""
    LIST_ACTIVE = auto()
    """``list_active``: one group's flags asked of the server without the whole list."""
    IMPORT_ARCHIVE = auto()
    """``scan``: an archive, copied into the store before use; its groups are read-only and it has no list to
    refresh or groups to ask about beyond what it holds."""
    STATS = auto()
    """``stats``: bytes on the wire and the compression ratio."""


class NotCapable(PithError):
    """A source was asked for something its ``capabilities`` do not include (the caller should have asked)."""


class NewsSource(Protocol):
    """What pith needs from a server or archive."""

    capabilities: Capability = Capability.NONE
    """What this source can do beyond the core methods (see Capability)."""

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

    # -- what the server said, known without a round trip -------------------
    @property
    def posting_allowed(self) -> bool:
        """The source's own word on posting (a server's greeting or capabilities); True when it said nothing."""
        return True

    @property
    def greeting(self) -> str:
        """The server's greeting (or MODE READER answer), for a refusal to quote; "" when there is none."""
        return ""

    # -- optional: each one promised by a Capability ----------------------
    def iter_raw_overviews(self, name: str, first: int, last: int) -> Iterator[RawOverviews]:
        """Capability.RAW_OVERVIEWS: OVER answers of ``first..last`` unparsed, in ascending slices."""
        raise self._lacks(Capability.RAW_OVERVIEWS)

    def iter_articles(self, name: str, keys: Sequence[Key]) -> Iterator[Fetched]:
        """Capability.PIPELINED_ARTICLES: the articles of ``keys``, in order, pipelined."""
        raise self._lacks(Capability.PIPELINED_ARTICLES)

    def list_active(self, name: str) -> list[GroupInfo] | None:
        """Capability.LIST_ACTIVE: the group's line of LIST ACTIVE ([] if not carried, None if the server can't say)."""
        raise self._lacks(Capability.LIST_ACTIVE)

    def post(self, raw: bytes) -> str:
        """Capability.POST: send one article; returns the server's reply."""
        raise self._lacks(Capability.POST)

    def has_article(self, message_id: str) -> bool:
        """Capability.POST: whether the server has the article (did an earlier POST arrive after all?)."""
        raise self._lacks(Capability.POST)

    def scan(self, known: Mapping[str, FileMark]) -> Iterator[ArchiveUnit]:
        """Capability.IMPORT_ARCHIVE: what is new in the archive since ``known``, file by file."""
        raise self._lacks(Capability.IMPORT_ARCHIVE)

    @property
    def stats(self) -> WireStats:
        """Capability.STATS: bytes on the wire so far."""
        raise self._lacks(Capability.STATS)

    def _lacks(self, capability: Capability) -> NotCapable:
        return NotCapable(f"{self.identity}: this source cannot do {capability.name} (not in its capabilities)")
