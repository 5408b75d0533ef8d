"""slrn score files -> pith rules.

Reads the format of slrn's doc/score.txt as slrn 1.0.3 writes it: ``[group, ...]``
sections (``[~...]`` negates), ``Score:`` (AND) / ``Score::`` (OR) with ``=N``
to set, an optional ``Expires:``, header tests (``~`` negates, S-Lang regexes,
case-insensitive unless ``\\c``), ``{:`` / ``{::`` nested groups and ``include``.
An entry with any test that cannot be converted is left out whole (dropping
one AND test would widen a kill) and listed with its file:line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from killfile.emit import RuleText, document
from killfile.model import Problem
from killfile.slang_regex import Untranslatable, translate

_SCORE = re.compile(r"^Score(::?)\s*(=?)\s*([+-]?\d+)\s*(.*)$", re.IGNORECASE)
_TEST = re.compile(r"^(~?)([A-Za-z0-9][A-Za-z0-9_-]*):\s?(.*)$")
NUMERIC = {"lines": "Lines", "bytes": "Bytes"}


@dataclass
class _Group:
    op: str
    line: int
    items: list[Any] = field(default_factory=list)


@dataclass
class _Entry:
    path: str
    line: int
    op: str
    set_score: bool
    score: int
    name: str
    groups: list[str]
    expires: datetime | None = None
    root: _Group = field(default_factory=lambda: _Group(":", 0))
    problems: list[str] = field(default_factory=list)


def convert_slrn(path: Path) -> tuple[str, list[Problem]]:
    """An slrn score file (and its includes) -> (pith TOML text, what could not be converted)."""
    entries, problems = parse_slrn(path)
    rules: list[RuleText] = []
    for entry in entries:
        if entry.problems:
            problems.extend(Problem(entry.path, entry.line, f"entry not converted: {p}", "warning")
                            for p in entry.problems)
            continue
        rule = _rule(entry, problems)
        if rule is not None:
            rules.append(rule)
    skipped = [str(p) for p in problems]
    return document(f"Converted by `pith rules import-slrn` from {path}", rules, skipped), problems


def parse_slrn(path: Path, groups: list[str] | None = None, depth: int = 0) -> tuple[list[_Entry], list[Problem]]:
    entries: list[_Entry] = []
    problems: list[Problem] = []
    current_groups = list(groups or ["*"])
    entry: _Entry | None = None
    stack: list[_Group] = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip(raw)
        if not line:
            continue
        named = _SCORE.match(raw.strip())
        where = f"{path}:{number}"
        if line.startswith("[") and line.endswith("]"):
            current_groups, entry, stack = _section(line), None, []
        elif line.lower().startswith("include "):
            entry = None
            included = Path(line.split(None, 1)[1].strip()).expanduser()
            included = included if included.is_absolute() else path.parent / included
            if depth > 10 or not included.is_file():
                problems.append(Problem(str(path), number, f"include {included}: not found (or nested too deep)",
                                        "warning"))
                continue
            more, more_problems = parse_slrn(included, current_groups, depth + 1)
            entries.extend(more)
            problems.extend(more_problems)
        elif (score := _SCORE.match(line)) is not None:
            name = _name(named.group(4) if named is not None else score.group(4))
            entry = _Entry(str(path), number, score.group(1), bool(score.group(2)), int(score.group(3)), name,
                           current_groups)
            entry.root = _Group(score.group(1), number)
            stack = [entry.root]
            entries.append(entry)
        elif entry is None:
            problems.append(Problem(str(path), number, f"not inside a Score entry: {line!r}", "warning"))
        else:
            _entry_line(entry, stack, line, number, where)
    return entries, problems


def _strip(raw: str) -> str:
    """Drop leading white space and a ``%`` comment (at line start, or after white space)."""
    line = raw.strip()
    if line.startswith("%"):
        return ""
    return re.sub(r"\s+%.*$", "", line).strip()


def _name(rest: str) -> str:
    """The entry's name: the text after the score, or after a ``%`` there (``Score: -9999 %
    flame wars``), which slrn shows as the entry's name in its kill log."""
    return rest.strip().lstrip("%").strip()


def _section(line: str) -> list[str]:
    body = line[1:-1].strip()
    negate = body.startswith("~")
    names = [g.strip() for g in body.lstrip("~").split(",") if g.strip()]
    return ["!" + g for g in names] if negate else names


def _entry_line(entry: _Entry, stack: list[_Group], line: str, number: int, where: str) -> None:
    if line.lower().startswith("expires:"):
        if stack[-1] is not entry.root or entry.root.items:
            entry.problems.append(f"{where}: Expires must follow Score directly")
        expires = _date(line.split(":", 1)[1].strip())
        if expires is None:
            entry.problems.append(f"{where}: bad Expires date {line!r} (MM/DD/YYYY or DD-MM-YYYY)")
        entry.expires = expires
    elif line.startswith("{"):
        group = _Group("::" if line.startswith("{::") else ":", number)
        stack[-1].items.append(group)
        stack.append(group)
    elif line == "}":
        if len(stack) > 1:
            stack.pop()
        else:
            entry.problems.append(f"{where}: '}}' without '{{'")
    else:
        test = _TEST.match(line)
        if test is None:
            entry.problems.append(f"{where}: cannot read {line!r}")
            return
        stack[-1].items.append((test.group(1) == "~", test.group(2), test.group(3).strip(), where))


def _date(text: str) -> datetime | None:
    for fmt in ("%m/%d/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    return None


def _rule(entry: _Entry, problems: list[Problem]) -> RuleText | None:
    try:
        items = [_condition(item) for item in entry.root.items]
    except Untranslatable as exc:
        line = exc.line or entry.line
        problems.append(Problem(entry.path, line, f"Score entry of line {entry.line} not converted: {exc}", "warning"))
        return None
    if not items:
        problems.append(Problem(entry.path, entry.line, "entry has no tests; not converted", "warning"))
        return None
    rule = RuleText([f"from {entry.path}:{entry.line}"])
    rule.keys["name"] = entry.name or f"slrn {Path(entry.path).name}:{entry.line}"
    if entry.groups != ["*"]:
        rule.keys["groups"] = entry.groups
    rule.keys["set" if entry.set_score else "score"] = entry.score
    if entry.expires is not None:
        rule.keys["expires"] = entry.expires
    rule.conditions["all" if entry.op == ":" else "any"] = items
    return rule


def _condition(item: Any) -> dict[str, Any]:
    if isinstance(item, _Group):
        inner = [_condition(i) for i in item.items]
        return {"all" if item.op == ":" else "any": inner}
    negate, header, text, where = item
    try:
        return _test(negate, header, text, where)
    except Untranslatable as exc:
        exc.line = int(where.rsplit(":", 1)[1])
        raise


def _test(negate: bool, header: str, text: str, where: str) -> dict[str, Any]:
    key = header.lower()
    if key in NUMERIC or key == "age":
        return _number(negate, key, text, where)
    if key == "has-body":
        raise Untranslatable("Has-Body (pith scores cached and uncached articles alike)")
    pattern, case = translate(text)
    out: dict[str, Any] = {"header": "Group" if key == "newsgroup" else header, "regex": pattern}
    if case:
        out["case"] = True
    if negate:
        out["not"] = True
    return out


def _number(negate: bool, key: str, text: str, where: str) -> dict[str, Any]:
    if not re.fullmatch(r"\d+", text):
        raise Untranslatable(f"{key} needs a whole number, not {text!r}")
    n = int(text)
    if key == "age":  # Age: N = at most N days old; ~Age = older
        return {"header": "Age", "gt" if negate else "le": n}
    return {"header": NUMERIC[key], "le" if negate else "gt": n}
