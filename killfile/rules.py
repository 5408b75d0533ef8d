"""Read and validate score.toml: every problem with its file:line, and a broken rule never
stops the others.

A TOML syntax error would normally lose the whole file; here the table around
the error is commented out (in memory only) and the rest is parsed again, so
one typo costs one rule. Each table then becomes a frozen record (killfile.model)
or a Problem.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from killfile import tables
from killfile.check import unknown_headers
from killfile.conditions import ConditionError, suggest
from killfile.model import Problem, RuleSet
from killfile.toml_lines import Locator
from store import tomlsafe

TOP_KEYS = ("version", "settings", "thresholds", "rule", "cap", "tag", "autotags", "detectors",
            "plugin", "author", "thread")
ARRAYS = ("thresholds", "rule", "cap", "tag", "plugin", "author", "thread")


def load_rules(path: Path | str) -> tuple[RuleSet, list[Problem]]:
    """Parse a rule file; a missing or unreadable file is one Problem, not an exception."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return RuleSet(path=str(path)), [Problem(str(path), 0, "no such file")]
    except (OSError, UnicodeDecodeError) as exc:
        return RuleSet(path=str(path)), [Problem(str(path), 0, f"cannot read: {exc}")]
    return parse_rules(text, str(path))


def parse_rules(text: str, path: str = "score.toml") -> tuple[RuleSet, list[Problem]]:
    """Text of a rule file -> (RuleSet of the valid parts, every problem found)."""
    problems: list[Problem] = []
    data, text = _tolerant_load(text, path, problems)
    loc = Locator.scan(text)
    ctx = tables.Context(path, loc, problems, Path(path).parent)
    for key in data:
        if key not in TOP_KEYS:
            ctx.error(_top_line(loc, key), f'unknown table or key "{key}"{suggest(key, TOP_KEYS)}')
    version = data.get("version", 1)
    if version != 1:
        ctx.error(_top_line(loc, "version"), f"version {version!r} is not one this pith reads (1)")
    sections: dict[str, Any] = {}
    for field_name, (key, parse) in _SECTIONS.items():
        if key in data:
            sections[field_name] = parse(ctx, data[key])
    rules = RuleSet(path=path, **sections)
    problems.extend(unknown_headers(rules))  # valid, but can never match: say so, with the nearest header
    return rules, problems


def _top_line(loc: Locator, key: str) -> int:
    table = loc.table(key)
    return table.line if table else (loc.key(1, len(loc.lines), key) or 1)


def _each(kind: str,
          parse_one: Callable[[tables.Context, dict[str, Any], tables.Where], Any]) -> Callable[..., tuple[Any, ...]]:
    """Parse an array of tables, keeping the good entries and reporting the bad ones."""

    def parse(ctx: tables.Context, items: Any) -> tuple[Any, ...]:
        if not isinstance(items, list):
            ctx.error(_top_line(ctx.loc, kind), f'"{kind}" must be written [[{kind}]] (an array of tables)')
            return ()
        headers = ctx.loc.array_tables(kind)
        out = []
        for i, item in enumerate(items):
            where = tables.Where(ctx.loc, headers[i] if i < len(headers) else None, _top_line(ctx.loc, kind))
            if not isinstance(item, dict):
                ctx.error(where.line, f"[[{kind}]] entries must be tables")
                continue
            try:
                parsed = parse_one(ctx, item, where)
            except ConditionError as exc:
                ctx.error(exc.line, str(exc))
                continue
            if parsed is not None:
                out.append(parsed)
        return tuple(out)

    return parse


_SECTIONS: dict[str, tuple[str, Callable[..., Any]]] = {
    "rules": ("rule", _each("rule", tables.parse_rule)),
    "thresholds": ("thresholds", _each("thresholds", tables.parse_thresholds)),
    "caps": ("cap", _each("cap", tables.parse_cap)),
    "tag_filters": ("tag", _each("tag", tables.parse_tag_filter)),
    "plugins": ("plugin", _each("plugin", tables.parse_plugin)),
    "author_rules": ("author", _each("author", tables.parse_author)),
    "thread_rules": ("thread", _each("thread", tables.parse_thread)),
    "detectors": ("detectors", tables.parse_detectors),
    "autotags": ("autotags", tables.parse_autotags),
    "settings": ("settings", tables.parse_settings),
}
"""RuleSet field -> (TOML key, parser)."""


_LINE = re.compile(r"at line (\d+)")


def _tolerant_load(text: str, path: str, problems: list[Problem]) -> tuple[dict[str, Any], str]:
    """tomllib.loads, commenting out the table around each syntax error until the rest parses."""
    lines = text.splitlines()
    for _ in range(len(lines) + 1):
        try:
            return tomlsafe.loads("\n".join(lines)), "\n".join(lines)
        except tomllib.TOMLDecodeError as exc:
            found = _LINE.search(str(exc))
            bad = int(found.group(1)) if found else len(lines)
            start, end = _block(lines, bad)
            message = _LINE.sub("", str(exc)).replace(" (, column", " (column").strip()
            problems.append(Problem(path, bad, f"TOML syntax: {message}; lines {start}-{end} skipped"))
            if all(line.startswith("#") or not line.strip() for line in lines[start - 1 : end]):
                break
            for i in range(start - 1, end):
                lines[i] = "# " + lines[i]
    return {}, text


def _block(lines: list[str], bad: int) -> tuple[int, int]:
    """The table (with its sub-tables) that holds line ``bad``: from its header to the next one's."""
    starts: list[int] = []
    root = None
    for number, line in enumerate(lines, start=1):
        name = _root(line)
        if name and ("." not in name or name.split(".")[0] != root):
            starts.append(number)
            root = name.split(".")[0]
    start = max((n for n in starts if n <= bad), default=1)
    end = min((n - 1 for n in starts if n > bad), default=len(lines))
    return start, max(end, start)


def _root(line: str) -> str:
    found = re.match(r"^\s*\[\[?\s*([A-Za-z0-9_.\-]+)\s*\]\]?", line)
    return found.group(1) if found else ""
