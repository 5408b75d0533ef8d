"""The outbox and drafts: nothing the user wrote is lost, and nothing is posted twice.

An article enters the outbox with its own Message-ID (and, for `pith post FILE`,
a digest of the file, so the same file is queued once however often it is
given). Flushing posts each queued article. A POST whose reply was lost (the
link cut after the article went out) is resolved by asking the server for the
Message-ID (STAT) right away, and again before any later attempt: an article the
server holds is "sent" ("already on the server"), never posted twice. A
"duplicate" answer for our own Message-ID counts as sent too. A refusal keeps
the article with the server's words; a read-only server's 440 keeps it too,
with the mailto: address it offered. ``send_queued`` is the one way the reader
and the CLI send what is queued.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from nntp.errors import PostRefused, SourceUnavailable
from nntp.parse import utf8_or_latin1
from nntp.source import Capability
from store.paths import private_umask

if TYPE_CHECKING:
    from store.library import Library

OnServer = Callable[[str], bool]
"""Asks the server whether it holds a Message-ID (STAT)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY, message_id TEXT NOT NULL, created INTEGER NOT NULL,
    raw BLOB NOT NULL, state TEXT NOT NULL DEFAULT 'queued', reply TEXT NOT NULL DEFAULT '',
    mailto TEXT NOT NULL DEFAULT '', attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY, updated REAL NOT NULL, headers TEXT NOT NULL, body TEXT NOT NULL
)
"""
_MAILTO = re.compile(r"mailto:([^\s>]+)", re.IGNORECASE)


def ensure_schema(db: sqlite3.Connection) -> None:
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    columns = {str(row[1]) for row in db.execute("PRAGMA table_info(outbox)")}
    if "source_digest" not in columns:  # outboxes made before `pith post` was idempotent
        try:
            db.execute("ALTER TABLE outbox ADD COLUMN source_digest TEXT NOT NULL DEFAULT ''")
        except sqlite3.OperationalError as exc:  # another pith added it meanwhile
            if "duplicate column" not in str(exc):
                raise


class OutboxState(StrEnum):
    """Where an outbox entry stands; the stored column and ``--json`` hold exactly these words."""

    QUEUED = "queued"
    """Waiting to be posted (also after a failed link: it is tried again)."""
    SENT = "sent"
    """Posted, or found already on the server."""
    REFUSED = "refused"
    """The server refused it; ``reply`` holds its words."""
    NEEDS_MAIL = "needs-mail"
    """A read-only server (440) offered a mailto: address: send it by mail."""
    MAILED = "mailed"
    """A needs-mail article went out by mail."""


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    message_id: str
    created: int
    raw: bytes
    state: OutboxState
    reply: str
    mailto: str
    attempts: int

    def header(self, name: str) -> str:
        for line in self.raw.split(b"\n\n", 1)[0].split(b"\n"):
            key, _, value = line.partition(b":")
            if key.decode(errors="replace").lower() == name.lower():
                return value.decode(errors="replace").strip()
        return ""


class Outbox:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        ensure_schema(db)

    def add(self, raw: bytes, message_id: str, source_digest: str = "") -> int:
        """Queue an article; ``source_digest`` names the file it came from (see ``find``)."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute("INSERT INTO outbox (message_id, created, raw, source_digest) "
                                     "VALUES (?,?,?,?)", (message_id, int(time.time()), raw, source_digest))
            return int(cursor.lastrowid or 0)

    def find(self, source_digest: str, message_id: str = "") -> OutboxEntry | None:
        """The entry queued from the same file (digest) or with the same Message-ID, if any."""
        row = self.db.execute("SELECT id FROM outbox WHERE (source_digest=? AND source_digest!='') "
                              "OR (message_id=? AND message_id!='') ORDER BY id LIMIT 1",
                              (source_digest, message_id)).fetchone()
        return self.get(int(row[0])) if row else None

    def entries(self) -> list[OutboxEntry]:
        rows = self.db.execute("SELECT id, message_id, created, raw, state, reply, mailto, attempts "
                               "FROM outbox ORDER BY id").fetchall()
        return [OutboxEntry(r[0], r[1], r[2], bytes(r[3]), OutboxState(r[4]), r[5], r[6], r[7]) for r in rows]

    def get(self, entry_id: int) -> OutboxEntry | None:
        return next((e for e in self.entries() if e.id == entry_id), None)

    def drop(self, entry_id: int) -> bool:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            return self.db.execute("DELETE FROM outbox WHERE id=?", (entry_id,)).rowcount > 0

    def _record(self, entry_id: int, state: OutboxState, reply: str, mailto: str = "") -> None:
        """Store what the server said; its undecodable bytes (surrogates) are read as UTF-8 or Latin-1."""
        reply, mailto = _as_text(reply), _as_text(mailto)
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("UPDATE outbox SET state=?, reply=?, mailto=?, attempts=attempts+1 WHERE id=?",
                            (state, reply, mailto, entry_id))

    def mark_mailed(self, entry_id: int, where: str) -> None:
        """A needs-mail article went out by mail (``where``: the mbox or sendmail command)."""
        self._record(entry_id, OutboxState.MAILED, f"mailed ({where})")

    def flush(self, post: Callable[[bytes], str], on_server: OnServer | None = None) -> list[OutboxEntry]:
        """Post every queued article; returns the entries after the attempt.

        With ``on_server``, an entry tried before is first looked up on the server, and
        a POST cut off before its reply is looked up at once: what arrived is not sent again.
        """
        for entry in [e for e in self.entries() if e.state == OutboxState.QUEUED]:
            if entry.attempts and on_server is not None and self._arrived(entry, on_server):
                continue
            try:
                reply = post(entry.raw)
            except PostRefused as refused:
                self._refused(entry, refused.reply)
                continue
            except SourceUnavailable as exc:
                if on_server is None or not self._arrived(entry, on_server):
                    self._record(entry.id, OutboxState.QUEUED, f"not sent yet: {exc}")
                break  # the link failed: keep the rest queued
            self._record(entry.id, OutboxState.SENT, reply)
        return self.entries()

    def _arrived(self, entry: OutboxEntry, on_server: OnServer) -> bool:
        """Whether the server already holds the entry's article (recorded as sent if so);
        False when it does not, or cannot be asked now."""
        try:
            held = on_server(entry.message_id)
        except SourceUnavailable:
            return False
        if held:
            self._record(entry.id, OutboxState.SENT, "already on the server (an earlier attempt's reply was lost)")
        return held

    def _refused(self, entry: OutboxEntry, reply: str) -> None:
        lowered = reply.lower()
        if reply.startswith("435") or (reply.startswith("441") and ("435" in reply or "duplicate" in lowered)):
            self._record(entry.id, OutboxState.SENT, f"already on the server ({reply})")
        elif reply.startswith("440"):
            found = _MAILTO.search(reply)
            self._record(entry.id, OutboxState.NEEDS_MAIL, reply, found.group(1) if found else "")
        else:
            self._record(entry.id, OutboxState.REFUSED, reply)


def send_queued(library: Library) -> tuple[list[OutboxEntry], str]:
    """Send what is queued if a live server takes posts: (entries, why nothing was sent, or "").

    The one implementation behind the reader's outbox, `pith outbox flush` and
    `pith post` (all through app/posting.py ``flush``, which turns an unreachable
    server into the reason) and `pith cancel`. An unreachable server raises SourceUnavailable (a TLS or login
    failure, SecurityFailure); offline or an archive, nothing is sent and the
    reason says why.
    """
    outbox = Outbox(library.store.db)
    if library.offline:
        return outbox.entries(), f"offline ({library.offline_reason or 'no server'})"
    source = library.source
    if Capability.POST not in source.capabilities:
        return outbox.entries(), "this source is a read-only archive"
    return outbox.flush(source.post, source.has_article), ""


class Drafts:
    """Drafts in the store; ``save`` is cheap enough for an autosave every few seconds."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        ensure_schema(db)

    def save(self, draft_id: int | None, headers: dict[str, str], body: str) -> int:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            data = (time.time(), json.dumps(headers, ensure_ascii=False), body)
            if draft_id is None:
                return int(self.db.execute("INSERT INTO drafts (updated, headers, body) VALUES (?,?,?)",
                                           data).lastrowid or 0)
            self.db.execute("INSERT OR REPLACE INTO drafts (id, updated, headers, body) VALUES (?,?,?,?)",
                            (draft_id, *data))
            return draft_id

    def load(self, draft_id: int) -> tuple[dict[str, str], str] | None:
        row = self.db.execute("SELECT headers, body FROM drafts WHERE id=?", (draft_id,)).fetchone()
        return (json.loads(row[0]), row[1]) if row else None

    def ids(self) -> list[int]:
        return [int(r[0]) for r in self.db.execute("SELECT id FROM drafts ORDER BY updated DESC")]

    def delete(self, draft_id: int) -> None:
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("DELETE FROM drafts WHERE id=?", (draft_id,))

    def export(self, draft_id: int, path: Path) -> None:
        """A draft as an article file (headers, blank line, body) that `pith post` accepts."""
        found = self.load(draft_id)
        if found is None:
            raise KeyError(draft_id)
        headers, body = found
        text = "".join(f"{k}: {v}\n" for k, v in headers.items()) + "\n" + body
        with private_umask():  # a draft is private until posted
            path.write_text(text, encoding="utf-8")


def _as_text(reply: str) -> str:
    """A server line as nntplib hands it (surrogate-escaped bytes) as text SQLite can store."""
    return utf8_or_latin1(reply.encode("utf-8", "surrogateescape"))
