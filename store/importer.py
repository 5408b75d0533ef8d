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
from nntp.source import NewsSource, ProgressCallback
from store import packs, search
from store.cache import Store
from store.overview_store import overview_row

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


def import_archive(store: Store, source: NewsSource, progress: ProgressCallback | None = None) -> ImportReport:
    """Bring the store up to date with the archive; raises ArchiveError (nothing of that unit kept)."""
    report = ImportReport()
    for unit in source.scan(known_marks(store.db)):
        with store.transaction():
            _Filing(store, unit, report, progress).run()
        report.units += 1
        report.warnings.extend(unit.warnings)
    return report


class _Filing:
    """One unit inside its transaction."""

    def __init__(self, store: Store, unit: ArchiveUnit, report: ImportReport,
                 progress: ProgressCallback | None) -> None:
        self.store, self.db, self.unit, self.report, self.progress = store, store.db, unit, report, progress
        self.high: dict[str, int] = {}
        self.reuse: dict[tuple[str, str], int] = {}
        self.pending: list[tuple[str, ArchiveMessage, str, int]] = []
        self.pending_ids: set[tuple[str, str]] = set()

    def run(self) -> None:
        if self.unit.restart:
            self.reuse = forget(self.store, self.unit.key)
        previous = [mid for _, mid in self.reuse]
        for message in self.unit.messages:
            for group in message.groups:
                self._file(group, message)
            if len(self.pending) >= BATCH:
                self._flush()
        self._flush()
        drop_unused(self.db, previous)
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
        if (group, message_id) in self.pending_ids:
            return True
        return self.db.execute("SELECT 1 FROM overview WHERE message_id=? AND grp=?",
                               (message_id, group)).fetchone() is not None

    def _next(self, group: str) -> int:
        if group not in self.high:
            self.db.execute("INSERT OR IGNORE INTO groups (name, low, high, count, posting) VALUES (?,0,0,0,'n')",
                            (group,))
            # fetched_high, not high: a store written before archive marks may list a group's
            # size without holding its articles, and those numbers were never given out
            given = self.db.execute(
                "SELECT MAX(g.fetched_high, COALESCE((SELECT MAX(number) FROM overview WHERE grp = g.name), 0)) "
                "FROM groups g WHERE g.name=?", (group,)).fetchone()
            reused = max((n for (g, _), n in self.reuse.items() if g == group), default=0)
            self.high[group] = max(int(given[0]), reused)
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
        by_group: dict[str, list[tuple[str, int]]] = {}
        for group, message, mid, number in self.pending:
            overview = message.overview._replace(number=number, message_id=mid)
            self.db.execute("INSERT OR REPLACE INTO overview VALUES (?,?,?,?,?,?,?,?,?,?)",
                            overview_row(group, overview))
            self.db.execute("INSERT OR IGNORE INTO archive_members VALUES (?,?,?)", (self.unit.key, group, number))
            by_group.setdefault(group, []).append((mid, number))
        for group, members in by_group.items():
            numbers = [n for _, n in members]
            self.store.overview_store.rows_changed(group, min(numbers), max(numbers), index_now=True)
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
    """Low/count from the rows; the high-water mark never goes down (no number is given out twice)."""
    for name in names:
        low, high, count = db.execute(
            "SELECT COALESCE(MIN(number), 0), COALESCE(MAX(number), 0), COUNT(*) FROM overview WHERE grp=?",
            (name,)).fetchone()
        db.execute("UPDATE groups SET low=?, count=?, high=MAX(fetched_high, ?), fetched_high=MAX(fetched_high, ?) "
                   "WHERE name=?", (low, count, high, high, name))


def forget(store: Store, key: str) -> dict[tuple[str, str], int]:
    """Remove the articles a file brought in (it changed); return (group, Message-ID) -> old number.

    Bodies and index documents stay until the file has been read again (most come
    back unchanged and are kept as they are); ``drop_unused`` then removes the rest.
    """
    db = store.db
    rows = db.execute(
        "SELECT m.grp, m.number, o.message_id FROM archive_members m JOIN overview o "
        "ON o.grp = m.grp AND o.number = m.number WHERE m.key=?", (key,)).fetchall()
    db.execute("DELETE FROM overview WHERE (grp, number) IN (SELECT grp, number FROM archive_members WHERE key=?)",
               (key,))
    db.execute("DELETE FROM archive_members WHERE key=?", (key,))
    lowest: dict[str, int] = {}
    for group, number, _ in rows:
        lowest[group] = min(number, lowest.get(group, number))
    for group, number in lowest.items():
        packs.invalidate_from(db, group, number)
    return {(group, mid): number for group, number, mid in rows}


def drop_unused(db: sqlite3.Connection, message_ids: Iterable[str]) -> None:
    """Bodies and documents of Message-IDs no article refers to any more."""
    unused = [mid for mid in set(message_ids)
              if db.execute("SELECT 1 FROM overview WHERE message_id=?", (mid,)).fetchone() is None]
    for mid in unused:
        db.execute("DELETE FROM bodies WHERE message_id=?", (mid,))
    search.drop_orphans(db, unused)
