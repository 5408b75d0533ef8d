"""Launch to list, as a user meets it: a fresh process in a real terminal (tmux 120x40) until the screen shows it.

The clock starts as tmux is asked for a new window running the command and stops
at the first capture of the pane that shows ``marker`` (polled every few ms, so a
figure is a few ms late at most, the same for every command). A Textual
hello-world runs the same way: its time to first paint is the floor any Textual
app pays, the figure pith's start-up is compared with (issue 17).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POLL_S = 0.004
SOCKET = f"pith-launch-{os.getpid()}"

HELLO_WORLD = """
from textual.app import App, ComposeResult
from textual.widgets import Static

class Hello(App):
    def compose(self) -> ComposeResult:
        yield Static("Hello, world")

Hello().run()
"""
HELLO_MARKER = re.compile(r"Hello, world")


def list_markers(group: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The status line of a first screen of rows (or of the complete list, should it come first), and of
    the complete thread list (ThreadsScreen's summary)."""
    complete = re.escape(group) + r": [\d,]+ articles in [\d,]+ threads"
    return re.compile(r"first [\d,]+ articles · loading the rest|" + complete), re.compile(complete)


def _tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], check=True, capture_output=True, text=True, env=_USER_ENV)
    return done.stdout


_USER_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
"""What the tmux server (and so every window) starts with: bytecode is written and used, as it is for
an installed pith (pip compiles it); without, each start compiles ~150 modules again (~0.15 s)."""


class Terminal:
    """One private tmux server (its own socket) whose windows run the commands timed."""

    def __enter__(self) -> Terminal:
        _tmux("-f", "/dev/null", "new-session", "-d", "-s", "bench", "-x", "120", "-y", "40", "sleep 100000")
        _tmux("set-option", "-g", "remain-on-exit", "on")
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(["tmux", "-L", SOCKET, "kill-server"], capture_output=True)

    def time_until(self, command: list[str], markers: Sequence[re.Pattern[str]], env: dict[str, str],
                   timeout: float = 60.0) -> list[float]:
        """Seconds from starting ``command`` in a new window to each of ``markers`` on its screen (the run
        ends with the last one)."""
        window = f"w{uuid.uuid4().hex[:8]}"
        settings = [item for name, value in env.items() for item in ("-e", f"{name}={value}")]
        t0 = time.perf_counter()
        _tmux("new-window", "-d", "-t", "bench", "-n", window, *settings, _shell_line(command))
        try:
            seconds = self._wait(window, t0, markers, timeout)
            self._quit(window)  # ctrl+q, as a reader leaves: the store closes as it does then
            return seconds
        finally:
            _tmux("kill-window", "-t", f"bench:{window}")

    def _wait(self, window: str, t0: float, markers: Sequence[re.Pattern[str]], timeout: float) -> list[float]:
        seen: dict[int, float] = {}
        screen = ""
        while time.perf_counter() - t0 < timeout:
            screen = _tmux("capture-pane", "-p", "-t", f"bench:{window}")
            now = time.perf_counter() - t0
            seen |= {i: now for i, marker in enumerate(markers) if i not in seen and marker.search(screen)}
            if len(markers) - 1 in seen:
                return [seen.get(i, now) for i in range(len(markers))]
            time.sleep(POLL_S)
        raise TimeoutError(f"{markers[-1].pattern!r} not on screen after {timeout:.0f} s:\n{screen}")

    def _quit(self, window: str, timeout: float = 60.0) -> None:
        _tmux("send-keys", "-t", f"bench:{window}", "C-q")
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < timeout:
            if _tmux("display-message", "-p", "-t", f"bench:{window}", "#{pane_dead}").strip() == "1":
                return
            time.sleep(0.02)


def _shell_line(command: list[str]) -> str:
    return "exec " + " ".join("'" + part.replace("'", "'\\''") + "'" for part in command)


def private_dirs(root: Path) -> dict[str, str]:
    """XDG directories of a user of their own (config, store, state, cache) under ``root``."""
    names = ("CONFIG", "DATA", "STATE", "CACHE")
    return {f"XDG_{name}_HOME": str(root / name.lower()) for name in names}


Samples = list[list[float]]
"""One row per run: the seconds to each marker."""


def measure(address: str, group: str, trees: dict[str, Path], runs: int = 7) -> dict[str, Samples]:
    """``runs`` rounds, each launching once: Textual's hello-world, then for each source tree (label -> its
    directory; a checkout of an earlier commit beside this one gives before and after in one run) pith
    into ``group`` cold (nothing cached) and warm (cached by an earlier run), each a fresh process timed
    to its first rows and to its complete list. Rounds interleave the trees, so a machine busy for a
    while weighs on both alike."""
    markers = list_markers(group)
    base = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    with Terminal() as term, tempfile.TemporaryDirectory(prefix="pith-launch-") as tmp:
        base["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")  # the trees stay clean

        def fresh() -> dict[str, str]:
            return base | private_dirs(Path(tempfile.mkdtemp(dir=tmp)))

        hello = [sys.executable, "-c", HELLO_WORLD]
        term.time_until(hello, [HELLO_MARKER], base)  # imports compiled, files in the page cache
        commands = {label: [sys.executable, str(tree / "main.py"), "--server", address, "read", group]
                    for label, tree in trees.items()}
        warm_envs = {label: fresh() for label in trees}
        for label, pith in commands.items():
            term.time_until(pith, markers, warm_envs[label])  # compiles pith's modules, caches the group
        labels = ["hello", *(f"{label} {how}" for label in trees for how in ("cold", "warm"))]
        figures: dict[str, Samples] = {label: [] for label in labels}
        for _ in range(runs):
            figures["hello"].append(term.time_until(hello, [HELLO_MARKER], base))
            for label, pith in commands.items():
                figures[f"{label} cold"].append(term.time_until(pith, markers, fresh()))
                figures[f"{label} warm"].append(term.time_until(pith, markers, warm_envs[label]))
        print(f"  ... {figures}", file=sys.stderr, flush=True)
    return figures


def report(figures: dict[str, Samples], group: str, count: int) -> str:
    runs = len(figures["hello"])
    lines = [f"launch to the list, tmux 120x40, median (best) of {runs} ({group}, {count:,} articles):",
             f"  {'':<31} {'first rows':>15} {'complete list':>15}"]
    for label, rows in figures.items():
        columns = [_median_best([row[i] for row in rows]) for i in range(len(rows[0]))]
        if label == "hello":
            lines.append(f"  {'Textual hello-world, first paint':<31} {columns[0]:>15}   (the floor)")
        else:
            note = "   (target <= 0.35 s)" if label.endswith("warm") else ""
            lines.append(f"  {'pith ' + label:<31} {columns[0]:>15} {columns[-1]:>15}{note}")
    return "\n".join(lines)


def _median_best(seconds: list[float]) -> str:
    return f"{statistics.median(seconds):.2f} ({min(seconds):.2f})"
