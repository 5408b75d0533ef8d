"""nntp/quickack.py: every command written arms TCP_QUICKACK, so a Nagle server's answer is not held 40 ms.

The time it saves is a figure, not a test: bench/body_bench.py prints a cold fetch of one article
(~44 ms on INN without it, under 1 ms with it).
"""

from __future__ import annotations

import socket

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
