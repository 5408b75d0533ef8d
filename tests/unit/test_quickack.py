"""nntp/quickack.py: an answer written in pieces by a Nagle server arrives without the 40 ms delayed-ACK stall."""

from __future__ import annotations

import io
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from nntp.compress import CountingSocketIO, DeflateSocketIO, WireStats
from nntp.quickack import quick_ack

linux_only = pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK is Linux's")


class _Recorder:
    """A socket that records what is done to it."""

    def __init__(self) -> None:
        self.calls: list[tuple[object, ...]] = []

    def sendall(self, data: bytes) -> None:
        self.calls.append(("sendall", bytes(data)))

    def setsockopt(self, *args: object) -> None:
        self.calls.append(("setsockopt", *args))


@linux_only
@pytest.mark.parametrize("raw_class", [CountingSocketIO, DeflateSocketIO])
def test_every_command_written_arms_quick_ack_after_it(raw_class: type[CountingSocketIO]) -> None:
    sock = _Recorder()
    raw_class(sock, WireStats()).write(b"ARTICLE 1\r\n")  # type: ignore[arg-type]
    assert [c[0] for c in sock.calls] == ["sendall", "setsockopt"]
    assert sock.calls[1][1:] == (socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


def test_a_socket_that_is_not_tcp_or_has_no_options_is_left_alone() -> None:
    left, right = socket.socketpair()
    with left, right:
        quick_ack(left)  # AF_UNIX: the kernel refuses the option; nothing is raised
    quick_ack(object())


@pytest.fixture
def nagle_server() -> Iterator[tuple[str, int]]:
    """Answers each line with a status line and, in a second write, a dot-terminated block (as INN does)."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as lines:
            for _ in lines:
                conn.sendall(b"215 here it comes\r\n")
                conn.sendall(b"one line\r\n.\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[:2]
    listener.close()


@linux_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="delayed ACK timing is Linux's")
def test_ten_multi_line_answers_do_not_wait_for_delayed_acks(nagle_server: tuple[str, int]) -> None:
    sock = socket.create_connection(nagle_server)
    stream = io.BufferedRWPair(CountingSocketIO(sock, WireStats()), CountingSocketIO(sock, WireStats()))
    with sock:
        started = time.perf_counter()
        for _ in range(10):
            stream.write(b"LIST OVERVIEW.FMT\r\n")
            stream.flush()
            while stream.readline() != b".\r\n":
                pass
        elapsed = time.perf_counter() - started
    assert elapsed < 0.2, f"{elapsed:.3f} s for 10 answers: the 40 ms delayed-ACK stall is back"
