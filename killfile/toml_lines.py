"""Line numbers for a TOML document, which tomllib does not give.

Every problem in a rule file must name its file:line, so this scans the text
once for table headers (``[[rule]]``, ``[[rule.all]]``, ``[settings]``), then
for keys and array items inside a table's span. It skips strings (including
multi-line ones) and comments, so a ``[`` inside a pattern never counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")


@dataclass(slots=True)
class Table:
    name: str
    """Dotted name without quotes or spaces, e.g. ``rule.all``."""
    array: bool
    line: int
    """1-based line of the header."""
    end: int = 0
    """Line before the next header (inclusive), or the last line."""


@dataclass(slots=True)
class Locator:
    """Positions in one TOML text."""

    lines: list[str]
    tables: list[Table] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    """Each line with strings blanked and comments removed, for bracket counting."""

    @classmethod
    def scan(cls, text: str) -> Locator:
        lines = text.splitlines()
        loc = cls(lines, code=_strip_strings(lines))
        for number, code in enumerate(loc.code, start=1):
            found = _HEADER.match(code)
            if found and lines[number - 1].lstrip().startswith("["):
                name = re.sub(r"\s+|\"|'", "", found.group(2))
                loc.tables.append(Table(name, found.group(1) == "[[", number))
        for here, after in zip(loc.tables, loc.tables[1:] + [None]):
            here.end = (after.line - 1) if after else len(lines)
        return loc

    def array_tables(self, name: str) -> list[Table]:
        """The ``[[name]]`` headers in file order: the k-th is the k-th element of the array."""
        return [t for t in self.tables if t.array and t.name == name]

    def table(self, name: str) -> Table | None:
        return next((t for t in self.tables if t.name == name), None)

    def children(self, parent: Table, name: str) -> list[Table]:
        """Sub-tables ``[[parent.name]]`` that belong to this parent element."""
        full = f"{parent.name}.{name}"
        last = self.span_end(parent)
        return [t for t in self.tables if parent.line < t.line <= last and t.name == full]

    def span_end(self, parent: Table) -> int:
        """Last line belonging to this table element, sub-tables included."""
        end = parent.end
        for t in self.tables:
            if t.line > parent.line:
                if not t.name.startswith(parent.name + ".") or t.name == parent.name:
                    break
                end = t.end
        return end

    def key(self, start: int, end: int, key: str) -> int | None:
        """Line of ``key = ...`` between lines start and end (1-based, inclusive)."""
        pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*[=.]")
        for number in range(start, min(end, len(self.lines)) + 1):
            if pattern.match(self.code[number - 1]):
                return number
        return None

    def items(self, key_line: int, end: int) -> list[int]:
        """Line of each element of the array that starts on ``key_line`` (after ``=``)."""
        starts: list[int] = []
        depth = 0
        expect = False
        for number in range(key_line, min(end, len(self.lines)) + 1):
            code = self.code[number - 1]
            if number == key_line:
                code = code.split("=", 1)[1] if "=" in code else ""
            for ch in code:
                if depth == 1 and expect and not ch.isspace() and ch not in ",]":
                    starts.append(number)
                    expect = False
                if ch in "[{":
                    depth += 1
                    if depth == 1:
                        expect = True
                elif ch in "]}":
                    depth -= 1
                    if depth == 0:
                        return starts
                elif ch == "," and depth == 1:
                    expect = True
        return starts


def _strip_strings(lines: list[str]) -> list[str]:
    """Lines with string contents replaced by spaces and comments cut, tracking multi-line strings."""
    out: list[str] = []
    open_quote = ""
    for line in lines:
        buf: list[str] = []
        i = 0
        while i < len(line):
            if open_quote:
                if line.startswith(open_quote, i) and (open_quote != '"""' or not _escaped(line, i)):
                    buf.append(open_quote[0])
                    i += len(open_quote)
                    open_quote = ""
                    continue
                if open_quote == '"' and line[i] == "\\":
                    i += 2
                    buf.append("  ")
                    continue
                buf.append(" ")
                i += 1
                continue
            for quote in ('"""', "'''", '"', "'"):
                if line.startswith(quote, i):
                    open_quote = quote
                    buf.append(quote[0])
                    i += len(quote)
                    break
            else:
                if line[i] == "#":
                    break
                buf.append(line[i])
                i += 1
        if open_quote in ('"', "'"):
            open_quote = ""  # single-line strings never span lines
        out.append("".join(buf))
    return out


def _escaped(line: str, i: int) -> bool:
    backslashes = 0
    while i - 1 - backslashes >= 0 and line[i - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
