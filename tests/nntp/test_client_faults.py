"""Malformed and hostile server behaviour gives clear errors and bounded memory."""

from __future__ import annotations

import resource

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.errors import AuthenticationFailed, ConnectionLost, NoSuchGroup, RemoteProtocolError, SourceUnavailable
from tests.fakes.server import FakeServer, reader_session

GROUP = b"211 3 1 3 g\r\n"
FMT = b"215 fmt\r\nSubject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n:bytes\r\n:lines\r\n.\r\n"


def client(server: FakeServer, **options: object) -> NNTPClient:
    return NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=2, **options))  # type: ignore[arg-type]


def test_garbage_greeting_is_a_clear_refusal() -> None:
    with FakeServer(reader_session({}, greeting=b"\x00\xffHELLO garbage\r\n")) as server:
        with pytest.raises(SourceUnavailable, match=f"127.0.0.1:{server.port}"):
            client(server)


def test_unexpected_group_reply_and_unknown_group() -> None:
    with FakeServer(reader_session({"GROUP": b"211 nonsense\r\n"})) as server:
        with pytest.raises(RemoteProtocolError, match="unexpected GROUP reply"):
            client(server).select_group("g")
    with FakeServer(reader_session({"GROUP": b"411 no such group\r\n"})) as server:
        with pytest.raises(NoSuchGroup):
            client(server).select_group("g")


def test_missing_terminator_is_connection_lost_not_a_hang() -> None:
    over = b"224 ok\r\n1\ts\tf\td\t<m@x>\t\t1\t1\r\n"
    with FakeServer(reader_session({"GROUP": GROUP, "LIST": FMT, "OVER": over})) as server:
        c = client(server)
        with pytest.raises(ConnectionLost):
            list(c.iter_overviews("g", 1, 3))


def test_garbage_lines_in_over_are_skipped_and_counted() -> None:
    over = b"224 ok\r\n\xff\xfe\x00garbage\r\n2\ts\tf\td\t<m@x>\t\t1\t1\r\nnot-a-number\tx\r\n.\r\n"
    with FakeServer(reader_session({"GROUP": GROUP, "LIST": FMT, "OVER": over})) as server:
        (batch,) = list(client(server).iter_overviews("g", 1, 3))
    assert [o.number for o in batch.overviews] == [2]
    assert batch.skipped == 2


def test_endless_line_is_refused_with_bounded_memory() -> None:
    def endless(reader, conn):  # type: ignore[no-untyped-def]
        conn.sendall(b"200 hi\r\n")
        for line in reader:
            word = line.split()[0].upper()
            if word == b"CAPABILITIES":
                conn.sendall(b"101 c\r\nREADER\r\nOVER\r\n.\r\n")
            elif word == b"GROUP":
                conn.sendall(GROUP)
            elif word == b"LIST":
                conn.sendall(FMT)
            elif word == b"OVER":
                conn.sendall(b"224 ok\r\n")
                chunk = b"x" * 65536
                try:
                    for _ in range(64 * 16):  # up to 64 MiB without a newline
                        conn.sendall(chunk)
                except OSError:
                    return

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with FakeServer(endless) as server:
        with pytest.raises(RemoteProtocolError, match="longer than 1 MiB"):
            list(client(server).iter_overviews("g", 1, 3))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 32


def test_wrong_reply_code_to_over() -> None:
    with FakeServer(reader_session({"GROUP": GROUP, "LIST": FMT, "OVER": b"299 surprise\r\n"})) as server:
        with pytest.raises(RemoteProtocolError, match="OVER"):
            list(client(server).iter_overviews("g", 1, 3))


def test_silence_mid_command_times_out_as_connection_lost() -> None:
    with FakeServer(reader_session({"GROUP": GROUP, "LIST": FMT, "OVER": b"224 ok\r\n"})) as server:
        c = client(server)
        with pytest.raises(ConnectionLost):
            list(c.iter_overviews("g", 1, 3))


def auth_server(password: str) -> FakeServer:
    """Answers 480 until AUTHINFO USER pith / PASS <password> succeeds."""

    def handle(reader, conn):  # type: ignore[no-untyped-def]
        conn.sendall(b"200 hi\r\n")
        authed = False
        user = b""
        for line in reader:
            parts = line.strip().split(b" ")
            word = parts[0].upper()
            if word == b"CAPABILITIES":
                conn.sendall(b"101 c\r\nREADER\r\nAUTHINFO USER\r\n.\r\n")
            elif word == b"AUTHINFO" and parts[1].upper() == b"USER":
                user = parts[2]
                conn.sendall(b"381 pass\r\n")
            elif word == b"AUTHINFO" and parts[1].upper() == b"PASS":
                authed = user == b"pith" and parts[2] == password.encode()
                conn.sendall(b"281 ok\r\n" if authed else b"481 bad\r\n")
            elif not authed:
                conn.sendall(b"480 auth required\r\n")
            elif word == b"GROUP":
                conn.sendall(GROUP)
            elif word == b"QUIT":
                conn.sendall(b"205 bye\r\n")
                return

    return FakeServer(handle)


def test_login_happens_when_the_server_asks() -> None:
    with auth_server("s3cret") as server:
        c = client(server, user="", password="")
        with pytest.raises(AuthenticationFailed, match="no credentials"):
            c.select_group("g")
    with auth_server("s3cret") as server:
        c = client(server, credentials=lambda host: ("pith", "s3cret"))
        assert c.select_group("g").count == 3


def test_wrong_password_is_clear_and_never_echoed() -> None:
    with auth_server("right") as server:
        with pytest.raises(AuthenticationFailed) as err:
            client(server, user="pith", password="wrong-pw")
    assert "login as 'pith' failed" in str(err.value)
    assert "wrong-pw" not in str(err.value) and "wrong-pw" not in repr(err.value)


def test_no_clear_text_password_off_loopback() -> None:
    from nntp.connect import authenticate

    class Conn:
        def login(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("must not send")

    options = ConnectOptions(user="me", password="pw")
    with pytest.raises(AuthenticationFailed, match="refusing to send the password"):
        authenticate(Conn(), "news.example.org", "news.example.org:119", options)  # type: ignore[arg-type]
    sent = []

    class Recorder:
        def login(self, user: str, password: str, usenetrc: bool) -> None:
            sent.append(user)

    authenticate(Recorder(), "news.example.org", "x", ConnectOptions(user="me", password="pw", tls="starttls"))  # type: ignore[arg-type]
    authenticate(Recorder(), "news.example.org", "x",
                 ConnectOptions(user="me", password="pw", allow_plaintext_auth=True))  # type: ignore[arg-type]
    assert sent == ["me", "me"]
    assert "pw" not in repr(options)
