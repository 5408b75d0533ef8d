"""The Library: the one object the TUI and the CLI talk to.

It puts a source (server or archive) behind the local store: group lists and
overviews are fetched into the store, so entering a group again asks the server
only for what lies above the cached high-water mark, and everything cached still
reads when the source is unreachable. The first entry of a server's group stores
the OVER answers as raw chunks and hands the reader the records parsed from the
bytes in hand; rows, search queue and packs follow when the Library closes (or
when something reads them first: store/rawchunks.py). An archive is
copied into the store on first use (only what was appended, on later opens).

Offline: with ``offline=True``, or when the source cannot be reached and the store
holds something, the Library serves the cache, records why in ``offline_reason``
and tells ``on_offline`` once, so the UI can say so; an article without a cached
body raises NoSuchArticle saying that, not a connection error. With an empty
store, an unreachable server is an error as before: there is nothing to show.
TLS, certificate, pin and login failures (SecurityFailure) never fall back: a
changed certificate may be a man in the middle, so the caller must stop and say so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from nntp.archive import ArchiveSource
from nntp.article import parse_article
from nntp.errors import (NoSuchArticle, NoSuchGroup, PithError, RemoteProtocolError, SecurityFailure,
                         SourceUnavailable)
from nntp.models import Article, GroupInfo, Overview, OverviewBatch, RawOverviews
from nntp.parse import is_message_id
from nntp.prefetch import Prefetch
from nntp.sanitize import error_line
from nntp.source import NewsSource, ProgressCallback
from store.cache import Store
from store.errors import describe_local_failure
from store.local_ops import LocalOperations
from store.newgroups import NewGroups
from store.packs import no_gc
from store.paths import sidecars
from store.rawchunks import BackgroundWriter, as_stored
from store.search import SearchHit

SourceFactory = Callable[[], NewsSource]
EarlyRecords = Callable[[list[Overview]], None]
"""Takes a group's first records while the rest is read (Library.enter_group)."""

EARLY_RECORDS = 1500
"""How many records make a first screen: screens of threads, threaded and scored in ~15 ms."""

NO_POSTING = {"n": "is read-only (active flag n)", "x": "takes no local posts (active flag x)"}
"""LIST ACTIVE flags under which a post to the group is refused (RFC 3977 7.6.3, INN's x)."""


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


class Library(LocalOperations):
    """Source + store. Not thread-safe: use it from one thread (see nntp/session.py)."""

    def __init__(self, store: Store, source_factory: SourceFactory | None, offline: bool = False,
                 read_only: bool = False, fresh_store: bool = False) -> None:
        self.store = store
        self._fresh_store = fresh_store
        """The store file was created just now: if nothing gets stored, close() removes it again."""
        self.answered_from_cache = False
        """The source could not be reached and the cache answered instead (not --offline)."""
        self._factory = source_factory
        self._source: NewsSource | None = None
        self.read_only = read_only
        """``read_only = true`` in the server's config.toml entry: never offer to post there."""
        self.offline = offline or source_factory is None
        self.offline_reason = "" if not self.offline else ("--offline" if offline else "no source")
        self.on_offline: Callable[[str], None] | None = None
        """Called once with the reason when the Library falls back to the cache."""
        self.import_progress: ProgressCallback | None = None
        """Progress of copying an archive into the store (messages filed, 0)."""
        self.warnings: list[str] = []
        """Things skipped on the way (junk files in a Maildir), for the UI to show."""
        self.imported = 0
        """Archive messages filed by this Library (0 for servers)."""
        self._archive_ready = False
        self.before_close: list[Callable[[], None]] = []
        """Run first by close(), while the store is open (a live .newsrc is written there)."""

    @property
    def source(self) -> NewsSource:
        """The live source, connected on first use."""
        if self.offline or self._factory is None:
            raise SourceUnavailable(self.offline_reason or "offline")
        if self._source is None:
            self._source = self._factory()
        return self._source

    @property
    def is_archive(self) -> bool:
        return isinstance(self._live(), ArchiveSource)

    def close(self) -> None:
        """Close the source; make rows from any OVER chunks fetched this time, then close the store.

        Settling (rows, search queue, packs) is the work the first entry of a group
        left out to show its list sooner; it is done here, when the reader leaves, so
        the next entry reads packs. A failure here loses nothing: chunks stay chunks.
        """
        for hook in self.before_close:
            hook()
        if self._source is not None:
            self._source.close()
            self._source = None
        try:
            self.store.overview_store.settle()
        except (sqlite3.Error, PithError):
            pass
        empty = self._fresh_store and _holds_nothing(self.store.db)
        self.store.close()
        if empty:
            for path in sidecars(self.store.path):
                path.unlink(missing_ok=True)

    def settle(self, chunks: int | None = 1) -> int:
        """Make rows from stored OVER chunks in small steps (for an idle reader); returns the chunks left."""
        return self.store.overview_store.settle(chunks=chunks)

    # -- online / offline --------------------------------------------------
    def _live(self, progress: ProgressCallback | None = None) -> NewsSource | None:
        """The source (an archive brought up to date), or None when serving the cache."""
        if self.offline:
            return None
        try:
            source = self.source
            if isinstance(source, ArchiveSource) and not self._archive_ready:
                self._import(source, progress or self.import_progress)
            return source
        except SourceUnavailable as exc:
            self._fall_back(exc)
            return None

    def _import(self, source: ArchiveSource, progress: ProgressCallback | None) -> None:
        from store.importer import import_archive

        report = import_archive(self.store, source, progress)
        self.imported += report.messages
        self.warnings.extend(report.warnings)
        self._archive_ready = True

    def _fall_back(self, exc: SourceUnavailable, group: str | None = None) -> None:
        """Serve the cache if it has something (of ``group``), else let the error through."""
        cached = self.store.group_table.get(group) is not None if group else self.store.group_table.any()
        if not cached:
            raise exc
        self.answered_from_cache = True
        self.go_offline(str(exc))

    def go_offline(self, reason: str) -> None:
        if self.offline:
            return
        self.offline, self.offline_reason = True, reason
        if self._source is not None:
            try:
                self._source.close()
            except (PithError, OSError):
                pass
            self._source = None
        if self.on_offline is not None:
            self.on_offline(reason)

    def require_online(self) -> NewsSource:
        """The source, or SourceUnavailable: for work that makes no sense offline (sync)."""
        if self.offline:
            raise SourceUnavailable(f"offline ({self.offline_reason}): nothing can be fetched")
        source = self.source
        if isinstance(source, ArchiveSource) and not self._archive_ready:
            self._import(source, self.import_progress)
        return source

    def posting_refusal(self, group: str = "") -> str:
        """Why a post (to ``group``, if given) cannot go out from here, known before a word is written;
        "" when nothing says so.

        Only what is already known counts, so this never connects: ``read_only``
        in config.toml, the live server's word (a 201 greeting, or no POST in its
        capabilities), and the group's flag from the last LIST ACTIVE (archive
        groups are read-only). Offline nothing is known, and a post waits in the outbox.
        """
        if self.read_only:
            return "read_only = true in config.toml"
        source = self._source
        if source is not None and not self.offline and not getattr(source, "posting_allowed", True):
            greeting = str(getattr(source, "greeting", "")).strip()
            return "the server takes no posts" + (f": {greeting}" if greeting else "")
        info = self.store.group_table.get(group) if group else None
        if info is not None and info.posting in NO_POSTING:
            if isinstance(source, ArchiveSource):
                return f"{group} is a read-only archive"
            return f"{group} {NO_POSTING[info.posting]}"
        return ""

    # -- groups ----------------------------------------------------------
    def groups(self, refresh: bool = True) -> list[GroupInfo]:
        """The group list; refreshed from the source unless offline or told not to."""
        if refresh:
            source = self._live()
            if source is not None and not isinstance(source, ArchiveSource):
                try:
                    listed = source.list_groups()
                    before = {g.name for g in self.store.group_table.all()}
                    self.store.group_table.save(listed)
                    _set_meta(self.store.db, GROUP_LIST_KEY, str(len(listed)))
                    NewGroups(self.store.db).record(before, (g.name for g in listed))
                except SourceUnavailable as exc:
                    self._fall_back(exc)
        return self.store.group_table.all()

    def known_groups(self) -> set[str] | None:
        """The server's groups as of the last full LIST ACTIVE, or None when none was ever fetched.

        Groups entered by name are in the store too, but they are not the whole list:
        without a full one nobody can say here that a group does not exist.
        """
        if _get_meta(self.store.db, GROUP_LIST_KEY) is None:
            return None
        return {g.name for g in self.store.group_table.all()}

    def look_up_groups(self, names: list[str]) -> list[str]:
        """Ask a live server about groups the store has no word on (LIST ACTIVE name), so that
        posting_refusal knows a read-only group's flag before anything is queued; returns the
        names the server says it does not carry.

        Best effort and quiet: offline, on an archive, or when the server cannot be
        reached or cannot say, nothing is learnt and the post is queued (the server
        decides when it is sent). It never falls back to the cache on its own.
        """
        unknown = [name for name in names if name and self.store.group_table.get(name) is None]
        missing: list[str] = []
        if not unknown or self.offline:
            return missing
        try:
            ask = getattr(self.source, "list_active", None)
            for name in unknown if ask is not None else []:
                found = ask(name)
                self.store.group_table.save(found or [])
                missing += [name] if found == [] else []
        except (SourceUnavailable, RemoteProtocolError):
            pass
        return missing

    def check_group(self, name: str) -> GroupInfo:
        """The group, from the cache or else from the server (GROUP name): NoSuchGroup if neither
        has it, or if the server cannot be asked (offline with no cached word on it)."""
        cached = self.store.group_table.get(name)
        if cached is not None:
            return cached
        source = self._live()
        if source is None:
            raise NoSuchGroup(f"{name}: not in the cached group list, and the server cannot be asked "
                              f"({self.offline_reason})")
        if isinstance(source, ArchiveSource):
            raise NoSuchGroup(f"{name}: no such group in this archive")
        info = source.select_group(name)
        self.store.group_table.update(info)
        return info

    def new_groups(self) -> set[str]:
        """Groups that appeared in the active list since an earlier refresh (until marked seen)."""
        return NewGroups(self.store.db).names()

    def enter_group(self, name: str, progress: ProgressCallback | None = None,
                    early: EarlyRecords | None = None) -> GroupLoad:
        """Fetch overviews above the cached high-water mark, then return all cached ones.

        On re-entry the cached overviews are decoded on a helper thread while the
        server answers, so the wait is the longer of the two, not their sum.
        ``early``, if given, is called once, before the wait, with the group's
        first records (its first cached pack, or the first answer of a cold
        fetch), so a reader can show a first screen of threads meanwhile.
        """
        if early is not None and self.store.overview_store.holds(name):
            early(self.store.overview_store.first(name, EARLY_RECORDS))  # before connecting
            early = None
        source = self._live(progress)
        if source is None:
            return self._cached_group(name)
        if isinstance(source, ArchiveSource):
            info = self.store.group_table.get(name)
            if info is None:
                raise NoSuchGroup(f"{name}: no such group in this archive")
            return GroupLoad(info, self.store.overview_store.all(name), 0, 0)
        cached = self.store.overview_store.meanwhile(name) if self.store.overview_store.holds(name) else None
        fresh: list[Overview] = []
        try:
            info, fetched, skipped = self.fetch_overviews(name, progress, keep=fresh, early=early)
        except SourceUnavailable as exc:
            if cached is not None:
                cached()  # let the helper finish before the store is used again
            self._fall_back(exc, name)
            return self._cached_group(name)
        except BaseException:
            if cached is not None:
                cached()
            raise
        if cached is not None:
            return GroupLoad(info, cached(), fetched, skipped)
        return GroupLoad(info, fresh or self.store.overview_store.all(name), fetched, skipped)

    def fetch_overviews(self, name: str, progress: ProgressCallback | None = None,
                        keep: list[Overview] | None = None,
                        early: EarlyRecords | None = None) -> tuple[GroupInfo, int, int]:
        """Fetch what lies above the high-water mark into the store: (group, fetched, skipped).

        Each batch is committed with its high-water mark, so an interrupted fetch
        resumes right after the last record stored. With ``keep`` (entering a
        group) a server's answers are stored as raw chunks and their records put
        in ``keep``: the rows are made later (store/rawchunks.py). Without it (sync)
        rows are written at once, as the bodies and the search index need them.
        """
        source = self.source
        info = source.select_group(name)
        self.store.group_table.update(info)
        first = max(self.store.group_table.fetched_high(name) + 1, info.low)
        fetched = skipped = 0
        expected = max(0, info.high - first + 1)
        if info.count and first <= info.high:
            raw = getattr(source, "iter_raw_overviews", None) if keep is not None else None
            batches = self._raw_batches(raw(name, first, info.high), name, keep) if raw else \
                self._row_batches(source.iter_overviews(name, first, info.high), name)
            for batch in batches:
                fetched += len(batch.overviews)
                skipped += batch.skipped
                if early is not None and batch.overviews:
                    early(as_stored(list(batch.overviews[:EARLY_RECORDS])))
                    early = None
                if progress:
                    progress(batch.last - first + 1, expected)
        return info, fetched, skipped

    def _raw_batches(self, slices: Iterator[RawOverviews], name: str, keep: list[Overview]) -> Iterator[OverviewBatch]:
        """Store each answer as it came, then parse it (a block at a time) for the reader's list.

        Three threads share the work: one reads the next answers off the socket
        (nntp/prefetch.py), one commits chunks (SQLite and socket reads let go
        of the GIL), and this one parses. no_gc: 150,000 records would otherwise
        trigger dozens of pointless full collections.
        """
        with no_gc(), Prefetch(slices) as ahead, \
                BackgroundWriter(lambda raw: self.store.overview_store.save_raw(name, raw)) as writer:
            for raw in ahead:
                writer.put(raw)
                batch = raw.parse()
                keep.extend(as_stored(list(batch.overviews)))
                yield batch

    def _row_batches(self, batches: Iterator[OverviewBatch], name: str) -> Iterator[OverviewBatch]:
        for batch in batches:
            self.store.overview_store.save(name, batch.overviews, batch.last)
            yield batch

    def _cached_group(self, name: str) -> GroupLoad:
        info = self.store.group_table.get(name)
        if info is None:
            raise NoSuchGroup(f"{name}: not in the local store ({self.offline_reason})")
        return GroupLoad(info, self.store.overview_store.all(name), 0, 0, offline=True)

    # -- articles --------------------------------------------------------
    def article(self, name: str, key: int | str) -> Article:
        """An article by number or <message-id>: from the body cache, else the source."""
        if isinstance(key, str) and not is_message_id(key):
            raise NoSuchArticle(f"{name}: {key!r} is not an article number or a <message-id>")
        message_id = key if isinstance(key, str) else self.store.overview_store.message_id_for(name, key)
        number = key if isinstance(key, int) else self.store.overview_store.number_for(name, key)
        if message_id:
            raw = self.store.body_store.get(message_id)
            if raw is not None:
                return parse_article(raw, number)
        source = self._live()
        if source is not None:
            try:
                article = source.article(name, key)
            except SourceUnavailable as exc:
                self._fall_back(exc)
            else:
                if article.raw and article.message_id:
                    self.store.body_store.save(article.message_id, article.raw, article.body)
                # By <message-id> the server names no number; the store's is the one read marks need.
                return article if article.number is not None else replace(article, number=number)
        raise NoSuchArticle(f"{name}: article {key} has no cached body (offline: {self.offline_reason})")

    # -- search ----------------------------------------------------------
    def index_pending(self, ranges: int | None = 8) -> int:
        """Index fetched headers in small steps (for an idle reader); returns the ranges left."""
        return self.store.search_index.catch_up(ranges)

    def search(self, query: str, group: str | None = None, author: str | None = None,
               since: datetime | None = None, limit: int | None = 50, order: str = "date") -> list[SearchHit]:
        """Cached headers and bodies matching ``query``; the same function behind ``/`` and ``pith search``.

        Purely local: it never connects (an archive is imported by groups() or enter_group()).
        """
        return self.store.search_index.search(query, group=group, author=author, since=since, limit=limit, order=order)


GROUP_LIST_KEY = "group_list"
"""``meta`` key set once a full group list was fetched (its value: how many groups)."""
_USER_TABLES = ("groups", "overview", "overview_raw", "bodies", "readstate", "outbox", "drafts", "visits")


def _get_meta(db: sqlite3.Connection, key: str) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    with db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def _holds_nothing(db: sqlite3.Connection) -> bool:
    """Whether no table that keeps the user's or the server's data has a row (a store made for
    nothing, e.g. by a mistyped host, is then removed rather than left behind empty)."""
    present = {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return not any(db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()  # noqa: S608 - fixed names
                   for table in _USER_TABLES if table in present)


def describe_error(exc: BaseException) -> str:
    """One line for the user, sanitized and clipped (server replies are inside); PithErrors
    already carry their context."""
    if isinstance(exc, SecurityFailure):  # plainly: stopped on purpose, not merely offline
        return error_line(f"stopped for your safety, not showing cached data: {exc}")
    if isinstance(exc, PithError):
        return error_line(exc)
    local = describe_local_failure(exc)  # disk full, read-only store: what to do, not a class name
    return error_line(local if local is not None else f"{type(exc).__name__}: {exc}")
