"""pith against a real public-inbox (lore.kernel.org's software): groups, threads, articles, and POST's mailto.

The server is tests/integration/pi_server.py: a sample of the real linux-media
archive as org.kernel.vger.linux-media, Latin-1 mails included.
"""

from __future__ import annotations

import json
import re
import socket
from email.parser import BytesHeaderParser
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

import main
from nntp.address import ServerAddress
from nntp.client import NNTPClient
from nntp.connect import ConnectOptions
from tests.integration.pi_server import GROUP, LIST_ADDRESS, is_utf8

pytestmark = pytest.mark.integration


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = main.main([*args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def latin1_message(pi_server: Any) -> tuple[str, str]:
    """(Message-ID, decoded From) of the first non-UTF-8 mail in the sample."""
    raw = next(m for m in pi_server.messages if not is_utf8(m))
    headers = BytesHeaderParser(policy=default).parsebytes(raw.split(b"\n", 1)[1])
    return str(headers["Message-ID"]).strip(), str(headers["From"])


def test_the_harness_behaves_as_public_inbox_does(pi_server: Any) -> None:
    with socket.create_connection((pi_server.host, pi_server.port), timeout=10) as sock:
        f = sock.makefile("rwb")
        assert f.readline().startswith(b"201")
        replies = []
        for command in (b"POST", f"GROUP {GROUP}".encode(), b"POST", b"QUIT"):
            f.write(command + b"\r\n")
            f.flush()
            replies.append(f.readline())
    assert replies[0].startswith(b"440") and b"mailto:" not in replies[0]
    assert replies[1].startswith(b"211 ")
    assert replies[2].startswith(b"440 mailto:" + LIST_ADDRESS.encode())
    assert sum(not is_utf8(m) for m in pi_server.messages) >= 3


def test_groups_lists_the_inbox_read_only(pi_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    groups = run_json(capsys, "--server", pi_server.address, "groups")
    (group,) = [g for g in groups if g["name"] == GROUP]
    assert group["count"] >= 290 and LIST_ADDRESS in group["description"]


def test_threads_are_built_from_the_real_archive(pi_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    roots = run_json(capsys, "--server", pi_server.address, "threads", GROUP)
    assert len(roots) > 10 and any(root["children"] for root in roots)
    subjects = [root["subject"] for root in roots]
    assert any(s and s.startswith("[PATCH") for s in subjects)


def test_a_latin1_article_reads_with_its_real_characters(pi_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    message_id, author = latin1_message(pi_server)
    article = run_json(capsys, "--server", pi_server.address, "article", GROUP, message_id)
    assert article["message_id"] == message_id
    headers = dict((k.lower(), v) for k, v in article["headers"])
    assert not author.isascii() and author.split()[1] in headers["from"]  # e.g. "Söderlund"
    assert "\ufffd" not in article["body"]


def test_post_to_the_mirror_is_refused_up_front_naming_the_list(pi_server: Any, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The mirror greets 201: nothing is queued (exit 2), and the refusal says where the mail goes."""
    path = tmp_path / "patch.txt"
    path.write_text(f"From: José Pérez <jose@example.org>\nNewsgroups: {GROUP}\nSubject: [PATCH] media: fix\n\n"
                    "Signed-off-by: José Pérez <jose@example.org>\n", encoding="utf-8")
    code = main.main(["--server", pi_server.address, "post", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "posting is not allowed here" in err and f"mail it to {LIST_ADDRESS}" in err
    assert main.main(["--server", pi_server.address, "outbox", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_the_client_selects_the_group_before_post(pi_server: Any) -> None:
    client = NNTPClient(ServerAddress(pi_server.host, pi_server.port), options=ConnectOptions(timeout=10))
    try:
        assert not client.posting_allowed
        with pytest.raises(Exception, match=re.escape(f"440 mailto:{LIST_ADDRESS}")):
            client.post(f"From: a@example.org\nNewsgroups: {GROUP}\nSubject: s\n\nx\n".encode())
        assert client.current_group == GROUP
    finally:
        client.close()
