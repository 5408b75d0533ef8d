"""The Library: the one object the TUI and the CLI talk to.

It puts a source (server or archive) behind the local store: group lists and
overviews are fetched into the store, so entering a group again asks the server
only for what lies above the cached high-water mark, and everything cached still
reads when the source is unreachable. The first entry of a server's group stores
the OVER answers as they came (packs in the OVER encoding: store/packs.py) and
hands the reader the records parsed from the bytes in hand; an idle reader, or the
next entry, compacts them into one binary pack. An archive is copied into the
store on first use (only what was appended, on later opens).

Offline: with ``offline=True``, or when the source cannot be reached and the store
holds something, the Library serves the cache, records why in ``offline_reason``
and tells ``on_offline`` once, so the UI can say so; an article without a cached
body raises NoSuchArticle saying that, not a connection error. With an empty
store, an unreachable server is an error as before: there is nothing to show.
TLS, certificate, pin and login failures (SecurityFailure) never fall back: a
changed certificate may be a man in the middle, so the caller must stop and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from nntp.compress import WireStats
from nntp.errors import NoSuchArticle, NoSuchGroup, PithError, RemoteProtocolError, SourceUnavailable
from nntp.columns import Columns
from nntp.models import Article, GroupInfo
from nntp.parse import is_message_id
from nntp.source import Capability, NewsSource, ProgressCallback
from store.cache import Store
from store.coljoin import join
from store.entering import EARLY_RECORDS, EarlyRecords, Fetch, GroupLoad
from store.errors import describe_error
from store.local_ops import LocalOperations
from store.meta import GROUP_LIST_KEY, get_meta, set_meta
from store.newgroups import NewGroups
from store.paths import sidecars
from store.search import SearchHit

__all__ = ["EARLY_RECORDS", "EarlyRecords", "GroupLoad", "Library", "SourceFactory", "describe_error"]
"""GroupLoad, EarlyRecords and EARLY_RECORDS live in store/entering.py, describe_error in store/errors.py;
they are named here too because the callers of a Library use them with it."""

SourceFactory = Callable[[], NewsSource]

NO_POSTING = {"n": "is read-only (active flag n)", "x": "takes no local posts (active flag x)"}
"""LIST ACTIVE flags under which a post to the group is refused (RFC 3977 7.6.3, INN's x)."""


def _is_archive(source: NewsSource | None) -> bool:
    """An archive (copied into the store first, its groups read-only), not a server."""
    return source is not None and Capability.IMPORT_ARCHIVE in source.capabilities


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
        store.overview_store.notes = self.warnings  # a pack set aside is named where the UI looks

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
        return _is_archive(self._live())

    def wire_stats(self) -> WireStats | None:
        """Bytes on the wire so far (``--verbose``), or None without a connected source that counts them."""
        source = self._source
        return source.stats if source is not None and Capability.STATS in source.capabilities else None

    def close(self) -> None:
        """Close the source, then the store (nothing is left to settle: what was fetched is stored as it
        came, and the next entry compacts it if the reader did not meanwhile)."""
        for hook in self.before_close:
            hook()
        if self._source is not None:
            self._source.close()
            self._source = None
        empty = self._fresh_store and self.store.holds_nothing()
        self.store.close()
        if empty:
            for path in sidecars(self.store.path):
                path.unlink(missing_ok=True)

    # -- online / offline --------------------------------------------------
    def _live(self, progress: ProgressCallback | None = None) -> NewsSource | None:
        """The source (an archive brought up to date), or None when serving the cache."""
        if self.offline:
            return None
        try:
            source = self.source
            if _is_archive(source) and not self._archive_ready:
                self._import(source, progress or self.import_progress)
            return source
        except SourceUnavailable as exc:
            self._fall_back(exc)
            return None

    def _import(self, source: NewsSource, progress: ProgressCallback | None) -> None:
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
        if _is_archive(source) and not self._archive_ready:
            self._import(source, self.import_progress)
        return source

    def posting_refusal(self, group: str = "") -> str | None:
        """Why a post (to ``group``, if given) cannot go out from here, known before a word is written;
        None when nothing says so.

        Only what is already known counts, so this never connects: ``read_only``
        in config.toml, the live server's word (a 201 greeting, or no POST in its
        capabilities), and the group's flag from the last LIST ACTIVE (archive
        groups are read-only). Offline nothing is known, and a post waits in the outbox.
        """
        if self.read_only:
            return "read_only = true in config.toml"
        source = self._source
        if source is not None and not self.offline and not source.posting_allowed:
            greeting = source.greeting.strip()
            return "the server takes no posts" + (f": {greeting}" if greeting else "")
        info = self.store.group_table.get(group) if group else None
        if info is not None and info.posting in NO_POSTING:
            if _is_archive(source):
                return f"{group} is a read-only archive"
            return f"{group} {NO_POSTING[info.posting]}"
        return None

    # -- groups ----------------------------------------------------------
    def groups(self, refresh: bool = True) -> list[GroupInfo]:
        """The group list; refreshed from the source unless offline or told not to."""
        if refresh:
            source = self._live()
            if source is not None and not _is_archive(source):
                try:
                    listed = source.list_groups()
                    before = {g.name for g in self.store.group_table.all()}
                    self.store.group_table.save(listed)
                    set_meta(self.store.db, GROUP_LIST_KEY, str(len(listed)))
                    NewGroups(self.store.db).record(before, (g.name for g in listed))
                except SourceUnavailable as exc:
                    self._fall_back(exc)
        return self.store.group_table.all()

    def known_groups(self) -> set[str] | None:
        """The server's groups as of the last full LIST ACTIVE, or None when none was ever fetched.

        Groups entered by name are in the store too, but they are not the whole list:
        without a full one nobody can say here that a group does not exist.
        """
        if get_meta(self.store.db, GROUP_LIST_KEY) is None:
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
            source = self.source
            for name in unknown if Capability.LIST_ACTIVE in source.capabilities else []:
                found = source.list_active(name)
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
        if _is_archive(source):
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
        if _is_archive(source):
            info = self.store.group_table.get(name)
            if info is None:
                raise NoSuchGroup(f"{name}: no such group in this archive")
            return GroupLoad(info, self.store.overview_store.all(name), 0, 0)
        cached = self.store.overview_store.meanwhile(name) if self.store.overview_store.holds(name) else None
        fresh: list[Columns] = []
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
            return self._held(name, GroupLoad(info, cached(), fetched, skipped))
        if any(fresh):
            return self._held(name, GroupLoad(info, join(fresh, adopt=True), fetched, skipped))
        return self._held(name, GroupLoad(info, self.store.overview_store.all(name), fetched, skipped))

    def _held(self, name: str, load: GroupLoad) -> GroupLoad:
        """What the reader now holds of the group: an idle reader's compaction writes the group from it."""
        if isinstance(load.overviews, Columns):
            self.store.overview_store.hold(name, load.overviews)
        return load

    def fetch_overviews(self, name: str, progress: ProgressCallback | None = None,
                        keep: list[Columns] | None = None,
                        early: EarlyRecords | None = None) -> tuple[GroupInfo, int, int]:
        """Fetch what lies above the high-water mark into the store: (group, fetched, skipped).

        Each batch is committed with its high-water mark, so an interrupted fetch
        resumes right after the last record stored. With ``keep`` (entering a
        group) a server's answers are stored as they came and their records put
        in ``keep``; without it, batches of records are stored as binary packs
        (store/entering.py).
        """
        return Fetch(self.store, self.source, progress, keep).run(name, early)

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
                from nntp.article import parse_article  # late: the email package, ~10 ms of start-up

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
