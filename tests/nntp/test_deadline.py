"""A reply deadline bounds every response as a whole: a dripping server cannot hold pith."""

from __future__ import annotations

import io
import time

import pytest

import main
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.deadline import ReplyDeadline, read_line
from nntp.errors import ReplyTimeout
from nntp.resilient import ResilientSource
from tests.fakes.server import FakeServer, dripping

CAPS = b"200 hi\r\n101 caps\r\nVERSION 2\r\nREADER\r\nOVER\r\n.\r\n"


def test_a_dripping_greeting_ends_within_the_timeout_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeServer(dripping(b"", b"200 " + b"x" * 100 + b"\r\n", 1.5)) as server:
        started = time.monotonic()
        code = main.main(["--server", server.address, "--timeout", "2", "groups"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert elapsed < 3.5, elapsed
    assert code == 1 and err.count("\n") == 1 and "no answer within 2 s" in err


def test_a_dripping_answer_to_a_command_ends_within_the_timeout() -> None:
    with FakeServer(dripping(CAPS, b"215 list follows\r\n" + b"g 1 1 y\r\n" * 50, 0.3)) as server:
        address = ServerAddress("127.0.0.1", server.port)
        source = ResilientSource(lambda: NNTPClient(address, options=ConnectOptions(timeout=2)), "x")
        started = time.monotonic()
        with pytest.raises(ReplyTimeout, match="no complete answer to LIST within 2 s"):
            source.list_groups()
        assert time.monotonic() - started < 3.5
        assert source.reconnects == 0  # a drip is not worth a reconnect: it would only drip again


class _Sock:
    """Records the timeouts the deadline gives the socket."""

    def __init__(self) -> None:
        self.timeouts: list[float] = []

    def settimeout(self, value: float) -> None:
        self.timeouts.append(value)


def test_read_line_gathers_a_line_from_many_reads_and_keeps_the_rest() -> None:
    class OneByte(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.data = data

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            if not self.data:
                return 0
            buffer[0], self.data = self.data[0], self.data[1:]
            return 1

    stream = io.BufferedReader(OneByte(b"200 hello\r\nnext\r\n"))
    sock = _Sock()
    deadline = ReplyDeadline(5)
    assert read_line(stream, sock, deadline, 1 << 20) == b"200 hello\r\n"  # type: ignore[arg-type]
    assert read_line(stream, sock, deadline, 1 << 20) == b"next\r\n"  # type: ignore[arg-type]
    assert len(sock.timeouts) >= 17 and all(0 < t <= 5 for t in sock.timeouts)


def test_a_passed_deadline_raises_and_progress_buys_a_new_period() -> None:
    deadline = ReplyDeadline(0.05, progress_bytes=10)
    sock = _Sock()
    time.sleep(0.06)
    with pytest.raises(TimeoutError):
        deadline.arm(sock)  # type: ignore[arg-type]
    deadline.received(10)  # an answer still arriving at a real rate
    deadline.arm(sock)  # type: ignore[arg-type]
    assert deadline.dripping()  # bytes just arrived
    time.sleep(0.03)
    assert not deadline.dripping()  # silent for more than half a period


def test_a_long_answer_arriving_steadily_completes_past_one_period() -> None:
    block = b"".join(b"group.%05d 1 1 y\r\n" % i for i in range(4000))  # ~72 KB per block

    def steady(reader, conn):  # type: ignore[no-untyped-def]
        conn.sendall(CAPS)
        reader.readline()  # LIST ACTIVE
        conn.sendall(b"215 list follows\r\n")
        for _ in range(3):
            time.sleep(0.6)
            conn.sendall(block)
        conn.sendall(b".\r\n")
        reader.readline()
        conn.sendall(b"503 no descriptions\r\n")

    with FakeServer(steady) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=1))
        assert len(client.list_groups()) == 12000  # 1.8 s in all, with a 1 s timeout


def test_silence_is_still_a_lost_connection_worth_a_reconnect() -> None:
    from nntp.errors import ConnectionLost

    def silent(reader, conn):  # type: ignore[no-untyped-def]
        conn.sendall(CAPS)
        reader.readline()
        time.sleep(3)

    with FakeServer(silent) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=1))
        with pytest.raises(ConnectionLost):
            client.list_groups()


def test_the_cli_on_a_server_dripping_its_list_ends_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeServer(dripping(CAPS, b"215 list follows\r\n" + b"g 1 1 y\r\n" * 50, 1.5)) as server:
        started = time.monotonic()
        code = main.main(["--server", server.address, "--timeout", "2", "groups"])
        elapsed = time.monotonic() - started
    err = capsys.readouterr().err
    assert elapsed < 3.5, elapsed
    assert code == 1 and err.count("\n") == 1 and "no complete answer to LIST within 2 s" in err
