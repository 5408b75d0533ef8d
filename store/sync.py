"""Bringing the cache up to date (sync) and keeping it in budget (expire).

Sync is resumable by construction, not by bookkeeping: overviews are stored in
batches committed with their high-water mark, and a body counts as fetched once
it is in the bodies table, so after Ctrl-C, a crash or ``kill -9`` the next run
asks only for what is still missing, and a second run in a row asks for nothing
(beyond one GROUP per group to learn that nothing is new).

A server's overviews are stored as its OVER answers came (packs in the OVER
encoding: store/rawchunks.py) and only counted, so a sync of 150,000 overviews
costs about what reading them off the socket does; the search index catches up
from them later, the reader's next entry compacts them, and a pack that cannot be
read is set aside there.

Expire drops cached bodies (and their text in the search index), never overviews,
read marks or anything else: an expired article still lists, threads and scores,
and reads again when the server is reachable.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import nullcontext
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass

from nntp.columns import NO_DATE
from nntp.errors import NoSuchArticle, SecurityFailure, SourceUnavailable
from nntp.models import RawOverviews
from nntp.pipeline import Fetched
from nntp.prefetch import Prefetch
from nntp.sanitize import sanitize_line
from nntp.overblock import count_records, plain_ids
from nntp.source import Capability, ProgressCallback
from store import bodyindex, search
from store.entering import span_above_mark
from store.library import Library
from store.bodywriter import BATCH_LEAST, BatchWriter, Checkpointer, hand_over
from store.rawchunks import BackgroundWriter
from store.vacuum import Reclaimed, disk_size, give_back

DAY = 86400

SyncProgress = Callable[[str, str, int, int], None]
"""Called with (phase: "overviews" | "bodies", group, done, expected)."""
ReadNumbers = Callable[[str], Container[int]]
"""A group's read article numbers (from the read state); bodies of read articles are not fetched."""


@dataclass(frozen=True, slots=True)
class GroupSync:
    """What syncing one group fetched."""

    group: str
    overviews: int
    skipped: int
    bodies: int
    gone: int
    """Bodies the server no longer has (expired there, cancelled)."""
    failed: int = 0
    """Articles that could not be fetched or stored for a reason of their own (the sync went on)."""
    notes: tuple[str, ...] = ()
    """One line per such article, for the user."""

    @property
    def fetched_anything(self) -> bool:
        return bool(self.overviews or self.bodies)

    def summary(self) -> str:
        """One line for the user: what came in (the CLI prints it; the TUI's sync screen lists it)."""
        if not (self.overviews or self.bodies or self.gone or self.failed):
            return f"{self.group}: nothing new"
        parts = [f"{self.overviews:,} new overview(s)", f"{self.bodies:,} bod{'y' if self.bodies == 1 else 'ies'}"]
        if self.gone:
            parts.append(f"{self.gone:,} gone from the server")
        if self.skipped:
            parts.append(f"{self.skipped:,} malformed overview line(s) skipped")
        if self.failed:
            parts.append(f"{self.failed:,} article(s) could not be stored")
        return f"{self.group}: " + ", ".join(parts)


@dataclass(frozen=True, slots=True)
class GroupExpiry:
    group: str
    bodies: int
    bytes: int


def body_targets(library: Library, group: str, days: int | None, read: Container[int] | None,
                 now: float | None = None) -> list[tuple[int, str]]:
    """Articles whose body to fetch: within ``days`` if given, else the unread ones (the group's packs read
    as they are: compacting them waits for the reader, see ``fetch_overviews``)."""
    since = int((now if now is not None else time.time()) - days * DAY) if days is not None else None
    missing = library.store.body_store.missing(group, since)
    if days is None and read is not None:
        missing = [(n, m) for n, m in missing if n not in read]
    return missing


def sync_group(library: Library, group: str, bodies: bool = False, days: int | None = None,
               read_numbers: ReadNumbers | None = None, progress: SyncProgress | None = None) -> GroupSync:
    """New overviews of ``group``, then (``bodies`` or ``days``) the bodies still missing."""
    def report_overviews(done: int, expected: int) -> None:
        if progress:
            progress("overviews", group, done, expected)

    library.require_online()
    answers: list[RawOverviews] | None = [] if bodies and days is None and _new_group(library, group) else None
    fetched, skipped = fetch_overviews(library, group, report_overviews, answers)
    outcomes: list[str] = []
    if bodies or days is not None:
        read = read_numbers(group) if read_numbers else None
        targets = _answered_targets(library, answers, read)
        if targets is None:
            targets = body_targets(library, group, days, read)
        fetch_bodies(library, group, targets, outcomes, progress)
    notes = tuple(o for o in outcomes if o not in ("got", "gone"))
    return GroupSync(group, fetched, skipped, outcomes.count("got"), outcomes.count("gone"), len(notes), notes)


def _new_group(library: Library, group: str) -> bool:
    """Whether no overview of ``group`` is stored yet: its body targets are then what this sync's answers hold."""
    return not library.store.overview_store.holds(group)


def _answered_targets(library: Library, answers: list[RawOverviews] | None,
                      read: Container[int] | None) -> list[tuple[int, str]] | None:
    """``body_targets`` of a group whose every stored overview came in ``answers`` (this sync's, kept by
    ``fetch_overviews``), taken from the answers rather than read back and decoded from the store (~30 ms
    of list.linux-media's sync); None when they are not plain enough to say (then ask the store)."""
    if not answers:
        return None
    wanted: dict[int, str] = {}
    for raw in answers:
        ids = plain_ids(raw.data, raw.fmt, raw.first, raw.last)
        if ids is None:
            return None
        wanted.update(ids)
    held = library.store.body_store.held(list(wanted.values()))
    return sorted((n, m) for n, m in wanted.items() if m not in held and (read is None or n not in read))


def fetch_overviews(library: Library, group: str, progress: ProgressCallback | None = None,
                    keep: list[RawOverviews] | None = None) -> tuple[int, int]:
    """A group's new overviews into the store: (records, malformed lines skipped).

    From a server, its OVER answers are stored as they came (store/rawchunks.py),
    each with its high-water mark, and only counted: the search index catches up
    before a search, and the reader compacts them. So a sync costs about the
    wire. A source without raw answers stores binary packs of its batches. ``keep``: the answers stored
    are appended to it (what a sync of a new group asks bodies for).
    """
    source = library.source
    if Capability.RAW_OVERVIEWS not in source.capabilities:
        _, fetched, skipped = library.fetch_overviews(group, progress)
        return fetched, skipped
    span = _new_span(library, group)
    if span is None:
        return 0, 0
    return _store_raw(library, group, span, progress, keep)


def _new_span(library: Library, group: str) -> tuple[int, int] | None:
    """The article numbers above the store's high-water mark that the server has, or None."""
    info, first = span_above_mark(library.source, library.store, group)
    return (first, info.high) if info.count and first <= info.high else None


def _store_raw(library: Library, group: str, span: tuple[int, int],
               progress: ProgressCallback | None, keep: list[RawOverviews] | None = None) -> tuple[int, int]:
    """Store each OVER answer as it came (committed on a helper thread) while counting its records here."""
    first, last = span
    overviews = library.store.overview_store
    fetched = skipped = 0
    with Prefetch(library.source.iter_raw_overviews(group, first, last)) as ahead, \
            BackgroundWriter[tuple[RawOverviews, int]](lambda got: overviews.save_raw(group, *got)) as writer:
        for raw in ahead:
            records, bad = count_records(raw.data, raw.fmt)
            writer.put((raw, records))
            if keep is not None:
                keep.append(raw)
            fetched, skipped = fetched + records, skipped + bad
            if progress:
                progress(raw.last - first + 1, last - first + 1)
    return fetched, skipped


def fetch_bodies(library: Library, group: str, targets: list[tuple[int, str]], outcomes: list[str],
                 progress: SyncProgress | None = None) -> None:
    """Fetch and store the bodies of ``targets``: pipelined when the source can, else one by one.

    Pipelined, this thread reads the socket while store/bodywriter.py commits the
    answers on its own, a batch to a transaction (up to 512, fewer at the start
    and the end; a third thread copies the WAL into the file meanwhile), and whatever
    arrived is stored before an error goes up, so a resume asks only for the rest.
    """
    source = library.source
    if Capability.PIPELINED_ARTICLES not in source.capabilities or not targets:
        for index, (number, message_id) in enumerate(targets, 1):
            outcomes.append(_sync_body(library, group, number, message_id))
            if progress:
                progress("bodies", group, index, len(targets))
        return
    def report() -> None:  # what is committed (a batch the writer still holds counts once it is stored)
        if progress:
            progress("bodies", group, len(outcomes), len(targets))

    ids = dict(targets)
    bodyindex.ensure_schema(library.store.db)
    with _checkpointer(library, len(targets)) as checkpointer, \
            BatchWriter[Fetched](lambda got: _store_batch(library, group, got, ids, checkpointer), outcomes) as writer:
        hand_over(writer, source.iter_articles(group, [n for n, _ in targets]), report, len(targets))
    report()


def _checkpointer(library: Library, count: int) -> Checkpointer | nullcontext[None]:
    """The WAL checkpointed on a thread of its own while ``count`` bodies are stored; none for a store in
    memory or for a batch or fewer (the reader's read-ahead: SQLite's own checkpoints are enough there)."""
    path = str(library.store.path)
    return nullcontext() if path == ":memory:" or count <= BATCH_LEAST else Checkpointer(library.store.db, path)


def prefetch_bodies(library: Library, group: str, targets: list[tuple[int, str]]) -> int:
    """The reader's read-ahead: fetch (pipelined) the bodies of ``targets`` not yet cached; -> how many.

    Runs on the session thread between the reader's own requests, never beside
    them; offline it does nothing, and a failure only means no head start.
    """
    if library.offline or not targets:
        return 0
    missing = [(n, m) for n, m in targets if not library.store.body_store.has(m)]
    if not missing:
        return 0
    outcomes: list[str] = []
    fetch_bodies(library, group, missing, outcomes)
    return outcomes.count("got")


def _store_batch(library: Library, group: str, batch: list[Fetched], ids: dict[int, str],
                 checkpointer: Checkpointer | None = None) -> list[str]:
    """Store one batch in one transaction; if that fails, article by article, so one bad article is
    noted and the rest kept (a full disk still ends the sync). -> an outcome per answer, in order."""
    items = [(ids[int(f.key)], f.raw) for f in batch if f.raw is not None]
    try:
        if checkpointer is not None:
            checkpointer.before_batch()
        bodyindex.save_unindexed(library.store, items, schema_known=True)
        if checkpointer is not None:
            checkpointer.committed()
        return [_outcome(group, f) for f in batch]
    except sqlite3.OperationalError:
        raise
    except Exception:  # one article spoiled the batch: find it
        pass
    return [_store_one(library, group, int(f.key), ids[int(f.key)], f.raw) if f.raw is not None
            else _outcome(group, f) for f in batch]


def _outcome(group: str, fetched: Fetched) -> str:
    """"got", "gone", or the note for an article the server refused for a reason of its own."""
    if fetched.failed:
        return f"{group}: article {fetched.key}: not fetched: {sanitize_line(fetched.status)[:200]}"
    return "gone" if fetched.raw is None else "got"


def _store_one(library: Library, group: str, number: int, message_id: str, raw: bytes) -> str:
    try:
        bodyindex.save_unindexed(library.store, [(message_id, raw)], schema_known=True)
    except sqlite3.OperationalError:
        raise
    except Exception as exc:
        return f"{group}: article {number}: not stored ({type(exc).__name__}: {sanitize_line(str(exc))[:200]})"
    return "got"


def _sync_body(library: Library, group: str, number: int, message_id: str) -> str:
    """Fetch and store one body: "got", "gone", or a note saying why this one article failed.

    One bad article must not end a sync (later groups would never be synced); a
    lost server, a security failure or a full disk still end it, as they end everything.
    """
    try:
        article = library.source.article(group, number)
        library.store.body_store.save(article.message_id or message_id, article.raw, article.body)
    except NoSuchArticle:
        return "gone"
    except (SourceUnavailable, SecurityFailure, sqlite3.OperationalError):
        raise
    except Exception as exc:
        return f"{group}: article {number}: not stored ({type(exc).__name__}: {sanitize_line(str(exc))[:200]})"
    return "got"


def expire(library: Library, groups: Iterable[str], days: int | None = None, max_bytes: int | None = None,
           now: float | None = None) -> list[GroupExpiry]:
    """Drop cached bodies older than ``days`` and, per group, the oldest beyond ``max_bytes`` (a body
    counts with its text in the search index: see ``_cached_bodies``).

    Age is the article's date (the fetch time when it has none). A crossposted
    body is shared: dropping it for one group drops it for all.
    """
    cutoff = int((now if now is not None else time.time()) - days * DAY) if days is not None else None
    results = []
    for group in groups:
        cached = _cached_bodies(library, group)
        doomed: list[tuple[str, int]] = []
        if cutoff is not None:
            doomed = [(mid, size) for mid, size, age in cached if age < cutoff]
        if max_bytes is not None:
            kept = [(mid, size) for mid, size, age in cached if cutoff is None or age >= cutoff]
            total = sum(size for _, size in kept)
            for mid, size in kept:  # oldest first
                if total <= max_bytes:
                    break
                doomed.append((mid, size))
                total -= size
        ids = list(dict.fromkeys(mid for mid, _ in doomed))
        library.store.body_store.delete(ids)
        results.append(GroupExpiry(group, len(ids), sum(dict(doomed).values())))
    return results


def expire_and_give_back(library: Library, groups: Iterable[str], days: int | None = None,
                         max_bytes: int | None = None) -> tuple[list[GroupExpiry], Reclaimed]:
    """``expire``, then the freed pages back to the file system (store/vacuum.py) and how much."""
    store = library.store
    before = disk_size(store.path) if str(store.path) != ":memory:" else 0
    results = expire(library, groups, days, max_bytes)
    if str(store.path) == ":memory:":
        return results, Reclaimed(0, 0)
    return results, give_back(store.db, store.path, before)


def _cached_bodies(library: Library, group: str) -> list[tuple[str, int, int]]:
    """(Message-ID, bytes on disk, age stamp) of a group's cached bodies, oldest first (then by number).

    A body's bytes are the article as fetched plus its text in the search index
    (a second copy, ~75% of the article's size, once a search has indexed it):
    what ``--max-size`` bounds is the disk the cached bodies take.
    """
    if library.store.db.execute("SELECT 1 FROM bodies LIMIT 1").fetchone() is None:
        return []  # nothing to expire: the group is not read
    columns = library.store.overview_store.read(group)
    ids = columns.message_id_column()
    bodies = _bodies(library.store.db, list(dict.fromkeys(ids)))
    if not bodies:
        return []
    text = search.body_text_sizes(library.store.db, list(bodies))
    cached = [(bodies[m][1] if s == NO_DATE else s, n, m) for n, m, s in zip(columns.numbers, ids, columns.stamps)
              if m in bodies]
    return [(m, bodies[m][0] + text.get(m, 0), age) for age, _, m in sorted(cached)]


def _bodies(db: sqlite3.Connection, message_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Message-ID -> (size, when fetched) of those of ``message_ids`` with a cached body."""
    out: dict[str, tuple[int, int]] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start : start + 500]
        out.update((str(m), (int(s), int(f))) for m, s, f in db.execute(
            f"SELECT message_id, size, fetched FROM bodies WHERE message_id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def parse_size(text: str) -> int:
    """``500M``, ``2G``, ``800k``, ``1234`` -> bytes (binary units)."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    value = text.strip().lower().removesuffix("b").removesuffix("i")
    factor = units.get(value[-1:], 1)
    number = value[:-1] if value[-1:] in units else value
    try:
        result = float(number) * factor
    except ValueError:
        raise ValueError(f"not a size: {text!r} (try 500M or 2G)") from None
    if result < 0:
        raise ValueError(f"not a size: {text!r}")
    return int(result)
