"""A live .newsrc: one read state shared with slrn, tin, trn and neomutt.

``newsrc = "~/.newsrc"`` (per server, or top-level) makes pith read the file when
it opens the server's store (the file's word wins for each group it lists: another
reader may have read or unmarked articles since pith last wrote it) and write it
when it closes the store and after every catch-up. Writing keeps the file's other
groups, comments and order: only the lines of groups pith knows are replaced, and
groups new to the file go last. Other readers never see half a file (temp file +
rename, the old file's mode kept), and two pith processes never interleave (an
fcntl lock on ``FILE.lock`` beside it).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.newsrc import _LINE, NewsrcEntry, NewsrcError, format_newsrc, parse_newsrc

_ACTIVE: list[LiveNewsrc] = []
"""Live files open in this process: ReadState.mark_through tells the one on its database."""


class LiveNewsrc:
    """The live .newsrc of one server's store (used on the thread that owns the store)."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path.expanduser()
        self.db = db

    def load(self) -> int:
        """Merge the file into the store's read state; -> how many groups it listed."""
        from store.readstate import ReadState

        if not self.path.exists():
            return 0
        with _locked(self.path):
            text = _read(self.path)
        entries = parse_newsrc(text, str(self.path))
        ReadState(self.db).merge_entries(entries)
        return len(entries)

    def save(self) -> None:
        """Write pith's read state into the file, keeping what else it holds."""
        from store.readstate import ReadState

        entries = ReadState(self.db).entries()
        with _locked(self.path):
            old = _read(self.path) if self.path.exists() else ""
            _replace(self.path, merged_text(old, entries))

    def open(self) -> None:
        """Read the file now and hear of catch-ups from now on."""
        self.load()
        _ACTIVE.append(self)

    def close(self) -> None:
        """Write the file and stop listening."""
        if self in _ACTIVE:
            _ACTIVE.remove(self)
        self.save()


def caught_up(db: sqlite3.Connection) -> None:
    """A group of ``db`` was caught up: write its live .newsrc at once, if it has one."""
    for live in list(_ACTIVE):
        if live.db is db:
            live.save()


def merged_text(old: str, entries: list[NewsrcEntry]) -> str:
    """``old`` with each known group's line replaced by ``entries``' (others kept verbatim),
    then the groups it did not list, in pith's order."""
    mine = {e.group: e for e in entries}
    out = []
    for raw in old.splitlines():
        match = _LINE.match(raw.strip())
        entry = mine.pop(match.group("name"), None) if match else None
        out.append(format_newsrc([entry]).rstrip("\n") if entry is not None else raw)
    kept = "\n".join(out) + ("\n" if out else "")
    return kept + format_newsrc([e for e in entries if e.group in mine])


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive fcntl lock on ``path.lock`` (the file itself is replaced, so not it)."""
    lock = path.with_name(path.name + ".lock")
    try:
        handle = open(lock, "a")
    except OSError as exc:
        raise NewsrcError(f"{lock}: cannot lock: {exc.strerror or exc}") from None
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise NewsrcError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _replace(path: Path, text: str) -> None:
    """Temp file in the same directory, fsync, rename: readers see the old file or the new one."""
    tmp = path.with_name(path.name + ".pith-tmp")
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else 0o600
        with open(tmp, "w", encoding="utf-8", errors="surrogateescape") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise NewsrcError(f"{path}: cannot write: {exc.strerror or exc}") from None
