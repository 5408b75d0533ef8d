"""Loopback TCP proxies for fault injection between pith and a real server.

CuttingProxy cuts connections at chosen byte offsets: ``cuts`` lists, per accepted
connection in order, after how many server->client bytes to drop it (None: never).
RewritingProxy changes what the server says, line by line.
"""

from __future__ import annotations

import socket
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable


class _LoopbackProxy(ABC):
    """Listens on a free loopback port; each accepted client gets its own connection upstream,
    handed to ``_connected`` (which starts the pumping threads)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.accepted = 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])

    def start(self) -> None:
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            index = self.accepted
            self.accepted += 1
            try:
                server = socket.create_connection(self.upstream, timeout=30)
            except OSError:
                client.close()
                continue
            self._connected(index, client, server)

    @abstractmethod
    def _connected(self, index: int, client: socket.socket, server: socket.socket) -> None:
        """Start moving bytes between ``client`` and ``server`` (the ``index``-th connection)."""

    def close(self) -> None:
        self.sock.close()


class CuttingProxy(_LoopbackProxy):
    def __init__(self, upstream: tuple[str, int], cuts: list[int | None], cut_before: bytes | None = None) -> None:
        super().__init__(upstream)
        self.cut_before = cut_before
        """Also cut the first connection just before a server line starting with these bytes."""
        self.cuts = list(cuts)
        self.cut_done = 0
        self.to_client = 0
        """Server->client bytes forwarded so far, over all connections."""
        self.start()

    def _connected(self, index: int, client: socket.socket, server: socket.socket) -> None:
        cut = self.cuts[index] if index < len(self.cuts) else None
        threading.Thread(target=self._pump, args=(client, server, None, False), daemon=True).start()
        threading.Thread(target=self._pump, args=(server, client, cut, True), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, cut: int | None, downstream: bool) -> None:
        sent = 0
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if downstream and self.cut_before is not None and not self.cut_done:
                    at = (b"\n" + data).find(b"\n" + self.cut_before)
                    if at >= 0:
                        dst.sendall(data[:at])
                        self.cut_done += 1
                        break
                if cut is not None and sent + len(data) >= cut:
                    dst.sendall(data[: cut - sent])
                    self.cut_done += 1
                    break
                dst.sendall(data)
                sent += len(data)
                if downstream:
                    self.to_client += len(data)
        except OSError:
            pass
        _close(src, dst)


class RewritingProxy(_LoopbackProxy):
    """A loopback proxy that rewrites the server's lines: ``rewrite(line)`` returns the line to pass on
    (CRLF included), or None to drop it. For a real server that must say something else (a 201
    greeting, fewer capabilities); the link must not be compressed, as lines are read as they come."""

    def __init__(self, upstream: tuple[str, int], rewrite: Callable[[bytes], bytes | None]) -> None:
        super().__init__(upstream)
        self.rewrite = rewrite
        self.start()

    def _connected(self, index: int, client: socket.socket, server: socket.socket) -> None:
        threading.Thread(target=self._forward, args=(client, server), daemon=True).start()
        threading.Thread(target=self._rewrite_lines, args=(server, client), daemon=True).start()

    def _forward(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        _close(src, dst)

    def _rewrite_lines(self, src: socket.socket, dst: socket.socket) -> None:
        pending = b""
        try:
            while data := src.recv(65536):
                *lines, pending = (pending + data).split(b"\n")
                out = (self.rewrite(line + b"\n") for line in lines)
                dst.sendall(b"".join(line for line in out if line is not None))
        except OSError:
            pass
        _close(src, dst)


def _close(*sockets: socket.socket) -> None:
    for s in sockets:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()
