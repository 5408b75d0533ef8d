"""A read-only mirror whose 440 names no address: the list address comes from the group's
description, else from the articles' List-Post (nntp/listaddr.py, NNTPClient.post)."""

from __future__ import annotations

from typing import Any

import pytest

from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.errors import PostRefused
from nntp.listaddr import address_in, mailto_in, with_list_address
from store.cache import Store
from store.outbox import Outbox
from tests.fakes.server import FakeServer

GROUP = "org.example.lists.dev"
ARTICLE = f"From: a@example.org\nNewsgroups: {GROUP}\nSubject: s\n\nx\n".encode()


def mirror(description: str, list_post: str):  # type: ignore[no-untyped-def]
    """A 201 mirror: bare 440 to POST; LIST NEWSGROUPS and HDR as given."""
    def handle(reader: Any, conn: Any) -> None:
        conn.sendall(b"201 read-only mirror\r\n")
        for line in reader:
            words = line.split()
            word = words[0].upper()
            if word == b"CAPABILITIES":
                conn.sendall(b"101 c\r\nVERSION 2\r\nREADER\r\nHDR\r\nLIST ACTIVE NEWSGROUPS\r\n.\r\n")
            elif word == b"GROUP":
                conn.sendall(f"211 3 1 3 {GROUP}\r\n".encode())
            elif word == b"LIST":
                conn.sendall(f"215 ok\r\n{GROUP} {description}\r\n.\r\n".encode())
            elif word == b"HDR":
                conn.sendall(f"225 ok\r\n3 {list_post}\r\n.\r\n".encode())
            elif word == b"POST":
                conn.sendall(b"440 posting not allowed\r\n")
            elif word == b"QUIT":
                conn.sendall(b"205 bye\r\n")
                return
            else:
                conn.sendall(b"500 what?\r\n")
    return handle


def refusal(description: str, list_post: str) -> str:
    with FakeServer(mirror(description, list_post)) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=5))
        try:
            with pytest.raises(PostRefused) as caught:
                client.post(ARTICLE)
        finally:
            client.close()
    return caught.value.reply


def test_the_description_names_the_list() -> None:
    reply = refusal("Development list, dev@lists.example.org", "")
    assert reply.startswith("440 posting not allowed") and mailto_in(reply) == "dev@lists.example.org"
    assert "description" in reply


def test_else_the_articles_list_post() -> None:
    reply = refusal("Development list", "<mailto:dev@lists.example.org>")
    assert mailto_in(reply) == "dev@lists.example.org" and "List-Post" in reply


def test_nothing_known_keeps_the_bare_reply(tmp_path: Any) -> None:
    assert refusal("Development list", "NO") == "440 posting not allowed"


def test_the_outbox_records_the_learned_address(tmp_path: Any) -> None:
    outbox = Outbox(Store(tmp_path / "s.sqlite3").db)
    outbox.add(ARTICLE, "<x@example.org>")
    with FakeServer(mirror("dev@lists.example.org", "")) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=5))
        (entry,) = outbox.flush(client.post)
        client.close()
    assert entry.state == "needs-mail" and entry.mailto == "dev@lists.example.org"


def test_the_pure_helpers() -> None:
    assert mailto_in("440 mailto:linux-media@vger.kernel.org to post") == "linux-media@vger.kernel.org"
    assert mailto_in("<mailto:list@example.org?subject=x>") == "list@example.org"
    assert address_in("public inbox for linux-media@vger.kernel.org.") == "linux-media@vger.kernel.org"
    assert address_in("no address here") == "" and mailto_in("440 no") == ""
    assert with_list_address("440 mailto:a@b.c", "x@y.z", "there") == "440 mailto:a@b.c"
