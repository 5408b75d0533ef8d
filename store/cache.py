"""The local SQLite store of one source: group list, overviews, article bodies, search index.

One database file per server (article numbers mean nothing across servers), WAL
mode so a reader never blocks the writer, and every write one transaction that
also carries what depends on it (high-water mark, overview packs, search index),
so a ``kill -9`` at any moment leaves the last complete batch and everything
derived from it in step. The schema is versioned and migrated on open
(store/schema.py); other modules add their own tables to the same file.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from nntp.models import GroupInfo, Overview, RawOverviews
from store import errors, packs, rawchunks, search
from store.paths import private_dir, private_umask, sidecars, tighten_files
from store.schema import SCHEMA_VERSION, StoreError, migrate

__all__ = ["SCHEMA_VERSION", "Store", "StoreError", "store_path"]

FILE_FORMAT = 1
"""In the file name. Schema changes migrate in place; only an incompatible file format bumps this."""


def store_path(data_dir: Path, identity: str) -> Path:
    """One database per source, named after its identity in a file-system-safe way."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", identity).strip("_") or "default"
    return data_dir / "servers" / f"{safe}.v{FILE_FORMAT}.sqlite3"


def overview_row(name: str, o: Overview) -> tuple[object, ...]:
    return (name, o.number, o.message_id, o.subject, o.author,
            int(o.date.timestamp()) if o.date else None, " ".join(o.references), o.bytes, o.lines, o.xref)


class Store:
    """Persistence for one source. Used by one thread at a time (the session thread)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._depth = 0
        self._packers: dict[str, packs.TailPacker] = {}
        """Per group, the packer of a settling that is not finished: one chunk per ``settle`` call
        (an idle reader's pace) then costs no re-read of the rows past the last pack."""
        if str(path) != ":memory:":
            private_dir(self.path.parent)
            tighten_files(*sidecars(self.path))  # SQLite gives -wal / -shm the main file's mode
        try:
            with private_umask():
                self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout=10000")  # a second pith (sync, reader) may be writing
            self.db.execute("PRAGMA auto_vacuum=INCREMENTAL")  # only takes on a new file: expiry gives space back
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA journal_size_limit=67108864")
            migrate(self.db, self.path)
        except sqlite3.DatabaseError as exc:
            errors.name_file(exc, self.path)
            raise StoreError(errors.describe_local_failure(exc)
                             or f"{self.path}: not a usable pith store ({exc})") from None

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; nested uses join the outermost, which commits or rolls back all."""
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.db
        except BaseException as exc:
            self._depth = 0
            self._abandon(exc)
            raise
        self._depth = 0
        try:
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:  # a full disk often shows only here, when WAL pages are written
            self._abandon(exc)
            raise

    def _abandon(self, exc: BaseException) -> None:
        """Roll back what is left and name this file on ``exc``.

        After a full disk or an I/O error SQLite has already rolled the
        transaction back; a second ROLLBACK would raise and hide the real error.
        """
        errors.name_file(exc, self.path)
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the original error is the one to report

    def has_data(self) -> bool:
        """Whether anything was ever cached (worth showing when the source is unreachable)."""
        return self.db.execute("SELECT 1 FROM groups LIMIT 1").fetchone() is not None

    # -- groups ----------------------------------------------------------
    def save_groups(self, groups: Iterable[GroupInfo]) -> None:
        """Add or refresh groups, keeping each group's fetched high-water mark."""
        with self.transaction():
            self.db.executemany(
                "INSERT INTO groups (name, low, high, count, posting, description) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET low=excluded.low, high=excluded.high, "
                "count=excluded.count, posting=excluded.posting, "
                "description=CASE WHEN excluded.description != '' THEN excluded.description ELSE description END",
                [(g.name, g.low, g.high, g.count, g.posting, g.description) for g in groups],
            )

    def update_group(self, group: GroupInfo) -> None:
        """Fresh numbers for one group (after GROUP); its posting flag and description are kept, as
        GROUP tells neither (a read-only group must not turn writable by being entered)."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO groups (name, low, high, count, posting, description) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET low=excluded.low, high=excluded.high, count=excluded.count",
                (group.name, group.low, group.high, group.count, group.posting, group.description),
            )

    def groups(self) -> list[GroupInfo]:
        rows = self.db.execute(
            "SELECT name, low, high, count, posting, description FROM groups ORDER BY name"
        ).fetchall()
        return [GroupInfo(*row) for row in rows]

    def group(self, name: str) -> GroupInfo | None:
        row = self.db.execute(
            "SELECT name, low, high, count, posting, description FROM groups WHERE name=?", (name,)
        ).fetchone()
        return GroupInfo(*row) if row else None

    def fetched_high(self, name: str) -> int:
        """Highest article number whose overview range has been fetched completely."""
        row = self.db.execute("SELECT fetched_high FROM groups WHERE name=?", (name,)).fetchone()
        return int(row[0]) if row else 0

    # -- overviews -------------------------------------------------------
    def save_overviews(self, name: str, overviews: Iterable[Overview], fetched_through: int) -> None:
        """Store one batch and advance the high-water mark in the same transaction."""
        batch = list(overviews)
        with self.transaction():
            self._insert_rows(name, batch)
            self.db.execute(
                "UPDATE groups SET fetched_high=MAX(fetched_high, ?) WHERE name=?", (fetched_through, name)
            )

    def save_raw_overviews(self, name: str, raw: RawOverviews) -> None:
        """Store one OVER answer as it came and advance the high-water mark, in one transaction.

        The cheap first-fetch path (store/rawchunks.py): no parsing, no rows, no
        index upkeep; ``settle`` makes the rows later.
        """
        with self.transaction():
            rawchunks.save(self.db, name, raw)
            self.db.execute(
                "UPDATE groups SET fetched_high=MAX(fetched_high, ?) WHERE name=?", (raw.last, name)
            )

    def settle(self, name: str | None = None, chunks: int | None = None) -> int:
        """Turn stored OVER chunks into rows (of one group, or all; the next ``chunks`` or every one).

        One transaction per chunk; a group whose last chunk settled gets its packs
        written, so the next entry reads packs. Returns the chunks left (of ``name``).
        """
        done = 0
        packers = self._packers
        for group in [g for g, packer in packers.items() if not packer.resumable()]:
            del packers[group]  # something else wrote rows or packs meanwhile: start over from the table

        def insert(group: str, batch: list[Overview]) -> None:
            packer = packers.setdefault(group, packs.TailPacker(self.db, group))
            if batch:
                packer.check(batch[0].number)
            self._insert_rows(group, batch)
            packer.add(batch)

        def failed(group: str, _exc: Exception) -> None:
            packers.pop(group, None)  # its tail held the rows rolled back: a fresh packer reads the table

        while chunks is None or done < chunks:
            with self.transaction():
                group = rawchunks.settle_next(self.db, name, insert, failed)
            if group is None:
                break
            done += 1
        left = rawchunks.pending(self.db, name) if done else 0
        for group in list(packers):
            if not rawchunks.pending(self.db, group):
                del packers[group]
                self._pack_tail(group)
        return left

    def _pack_tail(self, name: str) -> None:
        """Pack the rows past the last pack (only a cache: skipped if another process is writing)."""
        try:
            with self.transaction():
                packs.pack_tail(self.db, name)
        except sqlite3.OperationalError:
            pass

    def _settled(self, name: str | None = None) -> None:
        """Rows are about to be read with SQL: make them from any stored chunks first.

        If another pith holds the write lock past the busy timeout, the answer
        comes from the rows settled so far rather than an error.
        """
        if rawchunks.pending(self.db, name):
            try:
                self.settle(name)
            except sqlite3.OperationalError:
                pass

    def _insert_rows(self, name: str, batch: list[Overview]) -> None:
        """Insert rows (caller holds the transaction), drop packs over them, queue them for the index."""
        if batch:
            self.db.executemany("INSERT OR REPLACE INTO overview VALUES (?,?,?,?,?,?,?,?,?,?)",
                                [overview_row(name, o) for o in batch])
            numbers = [o.number for o in batch]
            self.overview_rows_changed(name, min(numbers), max(numbers))

    def holds(self, name: str) -> bool:
        """Whether any overview of the group is cached (rows or chunks)."""
        return (self.db.execute("SELECT 1 FROM overview WHERE grp=? LIMIT 1", (name,)).fetchone() is not None
                or bool(rawchunks.pending(self.db, name)))

    def overview_rows_changed(self, name: str, first: int, last: int, index_now: bool = False) -> None:
        """Rows ``first..last`` were written: drop packs over them; index them now or queue them."""
        if first <= packs.packed_last(self.db, name):
            packs.invalidate_from(self.db, name, first)
        if index_now:
            search.index_overviews(self.db, name, first, last)
        else:
            search.queue_overviews(self.db, name, first, last)

    def overviews(self, name: str) -> list[Overview]:
        """Every cached overview of a group, in article-number order (packs first, then the tail).

        The rows read past the last pack are packed on the way out, so the next
        entry reads them from packs; packing is skipped when another process holds
        the write lock (it is only a cache).
        """
        records, fresh, stale = packs.overviews(self.db, name)
        self._repack(name, fresh, stale)
        return self._with_chunks(self.db, name, records)

    @staticmethod
    def _with_chunks(db: sqlite3.Connection, name: str, records: list[Overview]) -> list[Overview]:
        """Add the records of chunks not yet settled into rows (there are none most of the time)."""
        if not rawchunks.pending(db, name):
            return records
        with packs.no_gc():
            return rawchunks.merge(records, rawchunks.records(db, name))

    def first_overviews(self, name: str, limit: int) -> list[Overview]:
        """About ``limit`` of a group's lowest-numbered cached records, cheaply whatever its size.

        For a first screen of threads while the whole group is read: the first
        packs, else the first rows, else the first stored chunk.
        """
        records = packs.first_records(self.db, name, limit)
        if not records:
            rows = self.db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE grp=? ORDER BY number LIMIT ?",
                                   (name, limit)).fetchall()
            records = packs.rows_to_overviews(rows)
        return (records or rawchunks.first_records(self.db, name))[:limit]

    def overviews_meanwhile(self, name: str) -> Callable[[], list[Overview]]:
        """Start reading a group's cached overviews on a helper thread; call the result to get them.

        Entering a group waits for the server (connect, GROUP, OVER of what is new)
        and for decoding what is cached; this overlaps the two. The helper has its
        own read-only connection (WAL readers see a snapshot and never block the
        writer); when called, the result adds the rows stored since that snapshot.
        """
        if str(self.path) == ":memory:":
            return lambda: self.overviews(name)
        result: list[tuple[list[Overview], list[packs.Row], bool] | BaseException] = []

        def read() -> None:
            try:
                db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                try:
                    db.execute("BEGIN")
                    records, fresh, stale = packs.overviews(db, name)
                    result.append((self._with_chunks(db, name, records), fresh, stale))
                finally:
                    db.close()
            except BaseException as exc:  # reported to the caller, who falls back
                result.append(exc)

        helper = threading.Thread(target=read, name="pith-overviews", daemon=True)
        helper.start()

        def finish() -> list[Overview]:
            helper.join()
            done = result[0] if result else None
            if done is None or isinstance(done, BaseException):
                return self.overviews(name)
            records, fresh, stale = done
            last = records[-1].number if records else 0
            newer = self.db.execute(f"SELECT {packs.COLUMNS} FROM overview WHERE grp=? AND number > ? "
                                    "ORDER BY number", (name, last)).fetchall()
            rows = packs.rows_to_overviews(newer)
            self._repack(name, fresh + newer if not stale else [], stale)
            chunks = rawchunks.records(self.db, name, above=last)
            return rawchunks.merge(rawchunks.merge(records, rows), chunks)

        return finish

    def _repack(self, name: str, fresh: list[packs.Row], stale: bool) -> None:
        if stale or len(fresh) >= packs.PACK_ROWS:
            try:
                with self.transaction():
                    if stale:  # written by another Python, or damaged: rebuild from the rows
                        packs.invalidate_from(self.db, name, 0)
                        packs.pack_tail(self.db, name)
                    elif fresh[0][0] > packs.packed_last(self.db, name):
                        packs.write_packs(self.db, name, fresh)
            except sqlite3.OperationalError:
                pass

    def index_pending(self, ranges: int | None = None) -> int:
        """Bring the search index up to date (or the next ``ranges`` batches); returns what remains."""
        self._settled()
        if not search.pending(self.db):
            return 0
        with self.transaction():
            return search.catch_up(self.db, ranges)

    def overview_count(self, name: str) -> int:
        self._settled(name)
        return int(self.db.execute("SELECT COUNT(*) FROM overview WHERE grp=?", (name,)).fetchone()[0])

    def number_for(self, name: str, message_id: str) -> int | None:
        row = self.db.execute(
            "SELECT number FROM overview WHERE grp=? AND message_id=?", (name, message_id)
        ).fetchone()
        if row is None:  # opening an article must not wait for a whole group to settle
            found = rawchunks.find(self.db, name, message_id=message_id)
            return found.number if found else None
        return int(row[0])

    def message_id_for(self, name: str, number: int) -> str | None:
        row = self.db.execute(
            "SELECT message_id FROM overview WHERE grp=? AND number=?", (name, number)
        ).fetchone()
        if row is None:
            found = rawchunks.find(self.db, name, number=number)
            return found.message_id if found else None
        return str(row[0])

    # -- bodies ----------------------------------------------------------
    def save_body(self, message_id: str, raw: bytes, text: str | None = None) -> None:
        """Cache a body and index its text (``text``: the decoded body, if the caller has it)."""
        self.save_bodies([(message_id, raw, text)])

    def save_bodies(self, items: Iterable[tuple[str, bytes, str | None]]) -> None:
        """Several bodies in one transaction (archive import, sync)."""
        with self.transaction():
            for message_id, raw, text in items:
                self.db.execute(
                    "INSERT OR REPLACE INTO bodies (message_id, raw, fetched, size) "
                    "VALUES (?, ?, strftime('%s','now'), ?)", (message_id, raw, len(raw)))
                search.index_body(self.db, message_id, text if text is not None else search.index_text(raw))

    def body(self, message_id: str) -> bytes | None:
        row = self.db.execute("SELECT raw FROM bodies WHERE message_id=?", (message_id,)).fetchone()
        return bytes(row[0]) if row else None

    def has_body(self, message_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM bodies WHERE message_id=?", (message_id,)).fetchone() is not None

    def missing_bodies(self, name: str, since: int | None = None) -> list[tuple[int, str]]:
        """(number, Message-ID) of a group's articles with no cached body, dated ``since`` or later."""
        self._settled(name)
        sql = ("SELECT number, message_id FROM overview o WHERE grp=? "
               "AND NOT EXISTS (SELECT 1 FROM bodies b WHERE b.message_id = o.message_id)")
        params: list[object] = [name]
        if since is not None:
            sql += " AND date >= ?"
            params.append(since)
        return [(int(n), str(m)) for n, m in self.db.execute(sql + " ORDER BY number", params)]

    def delete_bodies(self, message_ids: list[str]) -> int:
        """Drop cached bodies (expiry); their text leaves the search index, headers stay."""
        with self.transaction():
            for start in range(0, len(message_ids), 500):
                chunk = message_ids[start : start + 500]
                self.db.execute(f"DELETE FROM bodies WHERE message_id IN ({','.join('?' * len(chunk))})", chunk)
            search.unindex_bodies(self.db, message_ids)
        return len(message_ids)

    # -- search ----------------------------------------------------------
    def search(self, query: str, **filters: object) -> list[search.SearchHit]:
        """Full-text search over cached headers and bodies (store/search.py); the index catches up first."""
        self.index_pending()
        return search.search(self.db, query, **filters)  # type: ignore[arg-type]
