"""TLS (STARTTLS, NNTPS, pinning), AUTHINFO and config.toml against the real INN2 harness."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from typing import Any

import pytest

import main
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions, fingerprint
from nntp.errors import AuthenticationFailed, SecurityFailure

pytestmark = pytest.mark.integration


@pytest.fixture
def tls_server(inn_server: Any) -> Any:
    if inn_server.ca_cert is None:
        pytest.skip("openssl is missing, so the harness has no TLS (install openssl)")
    return inn_server


def server_fingerprint(server: Any) -> str:
    pem = Path(server.tls_cert).read_text()
    return fingerprint(ssl.PEM_cert_to_DER_cert(pem))


def connect(server: Any, port: int, **options: Any) -> NNTPClient:
    return NNTPClient(ServerAddress(server.host, port), options=ConnectOptions(timeout=10, **options))


def test_starttls_verified_against_the_test_ca(tls_server: Any) -> None:
    client = connect(tls_server, tls_server.port, tls="starttls", ca_file=str(tls_server.ca_cert))
    try:
        assert client._conn.tls_on
        assert client.select_group(tls_server.sample_groups[0]).count > 0
    finally:
        client.close()


def test_implicit_tls_verified(tls_server: Any) -> None:
    client = connect(tls_server, tls_server.nntps_port, tls="implicit", ca_file=str(tls_server.ca_cert))
    try:
        assert any(g.name == "local.test" for g in client.list_groups())
    finally:
        client.close()


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_untrusted_certificate_fails_with_a_clear_message(tls_server: Any, mode: str) -> None:
    port = tls_server.port if mode == "starttls" else tls_server.nntps_port
    with pytest.raises(SecurityFailure) as err:  # never a SourceUnavailable: no fallback to the cache
        connect(tls_server, port, tls=mode)
    message = str(err.value)
    assert f"127.0.0.1:{port}" in message and "not trusted" in message
    assert server_fingerprint(tls_server) in message and "pin_sha256" in message


def test_pinned_certificate_is_accepted_and_a_wrong_pin_refused(tls_server: Any) -> None:
    pin = server_fingerprint(tls_server)
    client = connect(tls_server, tls_server.nntps_port, tls="implicit", pin_sha256=pin.lower())
    client.close()
    wrong = "00:" * 31 + "00"
    with pytest.raises(SecurityFailure, match="does not match the pinned"):
        connect(tls_server, tls_server.port, tls="starttls", pin_sha256=wrong)


def test_authinfo_up_front_and_on_demand(tls_server: Any) -> None:
    group = tls_server.sample_groups[0]
    up_front = connect(tls_server, tls_server.auth_port, user=tls_server.auth_user,
                       password=tls_server.auth_password)
    assert up_front.select_group(group).count > 0
    up_front.close()
    asked: list[str] = []

    def prompt(host: str) -> tuple[str, str]:
        asked.append(host)
        return tls_server.auth_user, tls_server.auth_password

    on_demand = connect(tls_server, tls_server.auth_port, credentials=prompt)
    assert on_demand.select_group(group).count > 0  # 480 -> AUTHINFO -> retried
    assert asked == ["127.0.0.1"]
    on_demand.close()


def test_wrong_password_is_a_clear_error_without_the_password(tls_server: Any) -> None:
    with pytest.raises(AuthenticationFailed) as err:
        connect(tls_server, tls_server.auth_port, user=tls_server.auth_user, password="not-the-password")
    assert "login as 'pith' failed" in str(err.value) and "481" in str(err.value)
    assert "not-the-password" not in str(err.value)


def test_netrc_supplies_credentials(tls_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    netrc = tmp_path / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login {tls_server.auth_user} password {tls_server.auth_password}\n")
    netrc.chmod(0o600)
    client = connect(tls_server, tls_server.auth_port)
    assert client.select_group(tls_server.sample_groups[0]).count > 0
    client.close()


def test_config_toml_server_entry_end_to_end(
    tls_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'default_server = "test"\n\n'
        "[servers.test]\n"
        f'host = "127.0.0.1"\nport = {tls_server.auth_port}\ntls = "starttls"\n'
        f'ca_file = "{tls_server.ca_cert}"\nuser = "{tls_server.auth_user}"\n'
        f'password = "{tls_server.auth_password}"\ncompress = true\ntimeout = 20\n'
    )
    code = main.main(["--config", str(config), "--verbose", "groups", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "local.test" in {g["name"] for g in json.loads(out)}
    assert "COMPRESS DEFLATE" in err and "ratio" in err
    assert tls_server.auth_password not in out + err


def test_nntps_url_on_the_command_line(tls_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--server", f"nntps://127.0.0.1:{tls_server.nntps_port}", "groups"])
    _, err = capsys.readouterr()
    assert code == 4 and "not trusted" in err and err.count("\n") == 1  # README "Exit status": 4
