"""`pith post FILE` never posts twice: a cut during POST, then the same command again, against INN2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import main
from tests.fakes.proxy import CuttingProxy
from tests.integration.test_post_inn import count, has_article

pytestmark = pytest.mark.integration

GROUP = "local.test"


def article_file(tmp_path: Path, subject: str) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(f"From: Tester <tester@example.org>\nNewsgroups: {GROUP}\nSubject: {subject}\n\nOnce only.\n")
    return path


def config_for(tmp_path: Path, proxy: CuttingProxy) -> Path:
    """An entry for the proxy without COMPRESS, so the proxy can see the 240 and cut just before it."""
    config = tmp_path / "config.toml"
    config.write_text(f'[servers.cut]\nhost = "127.0.0.1"\nport = {proxy.port}\ncompress = false\ntimeout = 10\n')
    return config


def post(capsys: pytest.CaptureFixture[str], config: Path, path: Path) -> tuple[int, dict[str, Any], str]:
    code = main.main(["--config", str(config), "--server", "cut", "post", str(path), "--json"])
    out, err = capsys.readouterr()
    return code, json.loads(out)[0], err


def test_a_cut_before_the_240_is_resolved_at_once_and_a_rerun_posts_nothing(
        inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = count(inn_server, GROUP)
    proxy = CuttingProxy((inn_server.host, inn_server.port), [], cut_before=b"240")
    config = config_for(tmp_path, proxy)
    path = article_file(tmp_path, "cut before the reply")
    code, entry, err = post(capsys, config, path)
    assert proxy.cut_done == 1
    assert code == 0 and entry["state"] == "sent" and "already on the server" in entry["reply"], err
    assert has_article(inn_server, entry["message_id"])
    again, second, err = post(capsys, config, path)
    proxy.close()
    assert again == 0 and second["id"] == entry["id"] and second["state"] == "sent"
    assert "already in the outbox" in err
    assert count(inn_server, GROUP) == before + 1  # exactly one copy


def test_a_lost_reply_the_server_cannot_be_asked_about_is_checked_before_the_rerun_sends(
        inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = count(inn_server, GROUP)
    # Connection 0 is cut just before the 240; every reconnect of that run is cut at once,
    # so pith cannot learn what happened. The next run's connections go through.
    proxy = CuttingProxy((inn_server.host, inn_server.port), [None] + [0] * 20, cut_before=b"240")
    config = config_for(tmp_path, proxy)
    path = article_file(tmp_path, "reply lost and unchecked")
    code, entry, err = post(capsys, config, path)
    assert code == 1 and entry["state"] == "queued" and "not sent" in err and err.count("\n") == 1
    proxy.cuts = proxy.cuts[: proxy.accepted]  # from here on, connections go through
    again, second, err = post(capsys, config, path)
    proxy.close()
    assert again == 0 and second["id"] == entry["id"], err
    assert second["state"] == "sent" and "already on the server" in second["reply"]
    assert has_article(inn_server, entry["message_id"])
    assert count(inn_server, GROUP) == before + 1  # the rerun asked (STAT) instead of posting again


def test_the_same_message_id_from_another_file_is_not_posted_twice(
        inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = count(inn_server, GROUP)
    proxy = CuttingProxy((inn_server.host, inn_server.port), [])
    config = config_for(tmp_path, proxy)
    first = tmp_path / "one.txt"
    first.write_text(f"From: Tester <tester@example.org>\nNewsgroups: {GROUP}\nSubject: mid\n"
                     f"Message-ID: <idempotent-{tmp_path.name}@example.org>\n\nfirst\n")
    code, entry, _ = post(capsys, config, first)
    assert code == 0 and entry["state"] == "sent"
    second = tmp_path / "two.txt"
    second.write_text(first.read_text().replace("first", "edited"))
    again, same, err = post(capsys, config, second)
    proxy.close()
    assert again == 0 and same["id"] == entry["id"] and "already in the outbox" in err
    assert count(inn_server, GROUP) == before + 1
