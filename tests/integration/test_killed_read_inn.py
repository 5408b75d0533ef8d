"""Killed articles are read once scored (slrn, tin): `pith threads G` after a killfile rule (issue 15)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest

import main
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from store.newsrc import parse_newsrc
from store.paths import config_dir
from tests.cli_run import all_nodes as nodes

pytestmark = pytest.mark.integration


def post_by(address: ServerAddress, group: str, authors: list[str], tag: str) -> list[str]:
    """One article per author in ``group``; -> their Message-IDs."""
    ids = [f"<killread.{tag}.{i}@pith.invalid>" for i in range(len(authors))]
    client = NNTPClient(address, timeout=10)
    try:
        for message_id, author in zip(ids, authors):
            client.post((f"From: {author}\r\nNewsgroups: {group}\r\nSubject: killread {tag}\r\n"
                         f"Message-ID: {message_id}\r\n\r\nbody\r\n").encode())
    finally:
        client.close()
    return ids


def read_numbers(tmp_path: Path, server: str, group: str) -> set[int]:
    target = tmp_path / "newsrc"
    assert main.main(["--server", server, "newsrc", "export", str(target)]) == 0
    entry = next((e for e in parse_newsrc(target.read_text()) if e.group == group), None)
    if entry is None:
        return set()
    return {n for low, high in entry.read.ranges() for n in range(low, high + 1)}


def test_threads_marks_killed_articles_read(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tag, group = uuid.uuid4().hex[:12], "local.test"
    spammer = f"spam-{tag}@example.org"
    post_by(ServerAddress(inn_server.host, inn_server.port), group, [spammer, f"ok-{tag}@example.org", spammer], tag)
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "score.toml").write_text(
        f'[[rule]]\nname = "spam"\nscore = -9999\nall = [{{ header = "From", contains = "spam-{tag}" }}]\n')
    assert main.main(["--server", inn_server.address, "threads", group, "--json", "--quiet", "--all"]) == 0
    numbers = {node["number"]: node["from"] for node in nodes(json.loads(capsys.readouterr().out))
               if node["number"] is not None}
    read = read_numbers(tmp_path, inn_server.address, group)
    spam = {n for n, author in numbers.items() if spammer in author}
    assert len(spam) == 2 and spam <= read
    assert not {n for n, author in numbers.items() if f"ok-{tag}" in author} & read


def test_killed_stay_unread_when_configured(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tag, group = uuid.uuid4().hex[:12], "local.test"
    post_by(ServerAddress(inn_server.host, inn_server.port), group, [f"spam-{tag}@example.org"], tag)
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text("[reading]\nmark_killed_read = false\n")
    (config_dir() / "score.toml").write_text(
        f'[[rule]]\nname = "spam"\nscore = -9999\nall = [{{ header = "From", contains = "spam-{tag}" }}]\n')
    assert main.main(["--server", inn_server.address, "score", group, "--quiet"]) == 0
    capsys.readouterr()
    assert not read_numbers(tmp_path, inn_server.address, group)
