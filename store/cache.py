"""The local SQLite store of one source: group list, overviews and article bodies.

One database file per server (article numbers mean nothing across servers), WAL
mode so a reader never blocks the writer, every batch in one transaction so a
crash leaves the last complete batch and the high-water mark in step.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from nntp.errors import PithError
from nntp.models import GroupInfo, Overview

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (
    name TEXT PRIMARY KEY,
    low INTEGER NOT NULL, high INTEGER NOT NULL, count INTEGER NOT NULL,
    posting TEXT NOT NULL DEFAULT 'y', description TEXT NOT NULL DEFAULT '',
    fetched_high INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS overview (
    grp TEXT NOT NULL, number INTEGER NOT NULL, message_id TEXT NOT NULL,
    subject TEXT NOT NULL, author TEXT NOT NULL, date INTEGER,
    refs TEXT NOT NULL, bytes INTEGER NOT NULL, lines INTEGER NOT NULL,
    xref TEXT NOT NULL,
    PRIMARY KEY (grp, number)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS overview_msgid ON overview (message_id);
CREATE TABLE IF NOT EXISTS bodies (
    message_id TEXT PRIMARY KEY, raw BLOB NOT NULL, fetched INTEGER NOT NULL
);
"""


class StoreError(PithError):
    """The store file is unusable (newer schema, corrupt); the message names the file."""


def store_path(data_dir: Path, identity: str) -> Path:
    """One database per source, named after its identity in a file-system-safe way."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", identity).strip("_") or "default"
    return data_dir / "servers" / f"{safe}.v{SCHEMA_VERSION}.sqlite3"


class Store:
    """Persistence for one source. Used by one thread at a time (the session thread)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable pith store ({exc})") from None

    def _migrate(self) -> None:
        with self.db:
            self.db.execute("BEGIN")
            for statement in _SCHEMA.strip().split(";\n"):
                if statement.strip():
                    self.db.execute(statement)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: written by a newer pith (schema {row[0]}, this one knows {SCHEMA_VERSION})"
                )

    def close(self) -> None:
        self.db.close()

    # -- groups ----------------------------------------------------------
    def save_groups(self, groups: Iterable[GroupInfo]) -> None:
        """Replace the group list, keeping each group's fetched high-water mark."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO groups (name, low, high, count, posting, description) VALUES (?,?,?,?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET low=excluded.low, high=excluded.high, "
                "count=excluded.count, posting=excluded.posting, "
                "description=CASE WHEN excluded.description != '' THEN excluded.description ELSE description END",
                [(g.name, g.low, g.high, g.count, g.posting, g.description) for g in groups],
            )

    def update_group(self, group: GroupInfo) -> None:
        """Fresh numbers for one group (after GROUP); the description is kept."""
        self.save_groups([group])

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
        rows = [
            (name, o.number, o.message_id, o.subject, o.author,
             int(o.date.timestamp()) if o.date else None,
             " ".join(o.references), o.bytes, o.lines, o.xref)
            for o in overviews
        ]
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO overview VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
            self.db.execute(
                "UPDATE groups SET fetched_high=MAX(fetched_high, ?) WHERE name=?", (fetched_through, name)
            )

    def overviews(self, name: str) -> list[Overview]:
        """Every cached overview of a group, in article-number order."""
        rows = self.db.execute(
            "SELECT number, subject, author, date, message_id, refs, bytes, lines, xref "
            "FROM overview WHERE grp=? ORDER BY number",
            (name,),
        )
        utc = timezone.utc
        stamp = datetime.fromtimestamp
        return [
            Overview(n, s, a, stamp(d, utc) if d is not None else None, m,
                     tuple(r.split()) if r else (), b, ln, x)
            for n, s, a, d, m, r, b, ln, x in rows
        ]

    def overview_count(self, name: str) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM overview WHERE grp=?", (name,)).fetchone()[0])

    def number_for(self, name: str, message_id: str) -> int | None:
        row = self.db.execute(
            "SELECT number FROM overview WHERE grp=? AND message_id=?", (name, message_id)
        ).fetchone()
        return int(row[0]) if row else None

    def message_id_for(self, name: str, number: int) -> str | None:
        row = self.db.execute(
            "SELECT message_id FROM overview WHERE grp=? AND number=?", (name, number)
        ).fetchone()
        return str(row[0]) if row else None

    # -- bodies ----------------------------------------------------------
    def save_body(self, message_id: str, raw: bytes) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.execute(
                "INSERT OR REPLACE INTO bodies VALUES (?, ?, strftime('%s','now'))", (message_id, raw)
            )

    def body(self, message_id: str) -> bytes | None:
        row = self.db.execute("SELECT raw FROM bodies WHERE message_id=?", (message_id,)).fetchone()
        return bytes(row[0]) if row else None
