"""TLS mode is one type (TlsMode) from config.toml to the connection; bad values still name file and line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from nntp.connect import ConnectOptions, verify_pin
from nntp.errors import SecurityFailure
from nntp.tlsmode import TlsMode
from store.config import ConfigError, load_config


def test_config_gives_the_member_and_its_port(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[servers.a]\nhost = "x"\ntls = "starttls"\n[servers.b]\nhost = "y"\n'
                    '[servers.c]\nhost = "z"\ntls = "implicit"\n')
    servers = load_config(path).servers
    assert [servers[n].tls for n in "abc"] == [TlsMode.STARTTLS, TlsMode.NONE, TlsMode.IMPLICIT]
    assert all(type(servers[n].tls) is TlsMode for n in "abc")
    assert [servers[n].effective_port for n in "abc"] == [119, 119, 563]


def test_a_bad_mode_or_type_names_file_line_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[servers.a]\nhost = "x"\n\ntls = "IMPLICIT"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == (f"{path}:4: servers.a.tls: must be one of none, implicit, starttls, "
                              f"not 'IMPLICIT'")
    path.write_text('[servers.a]\nhost = "x"\ntls = true\n')
    with pytest.raises(ConfigError, match=rf"^{path}:3: servers.a.tls: must be a string, not bool True$"):
        load_config(path)


def test_the_member_still_equals_its_word_for_callers_and_json() -> None:
    assert TlsMode.IMPLICIT == "implicit" and f"{TlsMode.STARTTLS}" == "starttls"
    assert [m.encrypted for m in TlsMode] == [False, True, True]


def test_connect_options_turn_a_plain_word_into_the_member() -> None:
    options = ConnectOptions(tls="implicit")  # type: ignore[arg-type]  # a caller not yet moved over
    assert options.tls is TlsMode.IMPLICIT and ConnectOptions().tls is TlsMode.NONE
    with pytest.raises(ValueError):
        ConnectOptions(tls="ssl")  # type: ignore[arg-type]  # what the test is about


def test_a_pin_on_a_socket_without_tls_is_refused() -> None:
    left, right = socket.socketpair()
    with left, right, pytest.raises(SecurityFailure, match="does not match the pinned"):
        verify_pin(left, "h:563", "AB:CD")
