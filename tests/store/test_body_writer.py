"""A pipelined body sync reads the socket while store/bodywriter.py commits on a thread of its own: a cut
anywhere mid-window or an interrupt anywhere resumes with nothing lost and nothing fetched twice, a failure of
the writer ends the command with its error and no half-written batch, bodies are stored in the order asked
and progress counts what is committed."""

from __future__ import annotations

import socket
import sqlite3
import threading
from pathlib import Path
from typing import BinaryIO

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.errors import SourceUnavailable
from nntp.resilient import ResilientSource
from store import bodyindex
from store.cache import Store
from store.library import Library
from store.readstate import ReadState
from store.bodywriter import batch_limit
from store.sync import fetch_bodies
from tests.cli_run import run
from tests.fakes.server import FakeServer

COUNT = 600
"""Articles in the fake group: batches of 128, 128, 172, 128 and 44 (store/bodywriter.py batch_limit)."""


def batch_ends(count: int) -> list[int]:
    """How many answers are stored once each batch is: where a sync of ``count`` answers commits."""
    ends, done = [], 0
    while done < count:
        done = min(count, done + batch_limit(count - done, done))
        ends.append(done)
    return ends


ENDS = batch_ends(COUNT)
FIRST = ENDS[0]
CAPS = b"101 caps\r\nVERSION 2\r\nREADER\r\nOVER\r\n.\r\n"
FMT = b"215 fmt\r\nSubject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n:bytes\r\n:lines\r\n.\r\n"


def message_id(number: int) -> str:
    return f"<{number}@fake>"


def article(number: int) -> bytes:
    """The article as nntplib hands it over (what the store keeps): some lines start with a dot."""
    body = b"".join(b".dot line %d\r\nplain %d\r\n" % (number, k) for k in range(number % 7 + 1))
    return b"Message-ID: %s\r\nSubject: s%d\r\n\r\n%s" % (message_id(number).encode(), number, body)


def answer(number: int) -> bytes:
    stuffed = article(number).replace(b"\r\n.", b"\r\n..")
    return b"220 %d %s\r\n%s.\r\n" % (number, message_id(number).encode(), stuffed)


def over_line(number: int) -> bytes:
    return b"%d\ts%d\ta@x\tMon, 01 Jan 2024 00:00:00 +0000\t%s\t\t%d\t3\r\n" % (
        number, number, message_id(number).encode(), len(article(number)))


ANSWERS = b"".join(answer(n) for n in range(1, COUNT + 1))


class BodyServer:
    """Group g with articles 1..COUNT, answering each command as it is read (so commands pipeline).

    ``cuts[i]``: the i-th connection is dropped after that many bytes of ARTICLE answers (None or
    missing: never). ``asked[i]``: the article numbers the i-th connection was asked for.
    """

    def __init__(self, cuts: list[int | None]) -> None:
        self.cuts = cuts
        self.asked: list[list[int]] = []
        self.whole: list[int] = []
        """Every article answered in full, over all connections."""
        self._lock = threading.Lock()
        self.server = FakeServer(self.handle)

    def handle(self, reader: BinaryIO, conn: socket.socket) -> None:
        with self._lock:
            index = len(self.asked)
            self.asked.append([])
        cut, sent = self.cuts[index] if index < len(self.cuts) else None, 0
        conn.sendall(b"200 fake ready\r\n")
        for line in reader:
            words = line.split()
            verb = words[0].upper() if words else b""
            if verb == b"ARTICLE":
                number = int(words[1])
                self.asked[index].append(number)
                data = answer(number)
                if cut is not None and sent + len(data) > cut:
                    self.drop(reader, conn, data[: cut - sent])
                    return
                conn.sendall(data)
                sent += len(data)
                self.whole.append(number)
            elif verb == b"QUIT":
                conn.sendall(b"205 bye\r\n")
                return
            else:
                conn.sendall(self.reply(verb))

    @staticmethod
    def drop(reader: BinaryIO, conn: socket.socket, last: bytes) -> None:
        """End the connection after ``last``: every byte sent arrives (a FIN, not a reset that would
        discard what the client has not read yet), the commands still coming are read and ignored."""
        conn.sendall(last)
        conn.shutdown(socket.SHUT_WR)
        for _ in reader:
            pass

    @staticmethod
    def reply(verb: bytes) -> bytes:
        if verb == b"OVER":
            return b"224 ok\r\n" + b"".join(over_line(n) for n in range(1, COUNT + 1)) + b".\r\n"
        return {b"CAPABILITIES": CAPS, b"MODE": b"200 reader\r\n", b"GROUP": b"211 %d 1 %d g\r\n" % (COUNT, COUNT),
                b"LIST": FMT}.get(verb, b"500 what?\r\n")

    def source(self) -> ResilientSource:
        address = ServerAddress("127.0.0.1", self.server.port)
        return ResilientSource(lambda: NNTPClient(address, options=ConnectOptions(timeout=5, compress=False)),
                               address.identity, backoff=(0.0,) * 5, sleep=lambda seconds: None)

    def library(self, path: Path) -> Library:
        return Library(Store(path), self.source)


def stored(path: Path) -> list[tuple[str, bytes]]:
    """(Message-ID, raw) of every stored body, in the order stored."""
    db = sqlite3.connect(path)
    try:
        return [(str(m), bytes(r)) for m, r in db.execute("SELECT message_id, raw FROM bodies ORDER BY rowid")]
    finally:
        db.close()


def expected(numbers: range | list[int]) -> list[tuple[str, bytes]]:
    return [(message_id(n), article(n)) for n in numbers]


TARGETS = [(n, message_id(n)) for n in range(1, COUNT + 1)]


def _ends() -> list[int]:
    """Byte offsets in the answer stream where each answer ends."""
    ends, total = [], 0
    for number in range(1, COUNT + 1):
        total += len(answer(number))
        ends.append(total)
    return ends


def cut_points() -> list[int]:
    """Cuts in a status line, in a body, on an answer's last byte and just after it, around both
    batch boundaries, at the very start and near the end."""
    ends = _ends()
    points = {0, 1, 5, ends[-1] - 1}
    for k in (0, 1, 100, FIRST - 2, FIRST - 1, FIRST, ENDS[1] - 1, ENDS[1], COUNT - 2):
        points |= {ends[k] - 1, ends[k], ends[k] + 3, ends[k] + 30}
    return sorted(p for p in points if p < ends[-1])


@pytest.mark.parametrize("cut", cut_points())
def test_a_cut_anywhere_mid_window_resumes_with_nothing_lost_or_doubled(tmp_path: Path, cut: int) -> None:
    fake = BodyServer([cut])
    lib = fake.library(tmp_path / "s.sqlite3")
    outcomes: list[str] = []
    try:
        fetch_bodies(lib, "g", TARGETS, outcomes)
    finally:
        lib.close()
        fake.server.close()
    assert outcomes == ["got"] * COUNT
    assert stored(tmp_path / "s.sqlite3") == expected(range(1, COUNT + 1))
    assert sorted(fake.whole) == list(range(1, COUNT + 1))  # each answered in full once
    answered_before = sum(1 for end in _ends() if end <= cut)
    assert fake.asked[1][0] == answered_before + 1  # the resume asks from the first answer not whole


@pytest.mark.parametrize("after", [0, 1, FIRST - 1, FIRST, FIRST + 1, ENDS[1] + 7, COUNT - 1])
def test_an_interrupt_anywhere_keeps_what_arrived_and_the_next_run_fetches_the_rest(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    fake = BodyServer([])
    path = tmp_path / "s.sqlite3"
    lib = fake.library(path)
    real = lib.source.iter_articles

    def interrupted(group: str, keys: list[int]):  # type: ignore[no-untyped-def]
        for index, fetched in enumerate(real(group, keys)):
            if index == after:
                raise KeyboardInterrupt
            yield fetched

    monkeypatch.setattr(lib.source, "iter_articles", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_bodies(lib, "g", TARGETS, [])
    assert stored(path) == expected(range(1, after + 1))  # every answer read is stored, none more
    monkeypatch.undo()
    missing = [(n, m) for n, m in TARGETS if not lib.store.body_store.has(m)]
    outcomes: list[str] = []
    asked_before = sum(len(asks) for asks in fake.asked)  # the stop read what was in flight: all asked by now
    fetch_bodies(lib, "g", missing, outcomes)
    lib.close()
    fake.server.close()
    assert outcomes == ["got"] * (COUNT - after)
    assert stored(path) == expected(range(1, COUNT + 1))
    assert [n for asks in fake.asked for n in asks][asked_before:] == list(range(after + 1, COUNT + 1))


def test_bodies_are_stored_in_the_order_asked_and_progress_counts_what_is_committed(tmp_path: Path) -> None:
    fake = BodyServer([])
    path = tmp_path / "s.sqlite3"
    lib = fake.library(path)
    reports: list[tuple[int, int, int]] = []

    def progress(phase: str, group: str, done: int, expected_count: int) -> None:
        assert (phase, group) == ("bodies", "g")
        reports.append((done, expected_count, len(stored(path))))

    order = sorted(TARGETS, key=lambda t: (t[0] % 3, t[0]))  # not the article order
    fetch_bodies(lib, "g", order, [], progress)
    lib.close()
    fake.server.close()
    assert [m for m, _ in stored(path)] == [m for _, m in order]
    assert reports[-1][:2] == (COUNT, COUNT)
    assert [done for done, _, _ in reports] == sorted(done for done, _, _ in reports)
    assert all(done <= in_store and done in (0, *ENDS) for done, _, in_store in reports[:-1])


def _sync_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
              library: Library) -> tuple[int, str, str]:
    from cli import running

    monkeypatch.setattr(running, "open_library_factory", lambda args: (lambda: library, "fake"))
    return run(capsys, "sync", "--bodies", "--quiet", "g")


def test_a_failing_writer_ends_the_command_with_its_error_and_no_half_written_batch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = BodyServer([])
    path = tmp_path / "s.sqlite3"
    real = bodyindex.save_unindexed
    calls: list[int] = []

    def full_on_the_second_batch(store: Store, items: list[tuple[str, bytes]], schema_known: bool = False) -> None:
        calls.append(len(items))
        if len(calls) == 2:
            store.db.execute(f"PRAGMA max_page_count={store.db.execute('PRAGMA page_count').fetchone()[0]}")
        real(store, items, schema_known)

    monkeypatch.setattr(bodyindex, "save_unindexed", full_on_the_second_batch)
    code, out, err = _sync_cli(capsys, monkeypatch, fake.library(path))
    assert code == 2 and "Traceback" not in err and "internal error" not in err
    assert err.strip().splitlines()[-1].startswith(f"pith: disk full writing {path}: ")
    assert stored(path) == expected(range(1, FIRST + 1))  # the first batch; the second rolled back whole
    assert len(calls) == 2  # the reading stopped: no batch after the failing one was written
    monkeypatch.setattr(bodyindex, "save_unindexed", real)
    code, out, _ = _sync_cli(capsys, monkeypatch, fake.library(path))
    fake.server.close()
    assert (code, out) == (0, f"g: 0 new overview(s), {COUNT - FIRST} bodies\n")
    assert stored(path) == expected(range(1, COUNT + 1))
    assert fake.asked[-1] == list(range(FIRST + 1, COUNT + 1))  # the resume asks only for the rest


def test_a_link_that_keeps_dropping_ends_with_exit_1_and_keeps_what_arrived(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    end = _ends()[299]  # each connection answers articles whole up to there, then drops
    fake = BodyServer([end + 10, *([0] * 10)])  # then every new connection drops at once
    path = tmp_path / "s.sqlite3"
    code, _, err = _sync_cli(capsys, monkeypatch, fake.library(path))
    fake.server.close()
    assert code == 1 and "Traceback" not in err
    assert "gave up after" in err.strip().splitlines()[-1]
    assert stored(path) == expected(range(1, 301))


def test_one_spoiled_article_is_noted_and_the_rest_of_its_batch_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    fake = BodyServer([])
    path = tmp_path / "s.sqlite3"
    real = bodyindex.save_unindexed

    def spoiled(store: Store, items: list[tuple[str, bytes]], schema_known: bool = False) -> None:
        if any(m == message_id(300) for m, _ in items):
            raise ValueError("spoiled \x1b[2J")
        real(store, items, schema_known)

    monkeypatch.setattr(bodyindex, "save_unindexed", spoiled)
    code, out, err = _sync_cli(capsys, monkeypatch, fake.library(path))
    fake.server.close()
    assert code == 0
    assert out == f"g: {COUNT} new overview(s), {COUNT - 1} bodies, 1 article(s) could not be stored\n"
    assert "pith: sync: g: article 300: not stored (ValueError: spoiled" in err and "\x1b" not in err
    assert [m for m, _ in stored(path)] == [message_id(n) for n in range(1, COUNT + 1) if n != 300]


def test_a_source_that_gives_up_leaves_no_transaction_open(tmp_path: Path) -> None:
    fake = BodyServer([0] * 10)  # every connection drops before its first answer
    lib = fake.library(tmp_path / "s.sqlite3")
    with pytest.raises(SourceUnavailable):
        fetch_bodies(lib, "g", TARGETS, [])
    assert not lib.store.db.in_transaction
    lib.close()
    fake.server.close()


def test_subscribed_groups_sync_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    fake = BodyServer([])
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    ReadState(store.db).subscribe("g")
    store.close()
    from cli import running

    monkeypatch.setattr(running, "open_library_factory", lambda args: (lambda: fake.library(path), "fake"))
    code, out, _ = run(capsys, "sync", "--bodies", "--quiet")
    fake.server.close()
    assert (code, out) == (0, f"g: {COUNT} new overview(s), {COUNT} bodies\n")
    assert stored(path) == expected(range(1, COUNT + 1))


def test_the_readers_read_ahead_stores_a_few_bodies_through_the_same_writer(tmp_path: Path) -> None:
    from store.sync import prefetch_bodies

    fake = BodyServer([])
    path = tmp_path / "s.sqlite3"
    lib = fake.library(path)
    assert prefetch_bodies(lib, "g", TARGETS[10:14]) == 4
    assert prefetch_bodies(lib, "g", TARGETS[12:16]) == 2  # two already cached: not asked again
    lib.close()
    fake.server.close()
    assert stored(path) == expected(range(11, 17))
    assert [n for asks in fake.asked for n in asks] == list(range(11, 17))
