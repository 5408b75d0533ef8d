"""Piping an article to a shell command (slrn's and tin's ``|``): which way to run it, and its result.

Two ways, chosen by the command's first word. A pager or an editor (``less``,
``vim``, ``$PAGER`` ...) needs the terminal: the reader suspends and hands it
over. Anything else (``git am``, ``b4 am -o -``, ``cat > file``) runs in the
background with its output captured, in a session of its own (it can never
read the reader's keys or draw over its screen), and comes back as one line.
Nothing here imports textual or rich.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from nntp.charsets import utf8_or_latin1
from nntp.sanitize import clip_line

INTERACTIVE = frozenset({"less", "more", "most", "pg", "view", "vi", "vim", "nvim", "nano", "emacs",
                         "mutt", "neomutt", "w3m", "lynx", "elinks", "tig", "bat", "delta"})
"""Commands that need the terminal; $PAGER and $EDITOR count too."""


@dataclass(frozen=True)
class PipeResult:
    """How a captured command ended: its status and one line to show."""

    status: int
    line: str


def first_word(command: str) -> str:
    """The program a shell command runs first (its base name), or "" when it cannot be split."""
    import shlex  # only piping needs it, not the thread list's import (issue 17)

    try:
        words = shlex.split(command)
    except ValueError:
        return ""
    words = [w for w in words if "=" not in w or w.startswith(("/", "."))]  # skip VAR=value prefixes
    return Path(words[0]).name if words else ""


def is_interactive(command: str) -> bool:
    """Whether ``command`` wants the terminal (a pager, an editor): run it on a suspended reader."""
    program = first_word(command.split("|")[-1]) or first_word(command)
    own = {first_word(os.environ.get(name, "")) for name in ("PAGER", "EDITOR", "VISUAL")}
    return program in INTERACTIVE or (bool(program) and program in own)


def run_captured(command: str, data: bytes) -> PipeResult:
    """Run ``command`` through the shell with ``data`` on its stdin, output captured; never raises."""
    try:
        done = subprocess.run(command, shell=True, input=data, capture_output=True, check=False,
                              start_new_session=True)
    except OSError as exc:
        return PipeResult(127, f"cannot run {command!r}: {exc.strerror or exc}")
    return PipeResult(done.returncode, summary(command, done.returncode, done.stdout + done.stderr))


def run_on_terminal(command: str, data: bytes) -> int:
    """Run ``command`` on the terminal (the reader suspended), ``data`` on its stdin; -> exit status."""
    try:
        return subprocess.run(command, shell=True, input=data, check=False).returncode
    except OSError:
        return 127


def summary(command: str, status: int, output: bytes) -> str:
    """One line: the command's last line of output and, when it failed, its status."""
    lines = [line for line in utf8_or_latin1(output).splitlines() if line.strip()]
    last = clip_line(lines[-1], 200) if lines else ""
    if status:
        return f"{clip_line(command, 80)}: exit status {status}" + (f": {last}" if last else "")
    return f"{clip_line(command, 80)}: done" + (f": {last}" if last else "")
