"""Posting through the outbox against INN2: sent, refused, read-only, and a retry after a lost reply."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

import main
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.compose import finish_article, split_article
from store.cache import Store
from store.outbox import Outbox
from tests.fakes.proxy import CuttingProxy
from tests.fakes.server import FakeServer

pytestmark = pytest.mark.integration


def article_file(tmp_path: Path, group: str, subject: str = "pith post test") -> Path:
    path = tmp_path / "article.txt"
    path.write_text(f"From: Tester <tester@example.org>\nNewsgroups: {group}\nSubject: {subject}\n\nHello, café.\n")
    return path


def count(inn_server: Any, group: str) -> int:
    return inn_server.group_counts()[group][0]


def has_article(inn_server: Any, message_id: str) -> bool:
    with socket.create_connection((inn_server.host, inn_server.port), timeout=10) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(f"STAT {message_id}\r\n".encode())
        f.flush()
        return f.readline().startswith(b"223")


def test_post_is_sent_with_our_message_id(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = count(inn_server, "local.test")
    code = main.main(["--server", inn_server.address, "post", str(article_file(tmp_path, "local.test")), "--json"])
    entry = json.loads(capsys.readouterr().out)[0]
    assert code == 0 and entry["state"] == "sent"
    assert has_article(inn_server, entry["message_id"])
    assert count(inn_server, "local.test") == before + 1


def test_retry_after_a_lost_reply_counts_the_duplicate_as_sent(inn_server: Any, tmp_path: Path) -> None:
    fields, body = split_article(article_file(tmp_path, "local.test", "lost reply").read_bytes())
    raw, message_id = finish_article(fields, body)
    outbox = Outbox(Store(tmp_path / "s.sqlite3").db)
    entry_id = outbox.add(raw, message_id)
    before = count(inn_server, "local.test")
    # The proxy forwards the article, then cuts the connection just before the 240:
    # the server stores the article but pith never hears that it did.
    proxy = CuttingProxy((inn_server.host, inn_server.port), [], cut_before=b"240")
    client = NNTPClient(ServerAddress.parse(proxy.address), options=ConnectOptions(timeout=10, compress=False))
    first = outbox.flush(client.post)
    proxy.close()
    assert proxy.cut_done == 1
    assert next(e for e in first if e.id == entry_id).state == "queued"
    retry = NNTPClient(ServerAddress(inn_server.host, inn_server.port), options=ConnectOptions(timeout=10))
    second = outbox.flush(retry.post)
    retry.close()
    entry = next(e for e in second if e.id == entry_id)
    assert entry.state == "sent" and "already on the server" in entry.reply
    assert has_article(inn_server, message_id)
    assert count(inn_server, "local.test") == before + 1  # posted once, not twice


def test_read_only_group_is_refused_up_front_on_stderr(
    inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No group list cached: pith asks the server (LIST ACTIVE name), learns flag n, queues nothing (exit 2)."""
    code = main.main(["--server", inn_server.address, "post", str(article_file(tmp_path, "sample.readonly")), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "sample.readonly is read-only (active flag n)" in err
    code = main.main(["--server", inn_server.address, "post", str(article_file(tmp_path, "no.such.group")), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and "no.such.group does not exist on this server" in err
    main.main(["--server", inn_server.address, "outbox", "list", "--json"])
    assert json.loads(capsys.readouterr().out) == []


def test_440_from_a_public_inbox_style_server_offers_the_mailto(tmp_path: Path) -> None:
    def handle(reader, conn):  # type: ignore[no-untyped-def]
        # As public-inbox does: the mailto only once a group is selected.
        conn.sendall(b"201 read-only mirror\r\n")
        selected = False
        for line in reader:
            word = line.split()[0].upper()
            if word == b"CAPABILITIES":
                conn.sendall(b"101 c\r\nREADER\r\n.\r\n")
            elif word == b"GROUP":
                selected = line.split()[1] == b"list.linux-media"
                conn.sendall(b"211 1 1 1 list.linux-media\r\n" if selected else b"411 no such group\r\n")
            elif word == b"POST":
                conn.sendall(b"440 mailto:linux-media@vger.kernel.org\r\n" if selected else b"440 posting not allowed\r\n")
            elif word == b"QUIT":
                return

    fields, body = split_article(article_file(tmp_path, "list.linux-media").read_bytes())
    raw, message_id = finish_article(fields, body)
    outbox = Outbox(Store(tmp_path / "s.sqlite3").db)
    outbox.add(raw, message_id)
    with FakeServer(handle) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=5))
        assert not client.posting_allowed
        (entry,) = outbox.flush(client.post)
    assert entry.state == "needs-mail" and entry.mailto == "linux-media@vger.kernel.org"
    assert entry.raw == raw


def test_header_checks_refuse_before_anything_is_queued(
    inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main.main(["--server", inn_server.address, "groups"])
    bad = tmp_path / "bad.txt"
    bad.write_text("From: nobody\nNewsgroups: no.such.group\nSubject: \n\nbody\n")
    code = main.main(["--server", inn_server.address, "post", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Subject is missing" in err and "no.such.group does not exist" in err and "From needs" in err
    main.main(["--server", inn_server.address, "outbox", "--json"])
    assert json.loads(capsys.readouterr().out) == []


def test_post_to_a_server_marked_read_only_is_refused_up_front(inn_server: Any, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """read_only = true in config.toml: `pith post` says so and queues nothing, as P does in the reader."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    config = tmp_path / "config.toml"
    config.write_text(f'[servers.ro]\nhost = "{inn_server.host}"\nport = {inn_server.port}\nread_only = true\n'
                      'compress = false\n')
    before = count(inn_server, "local.test")
    code = main.main(["--config", str(config), "--server", "ro", "post", str(article_file(tmp_path, "local.test"))])
    err = capsys.readouterr().err
    assert code == 2 and "posting is not allowed here: read_only = true in config.toml" in err
    assert count(inn_server, "local.test") == before
    code = main.main(["--config", str(config), "--server", "ro", "outbox", "list", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out) == []
