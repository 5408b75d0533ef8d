"""Hostile archives: one bad message (NUL in a header, garbage, a cut-off end) costs that message at
most, with a note naming file and line; the rest of the archive reads."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

import main
from nntp import archive, maildir
from nntp.archive import ArchiveSource
from store.cache import Store
from store.library import Library


def mail(n: int, head: bytes = b"", separator: bytes = b"From someone Thu Jan  1 00:00:00 1970") -> bytes:
    return (separator + b"\n" + head + f"Subject: mail {n}\nMessage-ID: <m{n}@x>\n"
            f"List-Id: <test.example.org>\n\nbody {n}\n\n".encode())


def imported(tmp_path: Path, *paths: Path) -> tuple[list[str], list[str]]:
    lib = Library(Store(tmp_path / "store.sqlite3"), lambda: ArchiveSource(*paths))
    groups = lib.groups()
    ids = sorted(o.message_id for g in groups for o in lib.store.overview_store.all(g.name))
    lib.close()
    return ids, lib.warnings


@pytest.mark.parametrize("head", [
    b"From: \x00\x00evil\x00 <e@x>\n",
    b"X-Junk: \xff\xfe\x1b[2J\x9b31m\x00\n",
    b"Subject: =?x-unknown?q?=00?=\n",
])
def test_one_hostile_header_costs_nothing_else(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "list.mbox"
    path.write_bytes(mail(1) + mail(2, head) + mail(3))
    ids, _ = imported(tmp_path, path)
    assert ids == ["<m1@x>", "<m2@x>", "<m3@x>"]


def test_a_garbage_from_line_is_just_a_separator(tmp_path: Path) -> None:
    path = tmp_path / "list.mbox"
    path.write_bytes(mail(1) + mail(2, separator=b"From \x00\xff\x1b]52;c;aGk=\x07 garbage") + mail(3))
    assert imported(tmp_path, path)[0] == ["<m1@x>", "<m2@x>", "<m3@x>"]


def test_a_cut_off_compressed_archive_keeps_what_came_before(tmp_path: Path) -> None:
    whole = b"".join(mail(n, b"X-Pad: " + b"p" * 2000 + b"\n") for n in range(1, 4001))  # > one 4 MB block
    path = tmp_path / "list.mbox.gz"
    data = gzip.compress(whole)
    path.write_bytes(data[: len(data) * 3 // 4])
    ids, warnings = imported(tmp_path, path)
    assert 0 < len(ids) < 4000
    (note,) = [w for w in warnings if "cannot be read past" in w]
    assert note.startswith(f"{path}:") and "truncated or corrupt" in note


def test_a_message_the_parser_cannot_read_is_skipped_with_its_line(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    real = archive.parse_message

    def picky(raw: bytes, group: str) -> archive.ArchiveMessage:
        if b"mail 2" in raw:
            raise RecursionError("too deep")
        return real(raw, group)

    monkeypatch.setattr(archive, "parse_message", picky)
    path = tmp_path / "list.mbox"
    path.write_bytes(mail(1) + mail(2) + mail(3))
    ids, warnings = imported(tmp_path, path)
    assert ids == ["<m1@x>", "<m3@x>"]
    assert f"{path}:8: message skipped: it cannot be read (RecursionError)" in warnings


def make_maildir(root: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    return root


def test_maildir_nul_header_is_read_and_a_vanished_file_is_skipped(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    box = make_maildir(tmp_path / "box")
    (box / "cur" / "1.a:2,S").write_bytes(mail(1)[mail(1).index(b"\n") + 1 :])
    (box / "cur" / "2.b:2,S").write_bytes(b"Subject: a\x00b\nMessage-ID: <nul@x>\nList-Id: <test.example.org>\n\nx\n")
    (box / "new" / "3.c").write_bytes(mail(3)[mail(3).index(b"\n") + 1 :])
    real = maildir._read

    def racing(entry: os.DirEntry[str]) -> tuple[bytes, str]:
        if entry.name == "3.c":
            raise FileNotFoundError(2, "No such file or directory", entry.path)
        return real(entry)

    monkeypatch.setattr(maildir, "_read", racing)
    ids, warnings = imported(tmp_path, box)
    assert ids == ["<m1@x>", "<nul@x>"]
    assert any(w.startswith(f"{box / 'cur' / '2.b:2,S'}:1: NUL bytes in the header") for w in warnings)
    assert any("3.c: cannot be read" in w and "skipped for now" in w for w in warnings)
    monkeypatch.setattr(maildir, "_read", real)
    ids, _ = imported(tmp_path, box)  # the vanished one was not marked: it is read once it is there
    assert ids == ["<m1@x>", "<m3@x>", "<nul@x>"]


def test_pipermail_month_with_a_nul_header(tmp_path: Path) -> None:
    month = tmp_path / "list" / "2009-November.txt"
    month.parent.mkdir()
    month.write_bytes(mail(1, separator=b"From a at x.org  Thu Nov  5 10:00:00 2009")
                      + mail(2, b"X-A: \x00\n", separator=b"From b at x.org  Thu Nov  5 11:00:00 2009"))
    assert imported(tmp_path, month.parent)[0] == ["<m1@x>", "<m2@x>"]


def test_cli_reads_the_archive_and_names_the_bad_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "list.mbox"
    path.write_bytes(mail(1) + mail(2, b"X-A: \x00\n") + b"From x Thu Jan  1 00:00:00 1970\n\x00\x01junk\n\n" + mail(3))
    code = main.main(["--archive", str(path), "groups"])
    out, err = capsys.readouterr()
    assert code == 0 and "test.example.org" in out
    assert f"pith: {path}:9: NUL bytes in the header" in err and f"pith: {path}:17: damaged message" in err
    assert "\x00" not in err and "internal error" not in err


def test_a_folder_that_is_no_archive_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "box" / "cur").mkdir(parents=True)  # half a Maildir
    code = main.main(["--archive", str(tmp_path / "box"), "groups"])
    err = capsys.readouterr().err
    assert code == 2 and "not an archive" in err and err.count("\n") == 1
