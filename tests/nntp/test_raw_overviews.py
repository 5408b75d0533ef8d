"""OVER as raw slices: whole answers pass through untouched; a cut answer yields its whole records first."""

from __future__ import annotations

import socket
from typing import BinaryIO

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.errors import ConnectionLost
from tests.fakes.server import FakeServer, reader_session

GROUP = b"211 9 1 9 g\r\n"
FMT = b"215 fmt\r\nSubject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n:bytes\r\n:lines\r\n.\r\n"


def line(n: int) -> bytes:
    return f"{n}\ts{n}\tf\tTue, 02 Jan 2024 02:10:23 +0000\t<{n}@x>\t\t1\t1\r\n".encode()


def client(server: FakeServer, timeout: float = 2) -> NNTPClient:
    return NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=timeout))


def test_whole_answers_are_passed_on_as_they_came() -> None:
    body = line(1) + b"..dotted\tjunk\r\n" + line(3)
    with FakeServer(reader_session({"GROUP": GROUP, "LIST": FMT, "OVER": b"224 ok\r\n" + body + b".\r\n"})) as server:
        (raw,) = list(client(server).iter_raw_overviews("g", 1, 9))
    assert (raw.first, raw.last, raw.data, raw.complete) == (1, 9, body, True)
    batch = raw.parse()
    assert [o.number for o in batch.overviews] == [1, 3] and batch.skipped == 1


@pytest.mark.parametrize("cut", [0, 5, len(line(1)), len(line(1)) + 3, len(line(1) + line(2)) - 1])
def test_a_cut_answer_yields_its_whole_records_then_connection_lost(cut: int) -> None:
    answer = line(1) + line(2) + line(4)

    def handle(reader: BinaryIO, conn: socket.socket) -> None:
        session = reader_session({"GROUP": GROUP, "LIST": FMT, "OVER": b"224 ok\r\n" + answer[:cut]})
        session(reader, conn)  # answers the handshake, then the start of OVER; stops when we hang up

    got = []
    with FakeServer(handle) as server:
        c = client(server, timeout=0.5)  # the fake falls silent after the cut: a timeout is the drop
        with pytest.raises(ConnectionLost):
            for raw in c.iter_raw_overviews("g", 1, 9):
                got.append(raw)
    whole = answer[:cut][: answer[:cut].rfind(b"\r\n") + 2] if b"\r\n" in answer[:cut] else b""
    if whole:
        (raw,) = got
        assert (raw.first, raw.data, raw.complete) == (1, whole, False)
        assert raw.last == int(whole.rsplit(b"\r\n", 2)[-2].split(b"\t")[0])
    else:
        assert got == []
