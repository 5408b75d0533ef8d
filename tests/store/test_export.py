"""store/export.py and `pith article --raw / --mbox [--thread]` on a local archive: exact bytes, mboxrd."""

from __future__ import annotations

import mailbox
import os
import pty
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

import main
from nntp.article import parse_article
from nntp.models import Overview
from store import export

REPO = Path(__file__).resolve().parents[2]

LATIN1 = (b"From: Ren\xe9 M\xfcller <rene@example.org>\r\n"
          b"Subject: [PATCH 1/2] media: fix \xe9t\xe9\r\n"
          b"Message-ID: <p1@example.org>\r\n"
          b"Date: Mon, 05 Apr 1993 14:58:21 +0200\r\n\r\n"
          b"From the start\r\n>From quoted\r\n>>From twice\r\nCaf\xe9 \x1b[31m\r\n"
          b"--- a/f.c\r\n+++ b/f.c\r\n@@ -1 +1 @@\r\n-old\r\n+new\r\n")

MBOX = (b"From x Thu Jan  1 00:00:00 1970\n"
        b"Newsgroups: test.patch\nFrom: Ann <ann@example.org>\nSubject: [PATCH 0/2] series\n"
        b"Message-ID: <cover@example.org>\nDate: Mon, 05 Apr 1993 10:00:00 +0000\n\nCover \xe9\n\n"
        b"From x Thu Jan  1 00:00:00 1970\n"
        b"Newsgroups: test.patch\nFrom: Ann <ann@example.org>\nSubject: [PATCH 1/2] one\n"
        b"Message-ID: <one@example.org>\nReferences: <cover@example.org>\n"
        b"Date: Mon, 05 Apr 1993 10:01:00 +0000\n\n>From here\nPatch one\n\n"
        b"From x Thu Jan  1 00:00:00 1970\n"
        b"Newsgroups: test.patch\nFrom: Ann <ann@example.org>\nSubject: [PATCH 2/2] two\n"
        b"Message-ID: <two@example.org>\nReferences: <cover@example.org>\n"
        b"Date: Mon, 05 Apr 1993 10:02:00 +0000\n\nPatch two\n\n"
        b"From x Thu Jan  1 00:00:00 1970\n"
        b"Newsgroups: test.patch\nFrom: Bob <bob@example.org>\nSubject: other\n"
        b"Message-ID: <other@example.org>\nDate: Mon, 05 Apr 1993 11:00:00 +0000\n\nOther\n\n")


def overview(number: int, message_id: str, *references: str) -> Overview:
    date = datetime(2020, 1, 1, 0, number, tzinfo=timezone.utc)
    return Overview(number, f"s{number}", "a@b", date, message_id, tuple(references), 10, 1)


# -- the module --------------------------------------------------------------
def test_article_bytes_are_the_server_bytes_with_lf() -> None:
    article = parse_article(LATIN1)
    assert export.article_bytes(article) == LATIN1.replace(b"\r\n", b"\n")
    assert export.lf_bytes(b"no end") == b"no end\n" and export.lf_bytes(b"") == b""


def test_mboxrd_quoting_is_reversible() -> None:
    data = LATIN1.replace(b"\r\n", b"\n")
    quoted = export.mboxrd_quote(data)
    assert b"\n>From the start\n>>From quoted\n>>>From twice\n" in quoted
    assert export.mboxrd_unquote(quoted) == data


def test_from_line_from_the_headers_and_fallbacks() -> None:
    article = parse_article(LATIN1)
    assert export.from_line(article) == b"From rene@example.org Mon Apr  5 12:58:21 1993\n"
    odd = parse_article(b"From: nobody at all\nDate: whenever\n\nx\n")
    assert export.from_line(odd) == b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"


def test_mbox_entry_reads_back_with_the_stdlib(tmp_path: Path) -> None:
    path = tmp_path / "out.mbox"
    export.append_mbox(path, export.to_mboxrd([parse_article(LATIN1)]))
    export.append_mbox(path, export.mbox_entry(parse_article(LATIN1.replace(b"p1@", b"p2@"))))
    box = mailbox.mbox(str(path))
    assert [m["Message-ID"] for m in box] == ["<p1@example.org>", "<p2@example.org>"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_append_after_a_file_without_a_closing_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "old.mbox"
    path.write_bytes(b"From a Thu Jan  1 00:00:00 1970\nSubject: old\n\nlast line")
    export.append_mbox(path, export.mbox_entry(parse_article(LATIN1)))
    assert b"last line\n\nFrom rene@" in path.read_bytes()
    assert len(mailbox.mbox(str(path))) == 2


def test_thread_of_finds_the_whole_thread_in_order() -> None:
    overviews = [overview(1, "<r@x>"), overview(2, "<o@x>"), overview(3, "<a@x>", "<r@x>"),
                 overview(4, "<b@x>", "<r@x>", "<a@x>"), overview(5, "<c@x>", "<r@x>")]
    numbers = [o.number for o in export.thread_of(overviews, "<b@x>")]
    assert numbers == [1, 3, 4, 5]
    root_of = {"<r@x>": "<r@x>", "<a@x>": "<r@x>", "<b@x>": "<r@x>", "<c@x>": "<r@x>", "<o@x>": "<o@x>"}
    assert [o.number for o in export.thread_of(overviews, "<c@x>", root_of)] == [1, 3, 4, 5]
    assert export.thread_of(overviews, "<nowhere@x>") == []


# -- the CLI -------------------------------------------------------------------
@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "patches.mbox"
    path.write_bytes(MBOX)
    return path


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, bytes]:
    code = main.main(list(argv))
    out, err = capsysbinary.readouterr()
    return code, out, err


def test_raw_keeps_8bit_bytes(archive: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(capsysbinary, "--archive", str(archive), "article", "test.patch", "<cover@example.org>", "--raw")
    assert code == 0, err
    assert out.endswith(b"\n\nCover \xe9\n") and b"\xef\xbf\xbd" not in out


def test_mbox_thread_is_the_whole_series(archive: Path, capsysbinary: pytest.CaptureFixture[bytes],
                                         tmp_path: Path) -> None:
    code, out, err = run(capsysbinary, "--archive", str(archive), "article", "test.patch", "<two@example.org>",
                         "--mbox", "--thread")
    assert code == 0, err
    (tmp_path / "t.mbox").write_bytes(out)
    box = mailbox.mbox(str(tmp_path / "t.mbox"))
    assert [m["Subject"] for m in box] == ["[PATCH 0/2] series", "[PATCH 1/2] one", "[PATCH 2/2] two"]
    assert b"\n>From here\n" in out and b"Cover \xe9\n" in out  # the archive unquoted it; mboxrd quotes again
    assert out.startswith(b"From ann@example.org Mon Apr  5 10:00:00 1993\n")


def test_mbox_of_one_article(archive: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "--archive", str(archive), "article", "test.patch", "<other@example.org>", "--mbox")
    assert code == 0 and out.count(b"\nFrom ") == 0 and out.startswith(b"From bob@example.org ")


def test_thread_without_mbox_is_one_clear_line(archive: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(capsysbinary, "--archive", str(archive), "article", "test.patch", "1", "--thread")
    assert code == 2 and out == b""
    assert err.decode().count("\n") == 1 and "--thread goes with --mbox" in err.decode()


def test_raw_on_a_terminal_is_sanitized(tmp_path: Path) -> None:
    """On a terminal --raw shows the text, escape sequences as visible placeholders."""
    path = tmp_path / "esc.mbox"
    path.write_bytes(b"From x Thu Jan  1 00:00:00 1970\nNewsgroups: t.esc\nMessage-ID: <e@x>\n"
                     b"Subject: esc\n\nCaf\xe9 \x1b[2J done\n")
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_STATE_HOME": str(tmp_path / "state")}
    child = subprocess.run([sys.executable, "-m", "main", "--archive", str(path), "article", "t.esc", "1", "--raw"],
                           stdout=follower, stderr=subprocess.PIPE, env=env, cwd=tmp_path, timeout=60, check=False)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert child.returncode == 0, child.stderr
    assert b"\x1b" not in shown and "Café \u241b[2J done".encode() in shown
