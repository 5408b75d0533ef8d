"""The chunked multi-line reader and address parsing, fed whole and byte-at-a-time."""

from __future__ import annotations

import io

import pytest

from nntp.address import ServerAddress
from nntp.client import read_multiline
from nntp.errors import PithError, RemoteProtocolError


class Trickle(io.RawIOBase):
    """A raw stream that hands out at most ``step`` bytes per read (like a slow socket)."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data, self.pos, self.step = data, 0, step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self.data[self.pos : self.pos + min(self.step, len(buffer))]
        buffer[: len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


BLOCK = b"1\tsubj\r\n..dot-stuffed\r\n2\tcaf\xe9\r\n3\t\xc3\xa9t\xc3\xa9\r\n.\r\n"


@pytest.mark.parametrize("step", [1, 2, 7, 1 << 16])
def test_block_is_read_the_same_at_any_chunking(step: int) -> None:
    stream = io.BufferedReader(Trickle(BLOCK, step))
    assert read_multiline(stream) == ["1\tsubj", ".dot-stuffed", "2\tcafé", "3\tété"]


def test_missing_terminator_is_an_error_not_a_hang() -> None:
    with pytest.raises(EOFError):
        read_multiline(io.BufferedReader(Trickle(b"1\tx\r\n2\ty\r\n", 3)))


def test_endless_line_is_bounded() -> None:
    data = b"x" * (2 << 20)
    with pytest.raises(RemoteProtocolError):
        read_multiline(io.BufferedReader(Trickle(data, 1 << 16)))


def test_bytes_after_terminator_are_reported() -> None:
    with pytest.raises(RemoteProtocolError):
        read_multiline(io.BufferedReader(Trickle(b"a\r\n.\r\n200 surprise\r\n", 1 << 16)))


@pytest.mark.parametrize("text, host, port", [
    ("news.example.org", "news.example.org", 119),
    ("127.0.0.1:1119", "127.0.0.1", 1119),
    ("nntp://127.0.0.1:1119/", "127.0.0.1", 1119),
    ("[::1]:563", "::1", 563),
    ("::1", "::1", 119),
])
def test_server_address(text: str, host: str, port: int) -> None:
    address = ServerAddress.parse(text)
    assert (address.host, address.port) == (host, port)


def test_bad_port_is_a_clear_error() -> None:
    with pytest.raises(PithError, match="port must be a number"):
        ServerAddress.parse("host:abc")
