"""COMPRESS when configured, and when unset everywhere but on this machine (nntp/connect.py wants_compress)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.connect import wants_compress
from nntp.connect_options import ConnectOptions
from store.config import load_config


@pytest.mark.parametrize(("compress", "host", "wanted"), [
    (None, "127.0.0.1", False), (None, "127.8.9.1", False), (None, "::1", False), (None, "localhost", False),
    (None, "news.example.org", True), (None, "192.0.2.7", True),
    (True, "127.0.0.1", True), (False, "news.example.org", False),
])
def test_unset_compress_is_off_only_over_loopback(compress: bool | None, host: str, wanted: bool) -> None:
    assert wants_compress(ConnectOptions(compress=compress), host) is wanted


def test_the_config_leaves_compress_unset_unless_it_says(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[servers.a]\nhost = "127.0.0.1"\n[servers.b]\nhost = "x.org"\ncompress = true\n')
    servers = load_config(path).servers
    assert servers["a"].compress is None and servers["b"].compress is True
