"""nntp/predial.py: a plain server dialled before the connection code is imported is the connection the client
then uses (one connection, not two); names and implicit TLS are left to the client; a server that refuses or
never answers is reported as it always was."""

from __future__ import annotations

import socket
import time
from typing import BinaryIO

import pytest

from nntp import predial
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.errors import SourceUnavailable
from nntp.tlsmode import TlsMode
from tests.fakes.server import FakeServer

CAPS = b"101 caps\r\nVERSION 2\r\nREADER\r\n.\r\n"


def greet_slowly(reader: BinaryIO, conn: socket.socket) -> None:
    time.sleep(0.05)  # as INN forks its reader before greeting
    conn.sendall(b"200 fake ready\r\n")
    for line in reader:
        verb = line.split()[0].upper() if line.split() else b""
        if verb == b"QUIT":
            conn.sendall(b"205 bye\r\n")
            return
        conn.sendall(CAPS if verb == b"CAPABILITIES" else b"211 3 1 3 g\r\n" if verb == b"GROUP" else b"500 ?\r\n")


def test_the_dialled_connection_is_the_one_the_client_uses() -> None:
    with FakeServer(greet_slowly) as server:
        predial.predial("127.0.0.1", server.port, TlsMode.NONE)
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=5, compress=False))
        try:
            assert client.select_group("g").high == 3
            assert client.greeting.startswith("200")
        finally:
            client.close()
        assert server.connections == 1
        assert predial.take("127.0.0.1", server.port, 5) is None  # taken once


@pytest.mark.parametrize(("host", "tls"), [("localhost", TlsMode.NONE), ("127.0.0.1", TlsMode.IMPLICIT)])
def test_names_and_implicit_tls_are_not_dialled_early(host: str, tls: TlsMode) -> None:
    with FakeServer(greet_slowly) as server:
        predial.predial(host, server.port, tls)
        assert predial.take(host, server.port, 5) is None


def test_a_refused_early_dial_is_reported_as_a_refused_connection() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    predial.predial("127.0.0.1", port, TlsMode.NONE)
    with pytest.raises(SourceUnavailable, match="connection refused"):
        NNTPClient(ServerAddress("127.0.0.1", port), options=ConnectOptions(timeout=5, compress=False))
