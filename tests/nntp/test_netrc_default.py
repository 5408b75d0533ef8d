"""A ~/.netrc or ~/.authinfo ``default`` entry goes only to servers whose entry opts in."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from cli.context import resolve_server
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions, find_credentials
from nntp.errors import AuthenticationFailed
from tests.fakes.server import FakeServer


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def write_netrc(home: Path, name: str, text: str) -> None:
    path = home / name
    path.write_text(text)
    path.chmod(0o600)


@pytest.mark.parametrize("name", [".netrc", ".authinfo"])
def test_default_entry_is_not_used_unless_the_server_opts_in(home: Path, name: str) -> None:
    write_netrc(home, name, "default login anyone password secret-default\n")
    assert find_credentials("news.example.org", ConnectOptions()) is None
    assert find_credentials("news.example.org", ConnectOptions(netrc_default=True)) == ("anyone", "secret-default")


def test_a_machine_entry_is_still_used_and_wins_over_default(home: Path) -> None:
    write_netrc(home, ".netrc", "machine news.example.org login me password mine\n"
                                "default login anyone password secret-default\n")
    assert find_credentials("news.example.org", ConnectOptions()) == ("me", "mine")
    assert find_credentials("news.example.org", ConnectOptions(netrc_default=True)) == ("me", "mine")
    assert find_credentials("other.example.org", ConnectOptions()) is None


def test_netrc_default_comes_from_the_config_entry(home: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[servers.a]\nhost = "a.example"\nnetrc_default = true\n[servers.b]\nhost = "b.example"\n')
    args = argparse.Namespace(config=str(config), server="a", timeout=None)
    assert resolve_server(args).options.netrc_default is True
    args.server = "b"
    assert resolve_server(args).options.netrc_default is False
    config.write_text('[servers.a]\nhost = "a.example"\nnetrc_default = "yes"\n')
    args.server = "a"
    with pytest.raises(Exception, match="netrc_default"):
        resolve_server(args)


def test_a_server_answering_480_never_gets_the_default_password(home: Path) -> None:
    write_netrc(home, ".netrc", "default login anyone password secret-default\n")
    heard: list[bytes] = []

    def asks_for_a_login(reader, conn):  # type: ignore[no-untyped-def]
        conn.sendall(b"200 hi\r\n")
        for line in reader:
            heard.append(line)
            if line.upper().startswith(b"CAPABILITIES"):
                conn.sendall(b"101 c\r\nVERSION 2\r\nREADER\r\nAUTHINFO USER\r\n.\r\n")
            elif line.upper().startswith(b"QUIT"):
                conn.sendall(b"205 bye\r\n")
                return
            else:
                conn.sendall(b"480 authentication required\r\n")

    with FakeServer(asks_for_a_login) as server:
        client = NNTPClient(ServerAddress("127.0.0.1", server.port), options=ConnectOptions(timeout=5))
        with pytest.raises(AuthenticationFailed, match="no credentials"):
            client.select_group("g")
        client.close()
    assert not any(b"secret-default" in line or b"anyone" in line for line in heard)
