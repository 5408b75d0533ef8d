"""Issue 15: a Gnus-style ~/.authinfo logs in to the real INN2 (the stdlib netrc parser
rejected the whole file), and a credentials file that cannot be read is named in the failure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nntp.errors import AuthenticationFailed
from tests.integration.test_connections_inn import connect, tls_server  # noqa: F401 - fixture

pytestmark = pytest.mark.integration


def test_gnus_authinfo_logs_in(tls_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".authinfo").write_text(
        "# Gnus\nmachine imap.example.org login x password y port imap\n"
        f'machine 127.0.0.1 login "{tls_server.auth_user}" password "{tls_server.auth_password}" '
        "port nntp force yes\n")
    client = connect(tls_server, tls_server.auth_port)
    try:
        assert client.select_group(tls_server.sample_groups[0]).count > 0
    finally:
        client.close()


def test_an_unreadable_authinfo_is_named(tls_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".authinfo").write_text('machine 127.0.0.1 login me password "unclosed\n')
    client = connect(tls_server, tls_server.auth_port)
    try:
        with pytest.raises(AuthenticationFailed, match=r"\.authinfo:1: a quoted value is not closed"):
            client.select_group(tls_server.sample_groups[0])
    finally:
        client.close()
