"""Socket layers under nntplib's buffered file: byte counting and COMPRESS DEFLATE (RFC 8054).

nntplib reads and writes ``self.file``, a buffered pair over a raw stream. After
TLS and authentication we swap that raw stream for one of these, so every byte
on the wire is counted (for ``--verbose``) and, once the server answered 206,
inflated and deflated transparently (raw deflate, wbits=-15, a sync flush per
command so the server sees each command at once).
"""

from __future__ import annotations

import io
import socket
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nntp.quickack import quick_ack

if TYPE_CHECKING:  # typeshed's names for "any bytes-like object" (collections.abc.Buffer is 3.12+)
    from _typeshed import ReadableBuffer, WriteableBuffer


@dataclass
class WireStats:
    """Bytes as they crossed the socket and as nntplib saw them."""

    wire_in: int = 0
    wire_out: int = 0
    plain_in: int = 0
    plain_out: int = 0
    compressed: bool = False

    @property
    def ratio(self) -> float:
        """Plain bytes per wire byte received (1.0 without compression)."""
        return self.plain_in / self.wire_in if self.wire_in else 1.0

    def summary(self) -> str:
        mode = "COMPRESS DEFLATE" if self.compressed else "uncompressed"
        return (f"{self.wire_in:,} bytes in, {self.wire_out:,} out on the wire ({mode}); "
                f"{self.plain_in:,} bytes of NNTP in, ratio {self.ratio:.2f}")


class CountingSocketIO(io.RawIOBase):
    """A raw stream over a (TLS) socket that counts bytes both ways."""

    def __init__(self, sock: socket.socket, stats: WireStats) -> None:
        super().__init__()
        self.sock = sock
        self.stats = stats

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        n = self.sock.recv_into(buffer)
        self.stats.wire_in += n
        self.stats.plain_in += n
        return n

    def write(self, data: ReadableBuffer, /) -> int:
        size = memoryview(data).nbytes
        self.sock.sendall(data)
        quick_ack(self.sock)  # the answer is ACKed at once: no 40 ms Nagle stall (nntp/quickack.py)
        self.stats.wire_out += size
        self.stats.plain_out += size
        return size


class DeflateSocketIO(CountingSocketIO):
    """Raw deflate both ways; the compressed stream is continuous for the connection's life."""

    def __init__(self, sock: socket.socket, stats: WireStats) -> None:
        super().__init__(sock, stats)
        self._inflate = zlib.decompressobj(-15)
        self._deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._pending = memoryview(b"")
        self._recv = bytearray(1 << 16)
        stats.compressed = True

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        target = memoryview(buffer).cast("B")
        while not self._pending:
            n = self.sock.recv_into(self._recv)
            if n == 0:
                return 0
            self.stats.wire_in += n
            self._pending = memoryview(self._inflate.decompress(bytes(self._recv[:n])))
            if self._inflate.unused_data:
                raise OSError("COMPRESS: data after the end of the deflate stream")
        size = min(len(target), len(self._pending))
        target[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self.stats.plain_in += size
        return size

    def write(self, data: ReadableBuffer, /) -> int:
        plain = bytes(data)
        packed = self._deflate.compress(plain) + self._deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(packed)
        quick_ack(self.sock)
        self.stats.wire_out += len(packed)
        self.stats.plain_out += len(plain)
        return len(plain)
