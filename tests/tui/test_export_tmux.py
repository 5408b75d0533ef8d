"""| in a real terminal (tmux): a pager gets the terminal on a suspended reader, shows the article as
received (headers the pager does not show, 8-bit body), and the reader comes back when it quits."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.tui.test_compose_kill import ROOT, Terminal, pytestmark, terminal  # noqa: F401 - fixture, tmux skip
from tests.tui.test_export_tui import patch_archive


def test_pipe_into_less_hands_over_the_terminal(terminal: Terminal, tmp_path: Path) -> None:  # noqa: F811
    mbox = patch_archive(tmp_path)
    terminal.start("pipe", [sys.executable, str(ROOT / "main.py"), "--archive", str(mbox), "read", "test.patch",
                            "<one@example.org>"], "LESSCHARSET=utf-8")
    terminal.wait_for("pipe", "Subject: [PATCH 1/2] one", "+new")
    terminal.keys("pipe", "|")
    terminal.wait_for("pipe", "Pipe the article to the shell command")
    terminal.keys("pipe", "less", literal=True)
    terminal.keys("pipe", "Enter")
    shown = terminal.wait_for("pipe", "Message-ID: <one@example.org>", "References: <cover@example.org>", "(END)")
    assert "Subject: [PATCH 1/2] one" in shown and "pith —" not in shown  # less has the whole terminal
    terminal.keys("pipe", "q")
    terminal.wait_for("pipe", "less: done", "Subject: [PATCH 1/2] one")
