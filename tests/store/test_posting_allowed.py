"""Whether posting can work, known before anything is written: the server's word (greeting or
capabilities), read_only in config.toml, and the group's LIST ACTIVE flag (kept across GROUP)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from cli.context import open_library_factory, resolve_server
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from nntp.models import GroupInfo
from store.cache import Store
from store.library import Library
from tests.fakes.server import FakeServer, reader_session
from tests.fakes.source import FakeSource, make_overview

CAPS = b"101 caps\r\nVERSION 2\r\nREADER\r\nOVER\r\n"


def posting_allowed(greeting: bytes, capabilities: bytes | None) -> bool:
    commands = {"CAPABILITIES": capabilities} if capabilities is not None else {}
    with FakeServer(reader_session(commands, greeting=greeting)) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=2))
        try:
            return client.posting_allowed
        finally:
            client.close()


def test_the_server_says_whether_this_reader_may_post() -> None:
    assert posting_allowed(b"200 ok\r\n", CAPS + b"POST\r\n.\r\n")
    assert not posting_allowed(b"201 no posting\r\n", CAPS + b".\r\n")
    assert not posting_allowed(b"200 ok\r\n", CAPS + b".\r\n")  # CAPABILITIES is the later, finer word
    assert posting_allowed(b"200 ok\r\n", b"500 what?\r\n")  # no CAPABILITIES: the greeting decides
    assert not posting_allowed(b"201 read-only mirror\r\n", b"500 what?\r\n")


class ReadOnlySource(FakeSource):
    posting_allowed = False
    greeting = "201 archive mirror, posting not allowed"


def test_posting_refusal_names_the_reason(tmp_path: Path) -> None:
    groups = {"g": [make_overview(1)], "ro": [make_overview(1)]}
    library = Library(Store(tmp_path / "a.sqlite3"), lambda: FakeSource(groups))
    library.groups()
    library.store.group_table.save([replace(group, posting="n") if group.name == "ro" else group
                               for group in library.store.group_table.all()])
    assert library.posting_refusal("g") is None and library.posting_refusal() is None
    assert library.posting_refusal("ro") == "ro is read-only (active flag n)"
    library.enter_group("ro")  # GROUP tells no flag: the one from LIST ACTIVE stays
    assert library.store.group_table.get("ro") == GroupInfo("ro", 1, 1, 1, "n", "")
    assert (library.posting_refusal("ro") or "").startswith("ro is read-only")
    library.close()

    mirror = Library(Store(tmp_path / "b.sqlite3"), lambda: ReadOnlySource(groups))
    mirror.groups()
    assert mirror.posting_refusal("g") == "the server takes no posts: 201 archive mirror, posting not allowed"
    mirror.close()

    configured = Library(Store(tmp_path / "c.sqlite3"), lambda: FakeSource(groups), read_only=True)
    assert configured.posting_refusal("g") == "read_only = true in config.toml"
    offline = Library(Store(tmp_path / "b.sqlite3"), lambda: ReadOnlySource(groups), offline=True)
    assert offline.posting_refusal("g") is None  # nothing known: a post waits in the outbox


def test_read_only_in_config_reaches_the_library(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[servers.lore]\nhost = "nntp.lore.example"\nread_only = true\n'
                      '[servers.home]\nhost = "news.example.org"\n')
    args = argparse.Namespace(config=str(config), timeout=None, offline=False)
    assert resolve_server(argparse.Namespace(**vars(args), server="lore")).read_only
    assert not resolve_server(argparse.Namespace(**vars(args), server="home")).read_only
    assert not resolve_server(argparse.Namespace(**vars(args), server="news.example.org")).read_only
    factory, _title = open_library_factory(argparse.Namespace(**vars(args), server="lore", command="read",
                                                              archive=None))
    library = factory()  # connects only when first used
    assert library.read_only and library.posting_refusal() == "read_only = true in config.toml"
    library.close()
