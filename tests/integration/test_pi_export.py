"""Byte-exact export against a real public-inbox: `article --raw`, `--mbox`, `--mbox --thread`.

The reference is what the server itself sends: ARTICLE over a bare socket, dot-unstuffed,
CRLF turned into LF (what git am and mbox tools read).
"""

from __future__ import annotations

import json
import mailbox
import socket
from pathlib import Path
from typing import Any

import pytest

import main
from store import export
from tests.integration.pi_server import GROUP, is_utf8
from tests.integration.test_pi_server import latin1_message

pytestmark = pytest.mark.integration


def server_bytes(host: str, port: int, message_id: str) -> bytes:
    """ARTICLE <message_id> as the server sends it: dot-unstuffed, LF line ends."""
    with socket.create_connection((host, port), timeout=20) as sock:
        f = sock.makefile("rwb")
        assert f.readline()[:1] == b"2"
        f.write(f"ARTICLE {message_id}\r\n".encode())
        f.flush()
        assert f.readline().startswith(b"220 ")
        lines = []
        while (line := f.readline()) != b".\r\n":
            assert line, "connection closed inside the article"
            lines.append(line[1:] if line.startswith(b"..") else line)
        f.write(b"QUIT\r\n")
        f.flush()
    return b"".join(lines).replace(b"\r\n", b"\n")


def pith(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> bytes:
    code = main.main(list(argv))
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    return out


def test_a_latin1_article_raw_and_mbox_are_the_servers_bytes(pi_server: Any,
                                                              capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    message_id, _ = latin1_message(pi_server)
    expected = server_bytes(pi_server.host, pi_server.port, message_id)
    assert not is_utf8(expected)
    raw = pith(capsysbinary, "--server", pi_server.address, "article", GROUP, message_id, "--raw")
    assert raw == expected
    again = pith(capsysbinary, "--server", pi_server.address, "--offline", "article", GROUP, message_id, "--raw")
    assert again == expected  # from the cache: the same bytes
    mbox = pith(capsysbinary, "--server", pi_server.address, "article", GROUP, message_id, "--mbox")
    head, _, rest = mbox.partition(b"\n")
    assert head.startswith(b"From ") and rest.endswith(b"\n\n")
    assert export.mboxrd_unquote(rest[:-1]) == expected


def test_mbox_thread_reads_back_with_the_stdlib(pi_server: Any, capsysbinary: pytest.CaptureFixture[bytes],
                                                tmp_path: Path) -> None:
    roots = json.loads(pith(capsysbinary, "--server", pi_server.address, "threads", GROUP, "--json"))
    root = next(r for r in roots if r["number"] and 2 <= _size(r) <= 6)
    ids = _ids(root)
    path = tmp_path / "thread.mbox"
    path.write_bytes(pith(capsysbinary, "--server", pi_server.address, "article", GROUP, ids[-1], "--mbox", "--thread"))
    box = mailbox.mbox(str(path))
    assert [str(m["Message-ID"]).strip() for m in box] == ids
    first = server_bytes(pi_server.host, pi_server.port, ids[0])
    assert box.get_bytes(0).replace(b">From ", b"From ").startswith(first.split(b"\n", 1)[0])


def _size(node: dict[str, Any]) -> int:
    return 1 + sum(_size(child) for child in node["children"])


def _ids(node: dict[str, Any]) -> list[str]:
    return [node["message_id"], *(i for child in node["children"] for i in _ids(child))]
