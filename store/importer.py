"""Copying a list archive into the store, once, and later only what was appended.

Each unit the archive reports (the new part of one file, or the new files of a
Maildir) is filed in one transaction together with its mark, so a crash or a
damaged file leaves the store as it was before that unit: nothing half-imported,
and the next open picks up at the last complete unit. A file whose already
imported part changed is re-imported cleanly: its old articles are removed and
the new copy takes their numbers where the Message-ID is the same, so read marks
keep pointing at the same articles.

A message is filed once per group: when its Message-ID is already there (the
same mail sent twice, or a second copy of a month file), its next candidate id is
used (public-inbox gives re-sent mails a second, synthetic one), else it is skipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from nntp.archive import ArchiveMessage, ArchiveUnit, FileMark
from nntp.columns import from_records
from nntp.models import Overview
from nntp.source import NewsSource, ProgressCallback
from store import headindex, packs, search
from store.cache import Store
from store.rawchunks import stored

BATCH = 500


@dataclass
class ImportReport:
    """What one import did."""

    messages: int = 0
    """Articles filed (a crosspost counts once per group)."""
    duplicates: int = 0
    units: int = 0
    warnings: list[str] = field(default_factory=list)


def known_marks(db: sqlite3.Connection) -> dict[str, FileMark]:
    rows = db.execute("SELECT key, size, mtime_ns, offset, line, head_hash, tail_start, tail_hash, count "
                      "FROM archive_files").fetchall()
    return {row[0]: FileMark(*row) for row in rows}


class Filed:
    """The Message-IDs each group holds, read from its packs once per import and kept up to date by it
    (filing asks for every message; a unit that rolls back drops what it knew)."""

    def __init__(self, store: Store) -> None:
        self._store, self._ids = store, dict[str, set[str]]()

    def ids(self, group: str) -> set[str]:
        if group not in self._ids:
            self._ids[group] = set(self._store.overview_store.read(group).message_id_column())
        return self._ids[group]

    def forget(self) -> None:
        self._ids.clear()


def import_archive(store: Store, source: NewsSource, progress: ProgressCallback | None = None) -> ImportReport:
    """Bring the store up to date with the archive; raises ArchiveError (nothing of that unit kept)."""
    report, filed = ImportReport(), Filed(store)
    for unit in source.scan(known_marks(store.db)):
        try:
            with store.transaction():
                _Filing(store, unit, report, progress, filed).run()
        except BaseException:
            filed.forget()
            raise
        report.units += 1
        report.warnings.extend(unit.warnings)
    return report


class _Filing:
    """One unit inside its transaction."""

    def __init__(self, store: Store, unit: ArchiveUnit, report: ImportReport,
                 progress: ProgressCallback | None, filed: Filed) -> None:
        self.store, self.db, self.unit, self.report, self.progress = store, store.db, unit, report, progress
        self.filed = filed
        self.high: dict[str, int] = {}
        self.reuse: dict[tuple[str, str], int] = {}
        self.pending: list[tuple[str, ArchiveMessage, str, int]] = []
        self.pending_ids: set[tuple[str, str]] = set()

    def run(self) -> None:
        if self.unit.restart:
            self.reuse = forget(self.store, self.unit.key)
            self.filed.forget()
        previous = [mid for _, mid in self.reuse]
        for message in self.unit.messages:
            for group in message.groups:
                self._file(group, message)
            if len(self.pending) >= BATCH:
                self._flush()
        self._flush()
        drop_unused(self.store, previous)
        self._finish()

    def _file(self, group: str, message: ArchiveMessage) -> None:
        chosen = next((mid for mid in message.message_ids if not self._taken(group, mid)), None)
        if chosen is None:  # already filed (a store from before archive marks, or a copy): keep its body
            self.report.duplicates += 1
            first = message.message_ids[0]
            if not self.store.body_store.has(first):
                self._store_body(message, first)
            return
        number = self.reuse.pop((group, chosen), None) or self._next(group)
        self.pending.append((group, message, chosen, number))
        self.pending_ids.add((group, chosen))

    def _taken(self, group: str, message_id: str) -> bool:
        return (group, message_id) in self.pending_ids or message_id in self.filed.ids(group)

    def _next(self, group: str) -> int:
        if group not in self.high:
            self.db.execute("INSERT OR IGNORE INTO groups (name, low, high, count, posting) VALUES (?,0,0,0,'n')",
                            (group,))
            # fetched_high, not high: a store written before archive marks may list a group's
            # size without holding its articles, and those numbers were never given out
            (fetched,) = self.db.execute("SELECT fetched_high FROM groups WHERE name=?", (group,)).fetchone()
            reused = max((n for (g, _), n in self.reuse.items() if g == group), default=0)
            self.high[group] = max(int(fetched), packs.span(self.db, group)[1], reused)
        self.high[group] += 1
        return self.high[group]

    def _flush(self) -> None:
        """Bodies and index documents first (headers and text in one go), then the rows."""
        if not self.pending:
            return
        seen: set[str] = set()
        for _, message, mid, _ in self.pending:
            if mid not in seen and self.store.body_store.get(mid) != message.raw:  # new, or changed in the file
                seen.add(mid)
                self._store_body(message, mid)
        by_group: dict[str, list[Overview]] = {}
        for group, message, mid, number in self.pending:
            by_group.setdefault(group, []).append(message.overview._replace(number=number, message_id=mid))
            self.db.execute("INSERT OR IGNORE INTO archive_members VALUES (?,?,?)", (self.unit.key, group, number))
        for group, records in by_group.items():
            self.store.overview_store.put(group, stored(from_records(records)), index_now=True)
            self.filed.ids(group).update(r.message_id for r in records)
        self.report.messages += len(self.pending)
        self.pending = []
        self.pending_ids.clear()
        if self.progress:
            self.progress(self.report.messages, 0)

    def _store_body(self, message: ArchiveMessage, mid: str) -> None:
        raw = message.raw
        self.db.execute("INSERT OR REPLACE INTO bodies (message_id, raw, fetched, size) "
                        "VALUES (?, ?, strftime('%s','now'), ?)", (mid, raw, len(raw)))
        search.index_document(self.db, mid, message.overview.subject, message.overview.author,
                              search.index_text(raw))

    def _finish(self) -> None:
        for mark in self.unit.marks:
            self.db.execute("INSERT OR REPLACE INTO archive_files VALUES (?,?,?,?,?,?,?,?,?)", tuple(
                getattr(mark, name) for name in FileMark.__dataclass_fields__))
        touched = set(self.high) | {g for g, _ in self.reuse}
        refresh_groups(self.db, touched)


def refresh_groups(db: sqlite3.Connection, names: Iterable[str]) -> None:
    """Low/count from the packs; the high-water mark never goes down (no number is given out twice)."""
    for name in names:
        low, high, count = packs.span(db, name)
        db.execute("UPDATE groups SET low=?, count=?, high=MAX(fetched_high, ?), fetched_high=MAX(fetched_high, ?) "
                   "WHERE name=?", (low, count, high, high, name))


def forget(store: Store, key: str) -> dict[tuple[str, str], int]:
    """Remove the articles a file brought in (it changed); return (group, Message-ID) -> old number.

    Bodies and index documents stay until the file has been read again (most come
    back unchanged and are kept as they are); ``drop_unused`` then removes the rest.
    """
    db = store.db
    members: dict[str, set[int]] = {}
    for group, number in db.execute("SELECT grp, number FROM archive_members WHERE key=?", (key,)).fetchall():
        members.setdefault(group, set()).add(number)
    db.execute("DELETE FROM archive_members WHERE key=?", (key,))
    out: dict[tuple[str, str], int] = {}
    for group, numbers in members.items():
        gone = packs.remove(db, group, numbers)
        headindex.forget_articles(db, group, [n for n, _ in gone])
        out.update(((group, mid), number) for number, mid in gone)
    return out


def drop_unused(store: Store, message_ids: Iterable[str]) -> None:
    """Bodies and documents of Message-IDs no article refers to any more."""
    candidates, db = set(message_ids), store.db
    if not candidates:
        return
    for (group,) in db.execute("SELECT DISTINCT grp FROM overview_pack").fetchall():
        candidates -= set(store.overview_store.read(group).message_id_column())
    unused = sorted(candidates)
    for mid in unused:
        db.execute("DELETE FROM bodies WHERE message_id=?", (mid,))
    search.drop_documents(db, unused)
