"""Attachments: decoded parts, safe file names, and saving that never overwrites."""

from __future__ import annotations

from pathlib import Path

from tests.tui.conftest import PAGER_MBOX
from app.attachments import Attachment, attachments, safe_filename, save_all


def _raw_article(message_id: bytes) -> bytes:
    text = PAGER_MBOX.read_bytes()
    for chunk in text.split(b"\nFrom pith-test ")[0:]:
        if message_id in chunk:
            return chunk.split(b"\n", 1)[1]
    raise AssertionError(message_id)


def test_parts_are_decoded_and_named_safely() -> None:
    parts = attachments(_raw_article(b"<mime@example.org>"))
    assert [(p.filename, p.content_type) for p in parts] == [
        ("tiny.png", "image/png"), ("passwd", "application/octet-stream")]
    assert parts[0].data.startswith(b"\x89PNG\r\n\x1a\n") and len(parts[0].data) == 48
    assert parts[1].data == b"\x00\x01binary\xffdata"
    assert parts[0].label == "tiny.png (image/png, 48 B)"


def test_single_part_articles_have_none() -> None:
    assert attachments(_raw_article(b"<quotes@example.org>")) == []


def test_safe_filename() -> None:
    assert safe_filename("../../etc/passwd", 1, "text/plain") == "passwd"
    assert safe_filename("..\\..\\boot.ini", 1, "text/plain") == "boot.ini"
    assert safe_filename(".bashrc", 1, "text/plain") == "bashrc"
    assert safe_filename("a\x1b[2Jb.txt", 1, "text/plain") == "a␛[2Jb.txt"
    assert safe_filename("", 3, "image/png") == "attachment-3.png"
    assert safe_filename("", 2, "application/x-unknown-thing") == "attachment-2.bin"
    assert safe_filename("=?utf-8?q?K=C3=B6ln.jpg?=", 1, "image/jpeg") == "Köln.jpg"
    assert len(safe_filename("x" * 500 + ".jpeg", 1, "image/jpeg")) <= 120


def test_saving_never_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "downloads" / "new"
    part = Attachment("a.txt", "text/plain", b"first")
    assert save_all([part], target) == [target / "a.txt"]
    second = save_all([Attachment("a.txt", "text/plain", b"second"), part], target)
    assert second == [target / "a-1.txt", target / "a-2.txt"]
    assert (target / "a.txt").read_bytes() == b"first"
    assert (target / "a-1.txt").read_bytes() == b"second"
