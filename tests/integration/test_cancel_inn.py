"""Cancel and supersede against the real INN2 (docancels: require-auth): only a Cancel-Key that
matches the article's Cancel-Lock withdraws it, so these show the lock pith posts works."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest

import main

pytestmark = pytest.mark.integration
ME = "Tester <tester@example.org>"


def command(inn_server: Any, line: str) -> list[bytes]:
    """One command's status line and, for ARTICLE, the article lines."""
    with socket.create_connection((inn_server.host, inn_server.port), timeout=10) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(line.encode() + b"\r\n")
        f.flush()
        status = f.readline()
        lines = [status]
        if status.startswith(b"220"):
            while (got := f.readline()) not in (b".\r\n", b""):
                lines.append(got.rstrip(b"\r\n"))
        return lines


def held(inn_server: Any, message_id: str) -> bool:
    return command(inn_server, f"STAT {message_id}")[0].startswith(b"223")


def gone(inn_server: Any, message_id: str) -> bool:
    """innd withdraws a cancelled article as the cancel arrives; allow it a moment."""
    for _ in range(50):
        if not held(inn_server, message_id):
            return True
        time.sleep(0.1)
    return False


def post(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], author: str = ME) -> str:
    path = tmp_path / f"post-{time.monotonic_ns()}.txt"
    path.write_text(f"From: {author}\nNewsgroups: local.test\nSubject: to be withdrawn\n\nOops.\n")
    assert main.main(["--server", inn_server.address, "post", str(path), "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)[0]
    assert held(inn_server, entry["message_id"])
    return str(entry["message_id"])


@pytest.fixture(autouse=True)
def me(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL", ME)


def test_a_cancel_removes_my_article(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = post(inn_server, tmp_path, capsys)
    code = main.main(["--server", inn_server.address, "cancel", target, "--json"])
    entry = json.loads(capsys.readouterr().out)
    assert code == 0 and entry["state"] == "sent"
    assert gone(inn_server, target)
    article = b"\n".join(command(inn_server, f"ARTICLE {entry['message_id']}"))
    assert f"Control: cancel {target}".encode() in article
    assert f"Subject: cmsg cancel {target}".encode() in article
    assert b"Newsgroups: local.test" in article and b"Cancel-Key: sha256:" in article


def test_supersede_replaces_my_article(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = post(inn_server, tmp_path, capsys)
    new = tmp_path / "new.txt"
    new.write_text("Subject: corrected\n\nBetter now.\n")
    code = main.main(["--server", inn_server.address, "supersede", target, str(new), "--json"])
    entry = json.loads(capsys.readouterr().out)
    assert code == 0 and entry["state"] == "sent"
    assert gone(inn_server, target) and held(inn_server, entry["message_id"])
    article = b"\n".join(command(inn_server, f"ARTICLE {entry['message_id']}"))
    assert f"Supersedes: {target}".encode() in article and b"Better now." in article
    assert b"From: Tester <tester@example.org>" in article and b"Cancel-Lock: sha256:" in article


def test_someone_elses_article_is_refused_before_anything_is_sent(
        inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = post(inn_server, tmp_path, capsys, author="Other <other@example.org>")
    code = main.main(["--server", inn_server.address, "cancel", target])
    err = capsys.readouterr().err
    assert code == 2 and "not yours" in err and "other@example.org" in err and "\n" == err[-1]
    assert err.count("\n") == 1 and held(inn_server, target)
    assert main.main(["--server", inn_server.address, "outbox", "list", "--json"]) == 0
    (only,) = json.loads(capsys.readouterr().out)  # the post itself; no cancel was queued
    assert only["message_id"] == target


def test_a_forged_key_does_not_cancel(inn_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Another pith (another secret) claiming my address cannot withdraw my article."""
    target = post(inn_server, tmp_path, capsys)
    (Path(str(tmp_path)) / "xdg" / "data" / "pith" / "cancel-lock.key").write_text("f" * 64 + "\n")
    assert main.main(["--server", inn_server.address, "cancel", target]) == 0
    capsys.readouterr()
    time.sleep(1.0)
    assert held(inn_server, target)
