"""A full disk during sync or import: one line naming the file, a non-zero exit, and a store that is
still consistent and picks up where it stopped once there is space (PRAGMA max_page_count plays the disk)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest

from cli import running
from store.cache import Store
from store.errors import describe_local_failure, is_disk_full
from store.library import Library
from store.readstate import ReadState
from tests.fakes.source import FakeSource, make_overview
from tests.cli_run import run

SOURCE = FakeSource({"a": [make_overview(i) for i in range(1, 3000)]})


def pages(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA page_count").fetchone()[0])
    finally:
        db.close()


def full_disk_library(path: Path, room: int | None) -> Library:
    """A Library whose store may grow by ``room`` pages only (None: as much as it likes)."""
    store = Store(path)
    if room is not None:
        store.db.execute(f"PRAGMA max_page_count={pages(path) + room}")
    return Library(store, lambda: SOURCE)


def consistent(path: Path) -> tuple[int, int]:
    """Integrity check, and (overviews stored, fetched high-water mark of group a)."""
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = db.execute("SELECT COALESCE(SUM(count), 0), MAX(last) FROM overview_pack WHERE grp='a'").fetchone()
        high = db.execute("SELECT fetched_high FROM groups WHERE name='a'").fetchone()
        assert high is None or rows[1] is None or high[0] <= rows[1]  # the mark never runs ahead of the rows
        return int(rows[0]), int(high[0]) if high else 0
    finally:
        db.close()


def test_sync_on_a_full_disk_is_one_line_and_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    ReadState(store.db).subscribe("a")
    store.close()
    room: list[int | None] = [5]  # 160 KB of 32 KB pages: fills while the overview rows are written (sync indexes nothing now)
    monkeypatch.setattr(running, "open_library_factory",
                        lambda args: (lambda: full_disk_library(path, room[0]), "fake"))
    code, _, err = run(capsys, "sync", "--bodies", "--quiet")
    assert code == 2 and "internal error" not in err and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"pith: disk full writing {path}: ") and "nothing lost" in line
    stored, _ = consistent(path)
    assert 0 < stored < 2999
    room[0] = None
    code, out, _ = run(capsys, "sync", "--quiet")
    assert code == 0 and out.startswith("a: ")
    assert consistent(path)[0] == 2999


def test_the_store_stays_usable_after_a_failed_write(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    lib = full_disk_library(path, 5)
    with pytest.raises(sqlite3.OperationalError) as err:
        lib.store.overview_store.save("a", [make_overview(i) for i in range(1, 30000)], 29999)  # a pack > 5 pages
    assert is_disk_full(err.value) and not lib.store.db.in_transaction
    assert describe_local_failure(err.value).startswith(f"disk full writing {path}: ")  # type: ignore[union-attr]
    lib.store.db.execute("PRAGMA max_page_count=1073741823")
    lib.store.overview_store.save("a", [make_overview(1)], 1)
    assert [o.number for o in lib.store.overview_store.all("a")] == [1]


def test_archive_import_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from nntp.archive import ArchiveSource

    mbox = tmp_path / "l.mbox"
    mbox.write_bytes(b"".join(f"From a Thu Jan  1 00:00:00 1970\nSubject: n {n}\nMessage-ID: <{n}@x>\n\n"
                              f"{'words ' * 200}\n\n".encode() for n in range(400)))
    path = tmp_path / "s.sqlite3"
    Store(path).close()

    def factory() -> Library:
        store = Store(path)
        store.db.execute(f"PRAGMA max_page_count={pages(path) + 20}")
        return Library(store, lambda: ArchiveSource(mbox))

    monkeypatch.setattr(running, "open_library_factory", lambda args: (factory, "archive"))
    code, _, err = run(capsys, "groups")
    assert code == 2 and err.startswith(f"pith: disk full writing {path}") and err.count("\n") == 1


@pytest.mark.parametrize(("exc", "expected"), [
    (OSError(errno.ENOSPC, "No space left on device", "/x/outgoing.mbox"),
     "disk full writing /x/outgoing.mbox: No space left on device; nothing lost"),
    (OSError(errno.EROFS, "Read-only file system", "/ro/s.sqlite3"), "/ro/s.sqlite3: Read-only file system"),
    (sqlite3.OperationalError("no such column: x"), None),
    (ConnectionResetError(errno.ECONNRESET, "reset"), None),
    (ValueError("bug"), None),
])
def test_only_failures_of_the_machine_are_described(exc: BaseException, expected: str | None) -> None:
    found = describe_local_failure(exc)
    assert (found if expected is None else (found or "")[: len(expected)]) == expected


def test_the_reader_shows_the_same_line(tmp_path: Path) -> None:
    from store.library import describe_error

    exc = sqlite3.OperationalError("database or disk is full")
    exc.sqlite_errorcode = 13  # type: ignore[attr-defined]
    assert describe_error(exc).startswith("disk full writing the store: database or disk is full; nothing lost")
