"""The Library's named operations on local state: read marks, subscriptions, visits, the outbox, drafts.

The TUI and the CLI never reach the store's database: each thing they do to the
reader's own state is one method here, so the interface between them and SQLite
has a shape (and a type) instead of 22 ``ReadState(library.store.db)`` sites.
``Library`` inherits these; they only use ``self.store`` and never connect.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nntp.models import GroupInfo, Overview
from store.draftbox import DraftBox
from store.livenewsrc import LiveNewsrc
from store.newgroups import NewGroups
from store.newsrc import NewsrcEntry
from store.outbox import Outbox, OutboxEntry
from store.ranges import RangeSet
from store.readstate import ReadState, next_unread_group, unread_count
from store.visits import Visit, Visits

if TYPE_CHECKING:  # the killfile is loaded only by the commands that score (pith sync does not)
    from killfile.bodycache import BodyHits
    from killfile.model import RuleSet
    from nntp.models import Article
    from store.cache import Store


class LocalOperations:
    """Read marks, subscriptions, visits, outbox, drafts and cached bodies of ``self.store``."""

    store: Store

    @property
    def _marks(self) -> ReadState:
        return ReadState(self.store.db)

    @property
    def _outbox(self) -> Outbox:
        return Outbox(self.store.db)

    # -- read marks ----------------------------------------------------------
    def read(self, group: str) -> RangeSet:
        """The article numbers of ``group`` marked read."""
        return self._marks.read(group)

    def mark_read(self, group: str, numbers: Iterable[int]) -> None:
        """Mark ``numbers`` read (one committed transaction: a crash loses nothing marked)."""
        self._marks.mark_read(group, numbers)

    def mark_unread(self, group: str, numbers: Iterable[int]) -> None:
        """Take the read mark off ``numbers``."""
        self._marks.mark_unread(group, numbers)

    def mark_through(self, group: str, high: int) -> None:
        """Everything of ``group`` up to ``high`` is read (a live .newsrc is written at once)."""
        self._marks.mark_through(group, high)

    def catch_up(self, group: GroupInfo) -> int:
        """Mark the whole group read; -> how many were unread. The one catch-up of reader and CLI.

        The high-water mark is the group's high as the store knows it: the higher of
        the server's last word and the last article fetched, so an article fetched
        after a stale group list was taken is caught up too.
        """
        marks = self._marks
        before = unread_count(group, marks.read(group.name))
        high = max(group.high, self.store.group_table.fetched_high(group.name))
        if high > 0:
            marks.mark_through(group.name, high)
        return before

    def unread_count(self, group: GroupInfo) -> int:
        """Unread articles of ``group`` (store/readstate.py ``unread_count``: one rule everywhere)."""
        return unread_count(group, self._marks.read(group.name))

    def unread_counts(self, groups: Iterable[GroupInfo]) -> dict[str, int]:
        """Unread articles of each group, from one read of every group's marks (servers carry 50,000)."""
        reads = {entry.group: entry.read for entry in self._marks.entries()}
        return {group.name: unread_count(group, reads.get(group.name)) for group in groups}

    def next_unread_group(self, groups: Iterable[GroupInfo], current: str) -> GroupInfo | None:
        """The subscribed group after ``current`` with unread articles (where n goes at a group's end)."""
        return next_unread_group(self._marks, groups, current)

    # -- subscriptions and .newsrc -------------------------------------------
    def subscribe(self, group: str, subscribed: bool = True) -> None:
        """Subscribe to ``group`` (or, with False, unsubscribe); its read marks stay."""
        self._marks.subscribe(group, subscribed)

    def subscribed(self) -> list[str]:
        """The subscribed groups in the reader's order."""
        return self._marks.subscribed()

    def newsrc_entries(self) -> list[NewsrcEntry]:
        """Every group with read marks or a subscription, in order: what a .newsrc holds."""
        return self._marks.entries()

    def import_newsrc(self, entries: list[NewsrcEntry]) -> None:
        """Replace the read state and order with a .newsrc's (one transaction)."""
        self._marks.import_entries(entries)

    def live_newsrc(self, path: Path) -> LiveNewsrc:
        """A live .newsrc shared with slrn and tin over this store (open() reads it, close() writes it)."""
        return LiveNewsrc(path, self.store.db)

    # -- visits and new groups -----------------------------------------------
    def begin_visit(self, group: str, high: int) -> Visit | None:
        """Start a visit to ``group`` at ``high``: -> the previous one (None on a first visit)."""
        return Visits(self.store.db).begin(group, high)

    def last_visit(self, group: str) -> Visit | None:
        """The last visit to ``group``, if any (the digest shows what arrived since)."""
        return Visits(self.store.db).last(group)

    def mark_groups_seen(self, names: Iterable[str]) -> None:
        """The reader has looked at these groups: no longer flagged new."""
        NewGroups(self.store.db).seen(names)

    # -- the outbox ----------------------------------------------------------
    def queue_article(self, raw: bytes, message_id: str, source_digest: str = "") -> int:
        """Put an article in the outbox; -> its entry id (``source_digest``: the file it came from)."""
        return self._outbox.add(raw, message_id, source_digest)

    def outbox_entries(self) -> list[OutboxEntry]:
        """Everything in the outbox, oldest first, whatever its state."""
        return self._outbox.entries()

    def outbox_entry(self, entry_id: int) -> OutboxEntry | None:
        """One outbox entry, or None."""
        return self._outbox.get(entry_id)

    def find_queued(self, source_digest: str, message_id: str = "") -> OutboxEntry | None:
        """The entry queued from the same file (digest) or with the same Message-ID: never queue twice."""
        return self._outbox.find(source_digest, message_id)

    def drop_from_outbox(self, entry_id: int) -> bool:
        """Remove an entry for good; False when there was none."""
        return self._outbox.drop(entry_id)

    def mark_mailed(self, entry_id: int, where: str) -> None:
        """A needs-mail entry went out by mail (``where``: the mbox or the sendmail command)."""
        self._outbox.mark_mailed(entry_id, where)

    # -- what is cached ---------------------------------------------------------
    def cached_group(self, name: str) -> GroupInfo | None:
        """The group as the store knows it (never asks the server: Library.check_group does)."""
        return self.store.group_table.get(name)

    def cached_overviews(self, name: str) -> list[Overview]:
        """Every cached overview of ``name`` (never asks the server: Library.enter_group does).

        A list of records for the callers typed for one; ``overview_store.all`` gives the Columns."""
        return list(self.store.overview_store.all(name))

    # -- idle work ------------------------------------------------------------
    def compact_while_idle(self) -> None:
        """Write the group the reader holds back as one binary pack (store/packs.py compact_held).

        For a reader with nothing else to do after a first entry stored a server's
        answers as they came: the next entry then decodes one blob. When another pith
        holds the store (or it fails), it is left for the next entry, so the caller
        never needs to know the store is SQLite.
        """
        try:
            self.store.overview_store.compact()
        except sqlite3.Error:
            pass

    # -- drafts and bodies ---------------------------------------------------
    def drafts_path(self) -> Path:
        """The store file a DraftBox opens (its own connection: autosaves must not wait on the session)."""
        return self.store.path

    def open_drafts(self) -> DraftBox:
        """The drafts of this store, on a connection of their own (usable from any thread)."""
        return DraftBox(self.store.path)

    def body(self, message_id: str) -> bytes | None:
        """The cached raw article, or None: never asks the server (Library.article does)."""
        return self.store.body_store.get(message_id)

    def articles_for_scoring(self, rules: RuleSet, has_plugins: bool, overviews: Sequence[Overview],
                             group: str) -> tuple[dict[str, Article], BodyHits | None]:
        """Cached whole articles for the rules that need them, and the Body results known so far
        (store/bodyrules.py: a body whose every Body test is known is not read again)."""
        from store import bodyrules

        return bodyrules.articles_for_scoring(self.store, rules, has_plugins, overviews, group)

    def remember_body_hits(self, hits: BodyHits | None, rules: RuleSet) -> None:
        """Keep what a scoring found of Body tests, so the next entry scans new bodies only."""
        from store import bodyrules

        bodyrules.remember(self.store, hits, rules)

    def has_body(self, message_id: str) -> bool:
        """Whether the article's body is cached."""
        return self.store.body_store.has(message_id)
