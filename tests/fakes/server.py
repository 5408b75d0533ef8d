"""A scriptable NNTP server on loopback for fault injection a real server can't do.

Each connection runs ``handler(reader, writer)`` in a thread; tests script the
bytes. Only 127.0.0.1 is ever bound.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from typing import BinaryIO

Handler = Callable[[BinaryIO, socket.socket], None]


class FakeServer:
    """Listens on 127.0.0.1:<free port>; serves each connection with ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        with conn:
            reader = conn.makefile("rb")
            try:
                self.handler(reader, conn)
            except OSError:
                pass

    def close(self) -> None:
        self._stop = True
        self.sock.close()

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def reader_session(commands: dict[str, bytes], greeting: bytes = b"200 fake ready\r\n") -> Handler:
    """A handler answering each command (first word, upper-cased) with canned bytes."""
    caps = b"101 caps\r\nVERSION 2\r\nREADER\r\nOVER\r\n.\r\n"

    def handle(reader: BinaryIO, conn: socket.socket) -> None:
        conn.sendall(greeting)
        for line in reader:
            word = line.split(b" ", 1)[0].strip().upper().decode()
            if word == "QUIT":
                conn.sendall(b"205 bye\r\n")
                return
            if word == "CAPABILITIES" and "CAPABILITIES" not in commands:
                conn.sendall(caps)
                continue
            reply = commands.get(word, b"500 what?\r\n")
            if reply == b"<close>":
                return
            conn.sendall(reply)

    return handle


def routed_session(routes: dict[str, bytes], greeting: bytes = b"200 fake ready\r\n",
                   seen: list[bytes] | None = None) -> Handler:
    """A handler answering by the longest matching command prefix (upper-cased), e.g. "LIST ACTIVE",
    "GROUP no.such", "GROUP"; unmatched commands get 500. Every line received goes to ``seen``.
    After a 340 to POST the article is read up to its "." and answered with ``routes["<article>"]``."""
    caps = b"101 caps\r\nVERSION 2\r\nREADER\r\nPOST\r\nOVER\r\n.\r\n"
    table = {"CAPABILITIES": caps, "QUIT": b"205 bye\r\n", **routes}

    def handle(reader: BinaryIO, conn: socket.socket) -> None:
        conn.sendall(greeting)
        for line in reader:
            if seen is not None:
                seen.append(line)
            command = line.decode("latin-1").strip()
            match = max((k for k in table if command.upper().startswith(k.upper())), key=len, default="")
            conn.sendall(table.get(match, b"500 what?\r\n"))
            if match == "QUIT":
                return
            if match.upper() == "POST" and table[match].startswith(b"340"):
                for data in reader:
                    if data in (b".\r\n", b".\n"):
                        break
                conn.sendall(table.get("<article>", b"240 article received\r\n"))

    return handle


def dripping(prefix: bytes, drip: bytes, interval: float) -> Handler:
    """A handler that sends ``prefix`` at once, then ``drip`` one byte every ``interval`` seconds:
    a server that is alive but never finishes a line. With ``prefix`` = b"" the greeting drips;
    with a greeting and CAPABILITIES in it, the first command's answer does."""

    def handle(reader: BinaryIO, conn: socket.socket) -> None:
        conn.sendall(prefix)
        for byte in drip:
            time.sleep(interval)
            conn.sendall(bytes([byte]))

    return handle
