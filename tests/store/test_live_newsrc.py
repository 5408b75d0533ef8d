"""Issue 15: a live .newsrc shared with slrn/tin/neomutt (newsrc = "~/.newsrc").

Read when pith opens the server's store (the file's word wins per group: another
reader may have changed it), written when pith closes it and after every catch-up,
keeping the file's other groups, comments and order; locked, and replaced atomically.
"""

from __future__ import annotations

import argparse
import fcntl
import threading
import time
from pathlib import Path

import pytest

import main
from cli.context import open_library_factory, resolve_server
from store.cache import Store
from store.livenewsrc import LiveNewsrc, merged_text
from store.newsrc import parse_newsrc
from store.readstate import ReadState


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.sqlite3")


def test_merged_text_keeps_other_groups_comments_and_order() -> None:
    old = "# my groups\nalt.one: 1-3\ncomp.other! 1-9\nalt.two:\n"
    entries = parse_newsrc("alt.two: 1-4\nalt.one: 1-5\nnew.group! 2\n")
    assert merged_text(old, entries) == "# my groups\nalt.one: 1-5\ncomp.other! 1-9\nalt.two: 1-4\nnew.group! 2\n"
    assert merged_text("", entries) == "alt.two: 1-4\nalt.one: 1-5\nnew.group! 2\n"


def test_pith_rereads_a_newsrc_another_program_changed(store: Store, tmp_path: Path) -> None:
    path = tmp_path / ".newsrc"
    path.write_text("a.g: 1-5\nb.g! 1-2\n")
    live = LiveNewsrc(path, store.db)
    live.open()
    state = ReadState(store.db)
    assert state.read("a.g").format() == "1-5" and state.subscribed() == ["a.g"]
    state.mark_read("a.g", [7])
    live.close()
    assert path.read_text() == "a.g: 1-5,7\nb.g! 1-2\n"
    path.write_text("a.g: 1-2,4\nb.g: 1-2\nslrn.only: 1\n")  # slrn unmarked 3 and 5, subscribed b.g
    again = LiveNewsrc(path, store.db)
    again.open()
    assert state.read("a.g").format() == "1-2,4"
    assert state.subscribed() == ["a.g", "b.g", "slrn.only"]
    again.close()
    assert path.read_text() == "a.g: 1-2,4\nb.g: 1-2\nslrn.only: 1\n"


def test_a_catch_up_writes_the_file_at_once(store: Store, tmp_path: Path) -> None:
    path = tmp_path / ".newsrc"
    path.write_text("# kept\nother.g: 1\n")
    live = LiveNewsrc(path, store.db)
    live.open()
    ReadState(store.db).mark_through("c.g", 40)
    assert path.read_text() == "# kept\nother.g: 1\nc.g! 1-40\n"
    live.close()
    ReadState(store.db).mark_through("c.g", 50)  # closed: no longer written
    assert "1-40" in path.read_text()


def test_the_file_mode_is_kept_and_no_temp_file_is_left(store: Store, tmp_path: Path) -> None:
    path = tmp_path / ".newsrc"
    path.write_text("a.g: 1\n")
    path.chmod(0o640)
    live = LiveNewsrc(path, store.db)
    live.open()
    live.close()
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".newsrc")) == [".newsrc", ".newsrc.lock"]


def test_writing_waits_for_the_lock(store: Store, tmp_path: Path) -> None:
    path = tmp_path / ".newsrc"
    live = LiveNewsrc(path, store.db)
    live.open()
    ReadState(store.db).mark_read("a.g", [1])
    holder = open(tmp_path / ".newsrc.lock", "a")
    fcntl.flock(holder, fcntl.LOCK_EX)
    threading.Timer(0.4, holder.close).start()
    started = time.monotonic()
    live.close()
    assert time.monotonic() - started >= 0.3
    assert path.read_text() == "a.g! 1\n"


def test_a_bad_newsrc_is_one_line_naming_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / ".newsrc"
    path.write_text("good.g: 1\nthis is not a newsrc line\n")
    config = tmp_path / "config.toml"
    config.write_text(f'newsrc = "{path}"\n[servers.x]\nhost = "127.0.0.1"\nport = 1\n')
    code = main.main(["--config", str(config), "--server", "x", "--offline", "groups"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and f"{path}:2" in err


def test_config_newsrc_per_server_and_top_level(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('newsrc = "~/.newsrc"\n[servers.a]\nhost = "a.example"\n'
                      '[servers.b]\nhost = "b.example"\nnewsrc = "/srv/b.newsrc"\n')
    args = argparse.Namespace(config=str(config), server="a", timeout=None)
    assert resolve_server(args).newsrc == Path("~/.newsrc").expanduser()
    args.server = "b"
    assert resolve_server(args).newsrc == Path("/srv/b.newsrc")
    args.server = "c.example"
    assert resolve_server(args).newsrc == Path("~/.newsrc").expanduser()  # an address: the top-level file
    config.write_text('[servers.a]\nhost = "a.example"\n')
    args.server = "a"
    assert resolve_server(args).newsrc is None


def test_the_cli_reads_and_writes_the_live_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / ".newsrc"
    path.write_text("x.g: 1-3\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[servers.x]\nhost = "127.0.0.1"\nport = 1\nnewsrc = "{path}"\n')
    args = main.build_parser().parse_args(["--config", str(config), "--server", "x", "--offline", "subscribe", "y.g"])
    factory, _ = open_library_factory(args)
    library = factory()
    assert ReadState(library.store.db).read("x.g").format() == "1-3"
    ReadState(library.store.db).subscribe("y.g")
    library.close()
    assert path.read_text() == "x.g: 1-3\ny.g:\n"
