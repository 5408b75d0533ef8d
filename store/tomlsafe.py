"""tomllib with a nesting limit, for config.toml, score.toml and pith's killfile.d files.

tomllib parses arrays and inline tables recursively: ``a = [[[[...]]]]`` a few
thousand deep raises RecursionError (a bug-like "internal error" for a user's typo
or a hostile file). No real configuration nests more than a handful of levels, so
text deeper than ``MAX_DEPTH`` is refused before parsing with a TOMLDecodeError that
names the line, like any other syntax error (the rule loader then skips just that
table). The scan is one linear pass over the text that skips strings and comments.
"""

from __future__ import annotations

import tomllib
from typing import Any

MAX_DEPTH = 32
"""Brackets/braces open at once, or dots in one key or table name, beyond which a file is refused."""


class TooDeep(tomllib.TOMLDecodeError):
    """Nested beyond MAX_DEPTH; the message reads like tomllib's own, ``(at line N, column M)``."""

    def __init__(self, line: int, key: str) -> None:
        named = f" (key {key})" if key else ""
        super().__init__(f"nested more than {MAX_DEPTH} levels deep{named} (at line {line}, column 1)")
        self.line = line
        self.key = key


def loads(text: str) -> dict[str, Any]:
    """``tomllib.loads`` that raises TOMLDecodeError (never RecursionError) for deep nesting."""
    line = too_deep_line(text)
    if line:
        raise TooDeep(line, _key_on(text, line))
    try:
        return tomllib.loads(text)
    except RecursionError:  # a shape the scan does not foresee: still one clear line
        raise TooDeep(1, "") from None


def _key_on(text: str, line: int) -> str:
    key = _key_part(text.splitlines()[line - 1]).strip("[] \t")
    return key if len(key) <= 40 else key[:40] + "..."


def too_deep_line(text: str) -> int:
    """The first line where nesting passes MAX_DEPTH, or 0."""
    scan = _Scan()
    for number, line in enumerate(text.splitlines(), start=1):
        if scan.feed(line):
            return number
    return 0


class _Scan:
    """Bracket depth outside strings and comments, carried across lines (multi-line arrays)."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""
        """The open multi-line string delimiter (``\"\"\"`` or ``'''``), if any."""

    def feed(self, line: str) -> bool:
        """True when this line goes too deep."""
        if not self.quote and not self.depth and _key_part(line).count(".") > MAX_DEPTH:
            return True  # dotted keys and [a.b.c] headers nest tables too
        i, n = 0, len(line)
        while i < n:
            if self.quote:
                end = line.find(self.quote, i)
                if end < 0:
                    return False
                i, self.quote = end + 3, ""
                continue
            ch = line[i]
            if ch == "#":
                break
            if ch in "\"'":
                i = self._string(line, i)
                continue
            if ch in "[{":
                self.depth += 1
            elif ch in "]}":
                self.depth = max(0, self.depth - 1)
            if self.depth > MAX_DEPTH:
                return True
            i += 1
        return False

    def _string(self, line: str, i: int) -> int:
        """Index just past the string starting at ``i`` (or the line's end, opening a multi-line one)."""
        delim = line[i]
        if line.startswith(delim * 3, i):
            end = line.find(delim * 3, i + 3)
            if end < 0:
                self.quote = delim * 3
                return len(line)
            return end + 3
        j = i + 1
        while j < len(line):
            if line[j] == "\\" and delim == '"':
                j += 2
                continue
            if line[j] == delim:
                return j + 1
            j += 1
        return len(line)


def _key_part(line: str) -> str:
    """A table header's name, or what comes before ``=``."""
    stripped = line.strip()
    if stripped.startswith("["):
        return stripped.split("]", 1)[0]
    return stripped.split("=", 1)[0] if "=" in stripped else ""
