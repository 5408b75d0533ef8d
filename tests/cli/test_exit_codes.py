"""Failures a script can see: exit statuses, "stale" JSON, and no cache behind a security failure."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from cli.exitcodes import FROM_CACHE, NOT_DONE, SECURITY, USAGE, exit_status_for
from nntp.address import ServerAddress
from nntp.errors import (AuthenticationFailed, NoSuchGroup, PithError, RemoteProtocolError, SecurityFailure,
                         SourceUnavailable)
from store.cache import Store, store_path
from store.library import Library
from store.paths import data_dir
from tests.fakes.server import FakeServer, routed_session
from tests.fakes.source import FakeSource, make_overview
from tests.cli_run import run

ACTIVE = b"215 list\r\ng 2 1 y\r\nro.group 5 1 n\r\n.\r\n"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cache_for(address: str) -> Path:
    path = store_path(data_dir(), ServerAddress.parse(address).identity)
    lib = Library(Store(path), lambda: FakeSource({"g": [make_overview(1), make_overview(2, parent=1)]}))
    lib.groups()
    lib.enter_group("g")
    lib.article("g", 1)
    lib.close()
    return path


def article(tmp_path: Path, group: str, subject: str = "hello") -> Path:
    path = tmp_path / f"{subject}.txt"
    path.write_text(f"From: Ann <ann@example.org>\nNewsgroups: {group}\nSubject: {subject}\n\nbody\n")
    return path


def test_each_kind_of_failure_has_its_status() -> None:
    assert exit_status_for(AuthenticationFailed("x")) == SECURITY == 4
    assert exit_status_for(SecurityFailure("pin")) == SECURITY
    assert exit_status_for(SourceUnavailable("down")) == NOT_DONE == 1
    assert exit_status_for(RemoteProtocolError("junk")) == NOT_DONE
    assert exit_status_for(NoSuchGroup("x")) == exit_status_for(PithError("bad")) == USAGE == 2


def test_answered_from_the_cache_exits_3_and_json_says_stale(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    cache_for(address)
    code, out, err = run(capsys, "--server", address, "groups", "--json")
    assert code == FROM_CACHE == 3 and "showing cached data" in err
    assert [g["stale"] for g in json.loads(out)] == [True]
    code, out, err = run(capsys, "--server", address, "article", "g", "2", "--json")
    assert code == USAGE and "no cached body" in err and out == ""  # nothing to answer from
    code, out, _ = run(capsys, "--server", address, "article", "g", "1", "--json")
    assert code == 0 and "stale" not in json.loads(out)  # a cached body: the server is not asked
    code, out, _ = run(capsys, "--server", address, "threads", "g", "--json")
    assert code == 3 and all(t["stale"] for t in json.loads(out))
    code, out, _ = run(capsys, "--server", address, "--offline", "groups", "--json")
    assert code == 0 and "stale" not in json.loads(out)[0]  # asked for the cache: not a fallback


def test_a_login_failure_never_falls_back_to_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    handler = routed_session({"LIST": b"480 authentication required\r\n", "GROUP": b"480 auth\r\n"})
    with FakeServer(handler) as server:
        cache_for(server.address)
        code, out, err = run(capsys, "--server", server.address, "groups", "--json")
    assert code == SECURITY and out == ""
    assert "offline" not in err and "no credentials" in err and err.count("\n") == 1


def test_security_failure_reaches_the_caller_through_the_library(tmp_path: Path) -> None:
    cache = tmp_path / "s.sqlite3"
    lib = Library(Store(cache), lambda: FakeSource({"g": [make_overview(1)]}))
    lib.groups()
    lib.close()

    def changed_certificate() -> FakeSource:
        raise SecurityFailure("news.example:563: certificate fingerprint AA does not match the pinned pin_sha256")

    lib = Library(Store(cache), changed_certificate)
    for attempt in (lib.groups, lambda: lib.enter_group("g"), lambda: lib.article("g", 1)):
        with pytest.raises(SecurityFailure, match="does not match the pinned"):
            attempt()
    assert not lib.offline and not lib.answered_from_cache
    lib.close()


def test_outbox_flush_with_the_server_down_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    code, _, err = run(capsys, "--server", address, "--offline", "post", str(article(tmp_path, "g")))
    assert code == 0 and "queued as 1" in err
    code, out, err = run(capsys, "--server", address, "outbox", "flush")
    assert code == NOT_DONE and "queued" in out
    assert "outbox: 1 article(s) not sent" in err and "refused" in err and err.count("\n") == 1


def test_subscribe_checks_the_group_with_the_server(capsys: pytest.CaptureFixture[str]) -> None:
    handler = routed_session({"GROUP no.such.group": b"411 no such group\r\n", "GROUP": b"211 2 1 2 real.group\r\n"})
    with FakeServer(handler) as server:
        code, _, err = run(capsys, "--server", server.address, "subscribe", "no.such.group")
        assert code == USAGE and "no such group" in err
        code, out, _ = run(capsys, "--server", server.address, "subscribe", "real.group")
        assert code == 0 and out == "subscribed to real.group\n"


def test_subscribe_offline_without_a_word_on_the_group_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    cache_for(address)
    code, _, err = run(capsys, "--server", address, "--offline", "subscribe", "no.such.group")
    assert code == USAGE and "cannot be asked" in err
    code, _, _ = run(capsys, "--server", address, "--offline", "subscribe", "g")
    assert code == 0


def test_a_bogus_host_leaves_no_store_behind(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    path = store_path(data_dir(), ServerAddress.parse(address).identity)
    for argv in (["groups"], ["threads", "g"], ["subscribe", "g"], ["outbox", "flush"]):
        code, _, _ = run(capsys, "--server", address, *argv)
        assert code == (0 if argv[0] == "outbox" else NOT_DONE) and not path.exists(), argv
        assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()


def test_a_queued_post_keeps_its_new_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    code, _, err = run(capsys, "--server", address, "post", str(article(tmp_path, "g")))
    assert code == NOT_DONE and "queued as 1, not sent" in err
    assert store_path(data_dir(), ServerAddress.parse(address).identity).exists()


def test_offline_post_to_a_group_never_listed_is_queued(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    path = store_path(data_dir(), ServerAddress.parse(address).identity)
    lib = Library(Store(path), lambda: FakeSource({"g": [make_overview(1)]}))
    lib.enter_group("g")  # a group entered by name: the store knows it, but no full list was fetched
    lib.close()
    code, out, err = run(capsys, "--server", address, "--offline", "post", str(article(tmp_path, "other.group")),
                         "--json")
    assert code == 0 and json.loads(out)[0]["state"] == "queued"
    assert "does not exist" not in err


def test_post_to_a_group_listed_read_only_is_refused_on_stderr(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    with FakeServer(routed_session({"LIST ACTIVE": ACTIVE, "LIST": b"503 no\r\n"})) as server:
        run(capsys, "--server", server.address, "groups")
        code, out, err = run(capsys, "--server", server.address, "post", str(article(tmp_path, "ro.group")))
        assert code == USAGE and out == ""
        assert "ro.group is read-only" in err and err.count("\n") == 1
        code, out, _ = run(capsys, "--server", server.address, "outbox", "--json")
        assert json.loads(out) == []
        code, _, err = run(capsys, "--server", server.address, "post", str(article(tmp_path, "no.where", "x")))
        assert code == USAGE and "no.where does not exist" in err  # the full list was fetched: checked


def test_a_server_refusal_is_a_line_on_stderr_and_status_1(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    routes = {"POST": b"340 send it\r\n", "<article>": b"441 posting failed: group is moderated\r\n"}
    with FakeServer(routed_session(routes)) as server:
        code, out, err = run(capsys, "--server", server.address, "post", str(article(tmp_path, "g")), "--json")
    assert code == NOT_DONE and json.loads(out)[0]["state"] == "refused"
    assert "the server refused it: 441" in err and err.count("\n") == 1


def test_a_malformed_message_id_is_an_input_error_asked_of_no_server(capsys: pytest.CaptureFixture[str]) -> None:
    """An id with a control character or a space is refused before any server sees it (INN's 501 was exit 1)."""
    port = closed_port()  # nothing listens: asking would fail with exit 1, not 2
    for bad in ("<\x1b[2J@example.org>", "<a b@example.org>", "no-brackets@example.org"):
        code, out, err = run(capsys, "--server", f"127.0.0.1:{port}", "article", "g", bad)
        assert code == USAGE, (bad, err)
        assert "\x1b" not in err and "is not an article number or a <message-id>" in err
