"""A deadline on every response as a whole, not on each socket read.

A socket timeout bounds one ``recv``: a server that drips a byte every second
never trips a 5-second timeout and holds the reader forever. So each command
(and the greeting) starts a ReplyDeadline, and before every read that may block
the socket's timeout is set to the time that is left; past the deadline the read
fails with TimeoutError. A long answer that keeps arriving at a real rate (every
PROGRESS_BYTES) earns a fresh period, so a big LIST ACTIVE or ARTICLE on a slow
but honest link still completes; a drip never reaches that mark.

``dripping`` tells the two ways a deadline passes apart: silence for the last
half period (a dead link, worth a reconnect) or bytes still trickling in (a
dripping server: reconnecting would only wait again).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Protocol

PROGRESS_BYTES = 64 * 1024
"""Bytes of an answer that buy it another full period."""


class BufferedStream(Protocol):
    """A buffered binary stream (io.BufferedReader, io.BufferedRWPair): what nntplib really reads from."""

    def peek(self, size: int = 0, /) -> bytes: ...
    def read(self, size: int = -1, /) -> bytes: ...
    def read1(self, size: int = -1, /) -> bytes: ...


class ReplyDeadline:
    """When the response now being read must be complete."""

    def __init__(self, seconds: float, progress_bytes: int = PROGRESS_BYTES) -> None:
        self.seconds = seconds
        self._progress_bytes = progress_bytes
        self._until = time.monotonic() + seconds
        self._received = 0
        self._last_byte = time.monotonic()

    def start(self) -> None:
        """A command was sent (or a connection opened): its answer has ``seconds`` from now."""
        self._until = time.monotonic() + self.seconds
        self._received = 0
        self._last_byte = time.monotonic()

    def arm(self, sock: socket.socket) -> None:
        """Before a read that may block: give the socket only the time that is left."""
        remaining = self._until - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no complete answer within {self.seconds:g} s")
        sock.settimeout(remaining)

    def received(self, count: int) -> None:
        """``count`` bytes arrived; every PROGRESS_BYTES of them extend the deadline by a period."""
        self._received += count
        if count:
            self._last_byte = time.monotonic()
        if self._received >= self._progress_bytes:
            self._received = 0
            self._until = time.monotonic() + self.seconds


    def dripping(self) -> bool:
        """Whether bytes arrived in the last half period (checked once the deadline has passed)."""
        return time.monotonic() - self._last_byte < self.seconds / 2


def read_line(file: BufferedStream, sock: socket.socket, deadline: ReplyDeadline, limit: int) -> bytes:
    """One line (with its LF) from a buffered stream, within the deadline; at most ``limit + 1`` bytes.

    A line already in the buffer costs one peek; otherwise the line is gathered
    from as many reads as it takes, each given only the time that is left.
    """
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        deadline.arm(sock)
        chunk = file.peek(1)  # at most one raw read
        if not chunk:
            break
        end = chunk.find(b"\n")
        data = file.read(min(len(chunk) if end < 0 else end + 1, limit + 1 - size))
        parts.append(data)
        size += len(data)
        deadline.received(len(data))
        if data.endswith(b"\n"):
            break
    return b"".join(parts)


class DeadlineStream:
    """``read1`` of a connection's stream, bounded by its deadline (for ResponseReader)."""

    def __init__(self, file: BufferedStream, sock: Callable[[], socket.socket], deadline: ReplyDeadline) -> None:
        self._file = file
        self._sock = sock
        self._deadline = deadline

    def read1(self, size: int = -1, /) -> bytes:
        self._deadline.arm(self._sock())
        data = self._file.read1(size)
        self._deadline.received(len(data))
        return data
