"""The composer in a real terminal (tmux): killed with SIGKILL mid-draft after an autosave, the app
finds the draft again when it starts next time; $EDITOR runs on a suspended app and hands back.

An archive's groups take no posts, so the archive's store is made beforehand with its groups taking
posts (tests.tui.conftest.postable_groups): the archive stands in for a server out of reach."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from nntp.archive import ArchiveSource
from store.cache import Store, store_path
from store.library import Library
from store.outbox import Drafts
from store.paths import data_dir
from tests.conftest import needs_tools
from tests.tui.conftest import postable_groups
from tui.screens.compose import AUTOSAVE_SECONDS

ROOT = Path(__file__).resolve().parents[2]
MBOX = Path(__file__).with_name("data") / "snapshot.mbox"

pytestmark = needs_tools("tmux")


class Terminal:
    """One tmux server of our own (a private socket), so the test never touches anyone's sessions."""

    def __init__(self) -> None:
        self.socket = f"pith-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)
        return done.stdout

    def start(self, name: str, command: list[str], *extra_env: str) -> None:
        env = [f"{k}={v}" for k, v in os.environ.items() if k.startswith("XDG_") or k in ("PATH", "HOME")]
        env += ["TERM=xterm-256color", "TZ=UTC", "EMAIL=tess@example.org", *extra_env]
        line = " ".join(["env", "-u", "EDITOR", "-u", "VISUAL", *map(_quote, env), *map(_quote, command)])
        self.tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "36", "-c", str(ROOT), line)
        self.tmux("resize-window", "-t", name, "-x", "120", "-y", "36")

    def screen(self, name: str) -> str:
        return self.tmux("capture-pane", "-p", "-t", name)

    def wait_for(self, name: str, *what: str, timeout: float = 30) -> str:
        """The screen once every one of ``what`` is on it (a redraw may be caught half done)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen(name)
            if all(part in text for part in what):
                return text
            time.sleep(0.2)
        raise AssertionError(f"{what!r} never appeared; the screen shows:\n{self.screen(name)}")

    def keys(self, name: str, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", name, *(["-l"] if literal else []), *keys)
        time.sleep(0.3)  # one burst per call: a terminal sends keys as a person types them

    def pid(self, name: str) -> int:
        return int(self.tmux("display-message", "-p", "-t", name, "#{pane_pid}").strip())

    def stop(self) -> None:
        self.tmux("kill-server")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal()
    term.tmux("new-session", "-d", "-s", "hold", "sleep 600")  # keeps the server up between the two runs
    try:
        yield term
    finally:
        term.stop()


def _postable_archive() -> None:
    """The store `pith --archive MBOX` opens, made now with its groups taking posts."""
    source = ArchiveSource(str(MBOX))
    postable_groups(Library(Store(store_path(data_dir(), source.identity)), lambda: source)).close()


def _drafts(data_home: Path) -> Callable[[], list[tuple[dict[str, str], str]]]:
    def found() -> list[tuple[dict[str, str], str]]:
        result = []
        for store in data_home.rglob("*.sqlite3"):
            drafts = Drafts(sqlite3.connect(store))
            result += [d for d in map(drafts.load, drafts.ids()) if d is not None]
        return result

    return found


def test_draft_survives_sigkill(terminal: Terminal) -> None:
    command = [sys.executable, "main.py", "--archive", str(MBOX), "read", "pith.test.tree"]
    drafts = _drafts(Path(os.environ["XDG_DATA_HOME"]))
    _postable_archive()
    terminal.start("first", command)
    terminal.wait_for("first", "pith.test.tree: ")
    terminal.keys("first", "P")
    terminal.wait_for("first", "ctrl+s sends")
    time.sleep(0.5)  # the composer's on_mount has focused the Subject field
    terminal.keys("first", "survives a kill", literal=True)
    terminal.keys("first", "Tab")
    terminal.keys("first", "typed before the crash", literal=True)
    terminal.wait_for("first", "typed before the crash")
    time.sleep(AUTOSAVE_SECONDS * 2 + 1)
    os.kill(terminal.pid("first"), signal.SIGKILL)
    time.sleep(0.5)  # the process is gone at once; what it wrote to the store is not

    saved = drafts()
    assert len(saved) == 1, saved
    headers, body = saved[0]
    assert headers["Subject"] == "survives a kill" and headers["Newsgroups"] == "pith.test.tree"
    assert body.startswith("typed before the crash")

    terminal.start("second", command)
    terminal.wait_for("second", "pith.test.tree: ")
    terminal.keys("second", "O")
    terminal.wait_for("second", "(the outbox is empty)")
    terminal.keys("second", "D")
    terminal.wait_for("second", "survives a kill")
    terminal.keys("second", "Enter")
    terminal.wait_for("second", "resumed", "survives a kill", "typed before the crash")


def test_editor_runs_on_a_suspended_app(terminal: Terminal, tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\necho 'edited in a real terminal' >> \"$1\"\n"
                      "sed -i 's/^Subject: .*/Subject: real suspend/' \"$1\"\n")
    editor.chmod(0o755)
    command = [sys.executable, "main.py", "--archive", str(MBOX), "read", "pith.test.tree"]
    _postable_archive()
    terminal.start("editing", command, f"EDITOR={editor}")
    terminal.wait_for("editing", "pith.test.tree: ")
    terminal.keys("editing", "f")
    terminal.wait_for("editing", "back from the editor", "Subject:     real suspend", "edited in a real terminal",
                      "> what is the best way to thread a newsgroup?", timeout=20)
