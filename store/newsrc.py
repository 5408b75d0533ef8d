"""The .newsrc format of slrn, tin, trn and Gnus: read and write it exactly.

    news.software.readers: 1-19567,19571-19597
    gmane.comp.version-control.git! 1-5000

``:`` subscribed, ``!`` not; then the numbers already read. Group order is the
user's and is kept. Blank lines and ``#`` comments are skipped on import (and not
written back). Errors name the file and line; a bad file imports nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from nntp.errors import PithError
from store.ranges import RangeError, RangeSet

_LINE = re.compile(r"^(?P<name>[^\s:!]+)(?P<mark>[:!])\s*(?P<ranges>.*)$")


class NewsrcError(PithError):
    """A .newsrc line that is not ``group: ranges`` or ``group! ranges``."""


@dataclass(frozen=True)
class NewsrcEntry:
    """One group's line."""

    group: str
    subscribed: bool
    read: RangeSet


def parse_newsrc(text: str, source: str = ".newsrc") -> list[NewsrcEntry]:
    """All entries in file order; raises NewsrcError naming ``source:line`` on garbage."""
    entries = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise NewsrcError(f"{source}:{number}: not 'group: ranges' or 'group! ranges': {raw[:80]!r}")
        try:
            read = RangeSet.parse(match.group("ranges"))
        except RangeError as exc:
            raise NewsrcError(f"{source}:{number}: {exc}") from None
        name = match.group("name")
        if name in seen:
            raise NewsrcError(f"{source}:{number}: {name} appears again (first on line {seen[name]})")
        seen[name] = number
        entries.append(NewsrcEntry(name, match.group("mark") == ":", read))
    return entries


def format_newsrc(entries: list[NewsrcEntry]) -> str:
    lines = []
    for entry in entries:
        mark = ":" if entry.subscribed else "!"
        ranges = entry.read.format()
        lines.append(f"{entry.group}{mark} {ranges}" if ranges else f"{entry.group}{mark}")
    return "\n".join(lines) + ("\n" if lines else "")


def read_newsrc(path: Path) -> list[NewsrcEntry]:
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError as exc:
        raise NewsrcError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_newsrc(text, str(path))


def write_newsrc(path: Path, entries: list[NewsrcEntry]) -> None:
    """Write atomically (temp file + rename): an interrupted export never leaves half a file."""
    tmp = path.with_name(path.name + ".pith-tmp")
    try:
        tmp.write_text(format_newsrc(entries), encoding="utf-8", errors="surrogateescape")
        tmp.replace(path)
    except OSError as exc:
        raise NewsrcError(f"{path}: cannot write: {exc.strerror or exc}") from None
