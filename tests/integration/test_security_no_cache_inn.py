"""A changed certificate, a wrong pin or a failed login stops the command, even with a cache (exit 4)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import main
from tests.integration.test_connections_inn import server_fingerprint, tls_server  # noqa: F401 - fixture

pytestmark = pytest.mark.integration


def entry(tmp_path: Path, server: Any, port: int, extra: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[servers.t]\nhost = "127.0.0.1"\nport = {port}\ntls = "starttls"\ncompress = false\n'
                      f'timeout = 20\n{extra}')
    return config


def run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = main.main(["--config", str(config), "--server", "t", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("trouble", ["wrong pin", "untrusted", "wrong password"])
def test_security_failures_never_answer_from_the_cache(tls_server: Any, tmp_path: Path,  # noqa: F811
                                                        capsys: pytest.CaptureFixture[str], trouble: str) -> None:
    good = entry(tmp_path, tls_server, tls_server.auth_port,
                 f'pin_sha256 = "{server_fingerprint(tls_server)}"\nuser = "{tls_server.auth_user}"\n'
                 f'password = "{tls_server.auth_password}"\n')
    code, out, err = run(capsys, good, "groups")
    assert code == 0 and "local.test" in out, err  # the cache now holds the group list
    bad = {
        "wrong pin": f'pin_sha256 = "{"00:" * 31}00"\nuser = "{tls_server.auth_user}"\n'
                     f'password = "{tls_server.auth_password}"\n',
        "untrusted": f'user = "{tls_server.auth_user}"\npassword = "{tls_server.auth_password}"\n',
        "wrong password": f'pin_sha256 = "{server_fingerprint(tls_server)}"\nuser = "{tls_server.auth_user}"\n'
                          'password = "not-the-password"\n',
    }[trouble]
    config = entry(tmp_path, tls_server, tls_server.auth_port, bad)
    for argv in (["groups"], ["groups", "--json"], ["threads", "local.test"]):
        code, out, err = run(capsys, config, *argv)
        assert code == 4 and out == "", (argv, err)
        assert "offline" not in err and "cached" not in err and err.count("\n") == 1
