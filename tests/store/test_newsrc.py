""".newsrc import/export: exact round trip, slrn/tin files, clear errors, nothing half-imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.newsrc import NewsrcError, format_newsrc, parse_newsrc
from tests.cli_run import run

DATA = Path(__file__).with_name("data")

ARCHIVE = b"""From a Thu Jan  1 00:00:00 1970
Newsgroups: test.one
From: Ann <ann@example.org>
Subject: old
Message-ID: <old@example.org>
Date: Mon, 05 Apr 1993 14:58:21 +0000

old

From b Thu Jan  1 00:00:00 1970
Newsgroups: test.one
From: Bob <bob@example.org>
Subject: new
Message-ID: <new@example.org>
Date: Mon, 05 Apr 2099 14:58:21 +0000

new
"""


@pytest.mark.parametrize("name", ["slrn.jnewsrc", "tin.newsrc"])
def test_files_written_by_real_readers_round_trip_exactly(name: str) -> None:
    text = (DATA / name).read_text()
    entries = parse_newsrc(text, name)
    # Same groups, flags, ranges and order; only the trailing blank tin writes after an
    # empty "group: " differs.
    meaningful = "".join(line.rstrip() + "\n" for line in text.splitlines() if line.strip())
    assert format_newsrc(entries) == meaningful
    assert parse_newsrc(format_newsrc(entries)) == entries
    assert any(e.subscribed for e in entries) and any(e.read.format() for e in entries)


def test_garbage_names_file_and_line() -> None:
    with pytest.raises(NewsrcError, match=r"x.newsrc:3: not 'group: ranges'"):
        parse_newsrc("a.b: 1-3\n\nthis is garbage\n", "x.newsrc")
    with pytest.raises(NewsrcError, match=r"x.newsrc:2: bad range '1-z'"):
        parse_newsrc("a.b: 1\nc.d: 1-z\n", "x.newsrc")
    with pytest.raises(NewsrcError, match=r"x.newsrc:2: a.b appears again \(first on line 1\)"):
        parse_newsrc("a.b: 1\na.b! 2\n", "x.newsrc")


def test_import_export_subscribe_catchup_via_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "a.mbox"
    archive.write_bytes(ARCHIVE)
    src = tmp_path / "in.newsrc"
    src.write_text("zeta.group: 1-10,12\ntest.one! \nalpha.group: 1-3\n")
    base = ["--archive", str(archive)]
    assert run(capsys, *base, "newsrc", "import", str(src))[0] == 0
    out_path = tmp_path / "out.newsrc"
    assert run(capsys, *base, "newsrc", "export", str(out_path))[0] == 0
    assert out_path.read_text() == "zeta.group: 1-10,12\ntest.one!\nalpha.group: 1-3\n"
    assert run(capsys, *base, "groups")[0] == 0
    assert run(capsys, *base, "subscribe", "test.one")[0] == 0
    code, out, _ = run(capsys, *base, "catchup", "test.one", "--older-than", "30", "--json")
    assert code == 0 and '"marked": 1' in out and '"unread": 1' in out
    run(capsys, *base, "newsrc", "export", str(out_path))
    assert "test.one: 1\n" in out_path.read_text()
    code, _, err = run(capsys, *base, "subscribe", "no.such.group")
    assert code == 2 and "no.such.group" in err


def test_bad_import_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "a.mbox"
    archive.write_bytes(ARCHIVE)
    base = ["--archive", str(archive)]
    good = tmp_path / "good.newsrc"
    good.write_text("a.b: 1-5\n")
    run(capsys, *base, "newsrc", "import", str(good))
    bad = tmp_path / "bad.newsrc"
    bad.write_text("c.d: 1\n\x00garbage line\n")
    code, _, err = run(capsys, *base, "newsrc", "import", str(bad))
    assert code == 2 and f"{bad}:2:" in err
    out_path = tmp_path / "out.newsrc"
    run(capsys, *base, "newsrc", "export", str(out_path))
    assert out_path.read_text() == "a.b: 1-5\n"
