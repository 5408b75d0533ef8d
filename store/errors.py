"""Local failures (a full disk, a read-only or damaged store) as one line a user can act on.

SQLite and the OS report these as exceptions that name neither the file nor what
to do ("database or disk is full"); left alone they end as pith's "internal error"
although nothing is wrong with pith. ``name_file`` tags an exception with the file
it happened on where that is known (Store.transaction); ``describe_local_failure``
turns the few failures that are about the machine, not about pith, into a line,
and leaves every other exception alone (a bug must stay visible as one).

Nothing is lost in these cases: every store write is one transaction, and SQLite
rolls a failed one back, so the store holds the last complete batch.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from nntp.errors import PithError, SecurityFailure
from nntp.sanitize import error_line

_FILE_ATTR = "pith_file"

_SQLITE_FULL = 13
_SQLITE_MESSAGES = {
    5: "busy: another pith holds it; try again in a moment",  # SQLITE_BUSY (after busy_timeout)
    6: "locked: another pith holds it; try again in a moment",  # SQLITE_LOCKED
    8: "cannot write it: the file or its folder is read-only",  # SQLITE_READONLY
    10: "cannot write it: input/output error from the disk",  # SQLITE_IOERR
    11: "the store is damaged; move the file away (pith then starts a new one)",  # SQLITE_CORRUPT
    14: "cannot open it (does its folder exist and can pith write there?)",  # SQLITE_CANTOPEN
    26: "not a pith store (not an SQLite file); move the file away",  # SQLITE_NOTADB
}
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_FILE_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO}


def name_file(exc: BaseException, path: Path | str) -> None:
    """Remember on ``exc`` which file it happened on (the innermost caller that knows wins)."""
    if isinstance(exc, (sqlite3.Error, OSError)) and not getattr(exc, _FILE_ATTR, None):
        try:
            setattr(exc, _FILE_ATTR, str(path))
        except AttributeError:
            pass


def describe_local_failure(exc: BaseException) -> str | None:
    """One line for a failure of the machine (disk full, read-only, damaged file); None for anything else."""
    if isinstance(exc, sqlite3.Error):
        return _sqlite(exc)
    if isinstance(exc, OSError):
        return _os(exc)
    return None


def describe_error(exc: BaseException) -> str:
    """Any failure as one line for the user, sanitized and clipped (server replies are inside);
    PithErrors already carry their context."""
    if isinstance(exc, SecurityFailure):  # plainly: stopped on purpose, not merely offline
        return error_line(f"stopped for your safety, not showing cached data: {exc}")
    if isinstance(exc, PithError):
        return error_line(exc)
    local = describe_local_failure(exc)  # disk full, read-only store: what to do, not a class name
    return error_line(local if local is not None else f"{type(exc).__name__}: {exc}")


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        return _primary(exc) == _SQLITE_FULL
    return isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS


def _primary(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # older sqlite3 modules: only the message
        return _SQLITE_FULL if "database or disk is full" in str(exc) else None
    return int(code) & 0xFF


def _sqlite(exc: sqlite3.Error) -> str | None:
    where = getattr(exc, _FILE_ATTR, None) or "the store"
    code = _primary(exc)
    if code == _SQLITE_FULL:
        return _full(where, str(exc))
    what = _SQLITE_MESSAGES.get(code or 0)
    return f"{where}: {what} ({exc})" if what else None


def _os(exc: OSError) -> str | None:
    where = exc.filename or getattr(exc, _FILE_ATTR, None)
    reason = exc.strerror or str(exc)
    if exc.errno in _FULL_ERRNOS:
        return _full(str(where) if where else "a file", reason)
    if exc.errno in _FILE_ERRNOS and where:
        return f"{where}: {reason}"
    return None


def _full(where: str, reason: str) -> str:
    return (f"disk full writing {where}: {reason}; nothing lost: what was stored before is intact "
            "(free some space and run the command again)")
