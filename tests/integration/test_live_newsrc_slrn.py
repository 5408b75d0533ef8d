"""Issue 15: a live .newsrc written by pith against the real INN2 is read by slrn (Debian's).

slrn has no batch mode, so it runs in a private tmux and its group list is read off
the screen: each subscribed group with its unread count, as slrn computes it from the
file pith wrote and the server's GROUP answers.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import main
from tests.conftest import needs_tools
from cli.context import open_library_factory
from store.readstate import ReadState
from tests.tui.test_compose_kill import Terminal, terminal  # noqa: F401 - fixture

pytestmark = [pytest.mark.integration,
              needs_tools("slrn", "tmux")]


def pith(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> str:
    code = main.main(["--config", str(config), "--server", "inn", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def slrn_unread(terminal: Terminal, inn_server: Any, newsrc: Path, home: Path) -> dict[str, int]:  # noqa: F811
    """slrn's group list for ``newsrc``: group -> unread count, read off its screen."""
    home.mkdir(exist_ok=True)
    (home / ".slrnrc").write_text('set hostname "example.org"\nset show_article 0\n')
    terminal.start("slrn", ["slrn", "--nntp", "-h", inn_server.host, "-p", str(inn_server.port), "-f", str(newsrc),
                            "-n", "-C-", "-i", str(home / ".slrnrc")], f"HOME={home}")
    screen = terminal.wait_for("slrn", "News Groups:", "(Un)Subscribe")  # the group list, drawn
    terminal.keys("slrn", "q")
    terminal.keys("slrn", "y")
    rows = re.findall(r"^(?:->)?\s+(\d+)\s+(\S+)\s*$", screen, re.MULTILINE)  # "->    74  sample.comp.graphics"
    return {name: int(count) for count, name in rows}


def test_slrn_reads_the_newsrc_pith_wrote(inn_server: Any, terminal: Terminal, tmp_path: Path,  # noqa: F811
                                          capsys: pytest.CaptureFixture[str]) -> None:
    counts = inn_server.group_counts()
    first, second = sorted(g for g in inn_server.sample_groups if counts[g][0] >= 3)[:2]
    newsrc = tmp_path / "newsrc"
    newsrc.write_text("# slrn's and pith's\nlocal.test!\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[servers.inn]\nhost = "{inn_server.host}"\nport = {inn_server.port}\nnewsrc = "{newsrc}"\n')
    for group in (first, second):
        pith(capsys, config, "threads", group, "--quiet")
        pith(capsys, config, "subscribe", group)
    args = main.build_parser().parse_args(["--config", str(config), "--server", "inn", "groups"])
    library = open_library_factory(args)[0]()
    low = counts[first][1]
    ReadState(library.store.db).mark_read(first, [low, low + 1])  # two read, as the reader marks them
    library.close()  # pith exits: the file is written
    pith(capsys, config, "catchup", second)
    text = newsrc.read_text()
    assert text.startswith("# slrn's and pith's\nlocal.test!\n") and f"{first}: " in text and f"{second}: " in text
    unread = slrn_unread(terminal, inn_server, newsrc, tmp_path / "home")
    assert unread.get(first) == counts[first][0] - 2, unread
    assert second not in unread  # caught up: slrn lists only groups with unread articles
