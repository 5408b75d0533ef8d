"""Issue 14: what pith builds, INN2 accepts, and the headers read back are standards-true byte by byte.

Before the one builder in nntp/compose.py, INN answered "441 Address in From header
field not in Internet syntax" (the whole From encoded) and "441 Header line too long"
(40 References on one line), and a 1,200-octet body line went out as it was.
"""

from __future__ import annotations

import contextlib
import email
import json
import re
import socket
from email.header import decode_header, make_header
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

import main

pytestmark = pytest.mark.integration

NAME = "José Pérez"
SUBJECT = "Grüße aus Köln: Überprüfung der Änderungen an der Übersetzung, bitte lesen"
REFS = [f"<{i}.deep-thread.{i * 7919}@lists.example.org>" for i in range(40)]
LONG = ("lorem ipsum dolor " * 67)[:1200]


def article_file(tmp_path: Path) -> Path:
    path = tmp_path / "deep.txt"
    path.write_text(f"From: {NAME} <jose@example.org>\nNewsgroups: local.test\nSubject: {SUBJECT}\n"
                    f"References: {' '.join(REFS)}\nIn-Reply-To: {REFS[-1]}\n\n"
                    f"Hallo,\n{LONG}\nGruß, José\n", encoding="utf-8")
    return path


def fetch(inn_server: Any, message_id: str) -> bytes:
    """The article as the server stores it (dot-unstuffed, LF line ends)."""
    with socket.create_connection((inn_server.host, inn_server.port), timeout=10) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(f"ARTICLE {message_id}\r\n".encode())
        f.flush()
        status = f.readline()
        assert status.startswith(b"220"), status
        lines = []
        while (line := f.readline()) != b".\r\n":
            lines.append(line[1:] if line.startswith(b"..") else line)
    return b"".join(lines).replace(b"\r\n", b"\n")


def field(head: bytes, name: str) -> list[bytes]:
    """The physical lines of one header field as the server has them."""
    match = re.search(rb"(?ms)^" + name.encode() + rb":.*?(?=^\S|\Z)", head + b"\n")
    assert match, name
    return match.group(0).rstrip(b"\n").split(b"\n")


@pytest.fixture(scope="module")
def posted(inn_server: Any, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Posted once for the module, with XDG directories of its own (the autouse isolation is per test)."""
    tmp_path = tmp_path_factory.mktemp("compose")
    out = tmp_path / "out.json"
    with pytest.MonkeyPatch.context() as patch, out.open("w") as handle, contextlib.redirect_stdout(handle):
        for name in ("CONFIG", "DATA", "STATE", "CACHE"):
            patch.setenv(f"XDG_{name}_HOME", str(tmp_path / name.lower()))
        patch.delenv("NNTPSERVER", raising=False)
        code = main.main(["--server", inn_server.address, "post", str(article_file(tmp_path)), "--json"])
    entry = json.loads(out.read_text())[0]
    assert code == 0 and entry["state"] == "sent", entry
    return fetch(inn_server, entry["message_id"])


def test_inn_accepts_and_from_keeps_its_address_in_clear(posted: bytes) -> None:
    head = posted.split(b"\n\n", 1)[0]
    assert field(head, "From") == [b"From: =?utf-8?q?Jos=C3=A9_P=C3=A9rez?= <jose@example.org>"]
    assert email.message_from_bytes(posted, policy=default)["From"].addresses[0].display_name == NAME


def test_references_are_folded_in_clear_and_complete(posted: bytes) -> None:
    lines = field(posted.split(b"\n\n", 1)[0], "References")
    assert len(lines) > 1 and all(len(line) <= 78 and line.isascii() for line in lines)
    assert all(line[:1] == b" " for line in lines[1:])
    assert b"".join(lines)[len(b"References:"):].split() == [r.encode() for r in REFS]
    assert field(posted.split(b"\n\n", 1)[0], "In-Reply-To") == [b"In-Reply-To: " + REFS[-1].encode()]


def test_subject_is_encoded_words_that_decode_to_the_original(posted: bytes) -> None:
    lines = field(posted.split(b"\n\n", 1)[0], "Subject")
    assert all(len(line) <= 78 and line.isascii() for line in lines)
    assert re.fullmatch(rb"Subject: =\?utf-8\?[qb]\?\S+\?=.*", lines[0])
    words = b" ".join(line.strip() for line in lines).decode()[len("Subject:"):]
    assert str(make_header(decode_header(words))) == SUBJECT


def test_date_agent_message_id_and_body_are_standards_true(posted: bytes) -> None:
    head, body = posted.split(b"\n\n", 1)
    (date,) = field(head, "Date")
    assert re.fullmatch(rb"Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", date), date
    assert re.fullmatch(rb"User-Agent: pith/\S+", field(head, "User-Agent")[0])
    assert re.fullmatch(rb"Message-ID: <\d+\.[0-9a-f]+@example\.org>", field(head, "Message-ID")[0])
    assert field(head, "Content-Transfer-Encoding") == [b"Content-Transfer-Encoding: quoted-printable"]
    assert max(len(line) for line in posted.split(b"\n")) <= 998
    text = email.message_from_bytes(posted, policy=default).get_content()
    assert text == f"Hallo,\n{LONG}\nGruß, José\n"
