"""A small, bounded reader for the Lisp data in Gnus score files.

Gnus score files are one Emacs Lisp alist (``(("from" ("Lars" -100 nil s)) (mark -10))``).
Only data is read, never evaluated: lists, strings, integers, floats and symbols, each with
the line it starts on, so every entry can be reported by file:line. The reader never raises:
anything it cannot read (an unclosed string, a stray ``)``, nesting deeper than
``MAX_DEPTH``, more than ``MAX_ITEMS`` items) is a message with its line, and reading stops
there with what was read so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NoReturn, Union

MAX_DEPTH = 64
MAX_ITEMS = 200_000

Atom = Union[str, int, float, "Symbol"]


@dataclass(frozen=True)
class Symbol:
    """A Lisp symbol (``nil``, ``t``, ``s``, ``mark``...), kept apart from strings."""

    name: str


@dataclass
class Item:
    """One datum and the line it starts on; ``value`` is an atom or a list of Items."""

    value: Atom | list["Item"]
    line: int

    @property
    def items(self) -> list["Item"]:
        """The elements of a list; an atom has none."""
        return self.value if isinstance(self.value, list) else []


@dataclass
class Reading:
    """What ``read_lisp`` found: the top-level data, and why it stopped early (if it did)."""

    data: list[Item] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


_TOKEN = re.compile(r"""\s+|;[^\n]*|[()']|"|[^\s()'";]+""")
_INT = re.compile(r"[+-]?\d+\.?")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_ESCAPES = {"n": "\n", "t": "\t", "\n": "", "\\": "\\", '"': '"'}


class _Stop(Exception):
    """Internal: reading cannot go on (the message and line are in the Reading)."""


def read_lisp(text: str) -> Reading:
    """Every top-level datum of ``text``; never raises."""
    reading = _Reader(text)
    try:
        reading.run()
    except _Stop:
        pass
    return reading.result


class _Reader:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line, self.count = text, 0, 1, 0
        self.result = Reading()
        self.stack: list[Item] = []

    def fail(self, message: str) -> NoReturn:
        self.result.problems.append((self.line, message))
        raise _Stop

    def run(self) -> None:
        while self.pos < len(self.text):
            found = _TOKEN.match(self.text, self.pos)
            if found is None:  # pragma: no cover - the pattern matches any character
                self.fail("unreadable text")
            token = found.group(0)
            start_line = self.line
            self.pos = found.end()
            self.line += token.count("\n")
            self.token(token, start_line)
        if self.stack:
            self.line = self.stack[0].line
            self.fail(f"the list opened on line {self.stack[-1].line} is never closed")

    def token(self, token: str, line: int) -> None:
        if token[0].isspace() or token[0] in ";'":
            return
        if token == "(":
            if len(self.stack) >= MAX_DEPTH:
                self.fail(f"lists nested deeper than {MAX_DEPTH}")
            self.stack.append(Item([], line))
        elif token == ")":
            self.close()
        elif token == '"':
            self.add(Item(self.string(), line))
        else:
            self.add(Item(_atom(token), line))

    def close(self) -> None:
        if not self.stack:
            self.fail("')' without '('")
        done = self.stack.pop()
        self.add(done)

    def add(self, item: Item) -> None:
        self.count += 1
        if self.count > MAX_ITEMS:
            self.fail(f"more than {MAX_ITEMS} items")
        target = self.stack[-1].value if self.stack else self.result.data
        assert isinstance(target, list)  # the stack holds only the lists still open
        target.append(item)

    def string(self) -> str:
        out: list[str] = []
        start = self.line
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == '"':
                return "".join(out)
            if ch == "\\" and self.pos < len(self.text):
                ch = self.text[self.pos]
                self.pos += 1
                out.append(_ESCAPES.get(ch, ch))
            else:
                out.append(ch)
            self.line += ch == "\n"
        self.line = start
        self.fail("string never closed")
        return ""  # pragma: no cover


def _atom(token: str) -> Atom:
    if len(token) > 40:  # no score needs more digits; int() refuses very long ones
        return Symbol(token.replace("\\", ""))
    if _INT.fullmatch(token):
        return int(token.rstrip("."))
    if _FLOAT.fullmatch(token):
        return float(token)
    return Symbol(token.replace("\\", ""))
