"""Offline: the cache is served and the user is told once; the sync/expire/search commands."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from nntp.address import ServerAddress
from nntp.errors import NoSuchArticle, SourceUnavailable
from store.cache import Store, store_path
from store.library import Library
from store.paths import data_dir
from tests.fakes.source import FakeSource, make_overview
from tests.cli_run import run


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def refuse() -> FakeSource:
    raise SourceUnavailable("news.example:119: connection refused")


def cached_store(path: Path) -> None:
    lib = Library(Store(path), lambda: FakeSource({"g": [make_overview(1), make_overview(2, parent=1)]}))
    lib.groups()
    lib.enter_group("g")
    lib.article("g", 1)
    lib.close()


def test_unreachable_server_with_a_cache_goes_offline_once(tmp_path: Path) -> None:
    cached_store(tmp_path / "s.sqlite3")
    lib = Library(Store(tmp_path / "s.sqlite3"), refuse)
    told: list[str] = []
    lib.on_offline = told.append
    assert [g.name for g in lib.groups()] == ["g"]
    load = lib.enter_group("g")
    assert load.offline and len(load.overviews) == 2
    assert lib.article("g", 1).body == "body 1\n"
    with pytest.raises(NoSuchArticle, match=r"g: article 2 has no cached body \(offline: news.example:119"):
        lib.article("g", 2)
    assert told == ["news.example:119: connection refused"] and lib.offline_reason == told[0]
    assert [h.number for h in lib.search("topic")] == [2, 1]


def test_unreachable_server_without_a_cache_is_still_an_error(tmp_path: Path) -> None:
    lib = Library(Store(tmp_path / "s.sqlite3"), refuse)
    with pytest.raises(SourceUnavailable, match="refused"):
        lib.groups()


def test_cli_says_offline_once_and_shows_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    address = f"127.0.0.1:{port}"
    cached_store(store_path(data_dir(), ServerAddress.parse(address).identity))
    code, out, err = run(capsys, "--server", address, "groups")
    assert code == 3 and out.startswith("g ")  # README "Exit status": 3, answered from the cache
    assert err.count("pith: offline (") == 1 and "refused" in err and "showing cached data" in err
    code, out, err = run(capsys, "--server", address, "article", "g", "2")
    assert code == 2 and "no cached body (offline: " in err and err.count("pith: offline (") == 1
    code, out, err = run(capsys, "--server", address, "--offline", "threads", "g")
    assert code == 0 and "topic 1" in out and err == "pith: offline (--offline) — showing cached data\n"


def test_sync_needs_a_server_and_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    code, _, err = run(capsys, "--server", f"127.0.0.1:{port}", "sync", "g")
    assert code == 1 and "refused" in err
    code, _, err = run(capsys, "--server", f"127.0.0.1:{port}", "sync")
    assert code == 2 and "no subscribed groups" in err


MBOX = b"".join(
    f"From x Thu Jan  1 00:00:00 1970\nFrom: Ann <ann@example.org>\nSubject: note {n}\nMessage-ID: <n{n}@x>\n"
    f"Date: Mon, 0{n} Apr 2019 10:00:00 +0000\nList-Id: <notes.example.org>\n\nwords about item{n}\n\n".encode()
    for n in range(1, 6))


def test_sync_defaults_to_subscribed_groups_and_skips_read_bodies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from cli import running
    from store.readstate import ReadState

    source = FakeSource({"a": [make_overview(i) for i in range(1, 6)], "b": [make_overview(9)]})
    path = tmp_path / "s.sqlite3"
    state = ReadState(Store(path).db)
    state.subscribe("a")
    state.mark_read("a", [1, 2])
    monkeypatch.setattr(running, "open_library_factory",
                        lambda args: (lambda: Library(Store(path), lambda: source), "fake"))
    code, out, _ = run(capsys, "sync", "--bodies")
    assert (code, out) == (0, "a: 5 new overview(s), 3 bodies\n")
    code, out, _ = run(capsys, "sync", "--bodies")
    assert (code, out) == (0, "a: nothing new\n")


def test_archive_sync_search_and_expire_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.mbox"
    path.write_bytes(MBOX)
    code, out, _ = run(capsys, "--archive", str(path), "sync")
    assert (code, out) == (0, "archive: 5 new message(s)\n")
    code, out, _ = run(capsys, "--archive", str(path), "sync")
    assert (code, out) == (0, "archive: 0 new message(s)\n")
    code, out, _ = run(capsys, "--archive", str(path), "search", "item3", "--json")
    (hit,) = json.loads(out)
    assert hit == {"group": "notes.example.org", "number": 3, "message_id": "<n3@x>", "subject": "note 3",
                   "from": "Ann <ann@example.org>", "date": "2019-04-03T10:00:00+00:00",
                   "snippet": "words about «item3»"}
    code, out, _ = run(capsys, "--archive", str(path), "search", "words", "--since", "2019-04-04")
    assert code == 0 and out.count("\n    ") == 2 and out.startswith("notes.example.org 5  2019-04-05  note 5")
    code, out, err = run(capsys, "--archive", str(path), "search", "nothing-like-this")
    assert code == 1 and out == "" and "no matches" in err
    code, out, _ = run(capsys, "--archive", str(path), "expire", "--days", "1")
    assert code == 0 and "nothing to expire" in out
    code, _, err = run(capsys, "--archive", str(path), "search", "x", "--since", "someday")
    assert code == 2 and "not a date" in err
