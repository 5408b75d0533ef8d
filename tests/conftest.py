"""Suite-wide fixtures: one private INN2 server per run, and per-test isolation from the user.

Isolation: pith finds its config, stores and state through platformdirs, which honours the
XDG variables, and picks a server from NNTPSERVER; a test must see neither the developer's
files nor their server, so every test gets empty XDG directories of its own and no
NNTPSERVER.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.inn_server import InnServer, InnUnavailable, start_server


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """XDG_CONFIG/DATA/STATE/CACHE_HOME under tmp_path; NNTPSERVER unset; no default sendmail."""
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        path = tmp_path / "xdg" / name.lower()
        path.mkdir(parents=True)
        monkeypatch.setenv(f"XDG_{name}_HOME", str(path))
    monkeypatch.delenv("NNTPSERVER", raising=False)
    monkeypatch.delenv("NNTPPORT", raising=False)
    monkeypatch.setattr("cli.context.NNTPSERVER_FILE", tmp_path / "no-etc-nntpserver")  # never the host's
    monkeypatch.setattr("app.posting.DEFAULT_SENDMAIL", str(tmp_path / "no-sendmail"))  # never the host's MTA


@pytest.fixture(scope="session")
def inn_server() -> Iterator[InnServer]:
    """A loaded INN2 on 127.0.0.1 (see tests/integration/inn_server.py), started once per run.

    Skipped only where INN2 cannot be had (not installed, and not root to install it); any
    other failure to start is an error, so a broken server never passes as a skip.
    """
    try:
        server = start_server()
    except InnUnavailable as exc:
        missing(str(exc))
    try:
        yield server
    finally:
        server.stop()


def missing(reason: str) -> None:
    """A tool or server the tests need is not here: a skip on a developer's machine, a failure
    in CI (CI=true), where `make test` installs everything and a skip would hide a hole."""
    if os.environ.get("CI"):
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def needs_tools(*names: str) -> pytest.MarkDecorator:
    """skipif the programs are not on PATH, except in CI, where their absence fails the tests."""
    import shutil

    absent = [name for name in names if shutil.which(name) is None]
    reason = f"{', '.join(absent)} not installed (make test installs them as root)"
    return pytest.mark.skipif(bool(absent) and not os.environ.get("CI"), reason=reason)
