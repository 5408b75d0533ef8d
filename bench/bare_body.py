"""The floor of a body sync: a bare NNTP socket, GROUP, then BODY (or ARTICLE) for every article, pipelined.

bench/body_bench.py calls ``bare_socket`` in its own interpreter, and also runs
this file as a fresh process, the way ``pith sync`` is timed (interpreter start,
site, this script's few imports): the fair floor for the whole command.

    python bench/bare_body.py HOST PORT GROUP [BODY|ARTICLE] [compress]  ->  "articles bytes" on stdout
"""

from __future__ import annotations

import socket
import sys
import time
import zlib


class Wire:
    """A bare NNTP socket, raw or with COMPRESS DEFLATE (RFC 8054), reading lines and blocks."""

    def __init__(self, host: str, port: int, compress: bool) -> None:
        self.sock = socket.create_connection((host, port))
        self.buf = bytearray()
        self.inflate: zlib._Decompress | None = None
        self.deflate: zlib._Compress | None = None
        self.line()
        if compress:
            self.send(b"COMPRESS DEFLATE\r\n")
            if not self.line().startswith(b"206"):
                raise RuntimeError("the server refused COMPRESS")
            self.inflate = zlib.decompressobj(-15)
            self.deflate = zlib.compressobj(6, zlib.DEFLATED, -15)

    def send(self, data: bytes) -> None:
        if self.deflate is not None:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)

    def _fill(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError("server closed")
        self.buf += self.inflate.decompress(data) if self.inflate is not None else data

    def line(self) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            self._fill()
        line = bytes(self.buf[:end])
        del self.buf[: end + 2]
        return line

    def block(self) -> int:
        searched = 0
        while (end := self.buf.find(b"\r\n.\r\n", max(0, searched - 4))) < 0:
            searched = len(self.buf)
            self._fill()
        del self.buf[: end + 5]
        return end


def bare_socket(host: str, port: int, group: str, compress: bool = False, window: int = 100,
                verb: bytes = b"BODY") -> tuple[float, int, int]:
    """(seconds, bodies, bytes): GROUP, then BODY (or ARTICLE, what pith stores) low..high, ``window``
    in flight, blocks read whole."""
    t0 = time.perf_counter()
    wire = Wire(host, port, compress)
    wire.send(f"GROUP {group}\r\n".encode())
    _, _, low, high, _ = wire.line().split(maxsplit=4)
    numbers = list(range(int(low), int(high) + 1))
    sent = got = size = 0
    while got < len(numbers):
        if sent - got <= window // 2 and sent < len(numbers):
            batch = numbers[sent : sent + window - (sent - got)]
            wire.send(b"".join(b"%s %d\r\n" % (verb, n) for n in batch))
            sent += len(batch)
        status = wire.line()
        got += 1
        if status[:3] in (b"220", b"222"):
            size += wire.block()
    wire.send(b"QUIT\r\n")
    wire.sock.close()
    return time.perf_counter() - t0, len(numbers), size


if __name__ == "__main__":
    _, count, size = bare_socket(sys.argv[1], int(sys.argv[2]), sys.argv[3], "compress" in sys.argv[5:],
                                 verb=(sys.argv[4] if len(sys.argv) > 4 else "BODY").encode())
    print(count, size)
