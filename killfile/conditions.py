"""Parse the condition tables of a rule into Leaf / AllOf / AnyOf / Not trees.

A condition is a TOML table: ``{ header = "From", contains = "troll" }``,
``{ header = "Lines", gt = 200 }``, ``{ tag = "pingpong" }``, or a group
``{ any = [ ... ] }`` / ``{ all = [...] }`` / ``{ none = [...] }``; any of them
takes ``not = true``. Problems are collected with the line the caller knows.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime, time, timezone
from collections.abc import Sequence
from typing import Any

from killfile import regex
from killfile.headers import NUMERIC, canonical
from killfile.model import AllOf, AnyOf, Condition, Leaf, Not
from killfile.states import DateKind, LeafKind, NumberKind, TextKind

TEXT_KINDS: tuple[TextKind, ...] = ("contains", "equals", "regex")
NUMBER_KINDS: tuple[NumberKind, ...] = ("gt", "ge", "lt", "le", "eq")
DATE_KINDS: tuple[DateKind, ...] = ("before", "after")
GROUP_KEYS = ("all", "any", "none")
LEAF_KEYS = ("header", "case", "not", "tag", *TEXT_KINDS, *NUMBER_KINDS, *DATE_KINDS)
ALL_KEYS = (*LEAF_KEYS, *GROUP_KEYS)


class ConditionError(ValueError):
    """A condition that cannot be used; ``line`` is where it was written."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def suggest(key: str, valid: tuple[str, ...] | list[str]) -> str:
    """`` (did you mean "x"?)`` for a misspelt key, or nothing."""
    close = difflib.get_close_matches(key, list(valid), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def parse_condition(data: Any, line: int) -> Condition:
    """One condition table -> Condition; raises ConditionError."""
    if not isinstance(data, dict):
        raise ConditionError(f"a condition must be a table like {{ header = ..., contains = ... }}, not {data!r}", line)
    for key in data:
        if key not in ALL_KEYS:
            raise ConditionError(f'unknown condition key "{key}"{suggest(key, ALL_KEYS)}', line)
    negate = data.get("not", False)
    if not isinstance(negate, bool):
        raise ConditionError('"not" must be true or false', line)
    groups = [k for k in GROUP_KEYS if k in data]
    if groups:
        if len(data) - (1 if "not" in data else 0) != len(groups):
            raise ConditionError("a group condition ({ any = [...] }) takes no header or match keys", line)
        node: Condition = AllOf(tuple(_group(k, data[k], line) for k in groups))
        if len(groups) == 1:
            node = _group(groups[0], data[groups[0]], line)
    elif "tag" in data:
        node = _tag_leaf(data, line)
    else:
        node = _leaf(data, line)
    return Not(node) if negate else node


def parse_list(items: Any, line_of: Any, what: str) -> list[Condition]:
    """An array of condition tables; ``line_of(i)`` gives the line of item i."""
    if not isinstance(items, list):
        raise ConditionError(f'"{what}" must be an array of condition tables', line_of(0))
    return [parse_condition(item, line_of(i)) for i, item in enumerate(items)]


def _group(kind: str, items: Any, line: int) -> Condition:
    parsed = parse_list(items, lambda _i: line, kind)
    if not parsed:
        raise ConditionError(f'"{kind}" needs at least one condition', line)
    if kind == "all":
        return AllOf(tuple(parsed))
    if kind == "any":
        return AnyOf(tuple(parsed))
    return Not(AnyOf(tuple(parsed)))


def _tag_leaf(data: dict[str, Any], line: int) -> Condition:
    extra = set(data) - {"tag", "not"}
    if extra:
        raise ConditionError(f'a tag condition takes only "tag" (and "not"), not {sorted(extra)}', line)
    tags = data["tag"] if isinstance(data["tag"], list) else [data["tag"]]
    if not tags or not all(isinstance(t, str) and t.strip() for t in tags):
        raise ConditionError('"tag" must be a tag name or a list of them', line)
    leaves = [Leaf("tag", "tag", t.strip().lower(), line=line) for t in tags]
    return leaves[0] if len(leaves) == 1 else AnyOf(tuple(leaves))


def _leaf(data: dict[str, Any], line: int) -> Condition:
    header = data.get("header")
    if not isinstance(header, str) or not header.strip():
        raise ConditionError('a condition needs "header" (From, Subject, Lines, Age, Body, any header)', line)
    kinds = [k for k in (*TEXT_KINDS, *NUMBER_KINDS, *DATE_KINDS) if k in data]
    if not kinds:
        raise ConditionError(f'condition on {header} says nothing to match: use contains, equals, regex, '
                             "gt/ge/lt/le/eq or before/after", line)
    case = data.get("case", False)
    if not isinstance(case, bool):
        raise ConditionError('"case" must be true (case-sensitive) or false', line)
    name = canonical(header)
    leaves = [leaf for kind in kinds for leaf in _leaves(name, kind, data[kind], case, line)]
    return leaves[0] if len(leaves) == 1 else _combine(kinds, leaves)


def _combine(kinds: Sequence[LeafKind], leaves: list[Condition]) -> Condition:
    """Several match keys on one header: ranges (gt + lt) AND, anything else ANDs too."""
    return AllOf(tuple(leaves))


def _leaves(header: str, kind: LeafKind, value: Any, case: bool, line: int) -> list[Condition]:
    if kind in TEXT_KINDS:
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(v, str) for v in values):
            raise ConditionError(f'"{kind}" takes a string or a list of strings', line)
        if header in NUMERIC:
            raise ConditionError(f"{header} is a number: use gt/ge/lt/le/eq", line)
        leaves: list[Condition] = [_text_leaf(header, kind, v, case, line) for v in values]
        return [leaves[0] if len(leaves) == 1 else AnyOf(tuple(leaves))]
    if kind in NUMBER_KINDS:
        if header not in NUMERIC:
            raise ConditionError(f'"{kind}" works on Lines, Bytes and Age (days), not {header}', line)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConditionError(f'"{kind}" takes a number', line)
        return [Leaf(header, kind, float(value), line=line)]
    if header != "date":
        raise ConditionError(f'"{kind}" works on Date only (use Age for relative times)', line)
    return [Leaf(header, kind, to_datetime(value, line), line=line)]


def _text_leaf(header: str, kind: LeafKind, value: str, case: bool, line: int) -> Leaf:
    if kind == "regex":
        problem = regex.check(value)
        if problem:
            raise ConditionError(f"RE2 rejects the pattern {value!r}: {problem}", line)
    if kind == "contains" and not value:
        raise ConditionError('"contains" with an empty string matches everything; say what you mean', line)
    return Leaf(header, kind, value, case, line)


def to_datetime(value: Any, line: int) -> datetime:
    """A TOML date, datetime or ISO string -> aware UTC datetime (dates mean midnight UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ConditionError(f"not a date: {value!r} (write 2026-12-31 or 2026-12-31T18:00:00Z)", line) from None
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=timezone.utc)
    raise ConditionError(f"not a date: {value!r}", line)


def headers_of(condition: Condition) -> set[str]:
    """Every header a condition reads (``tag`` for tag tests)."""
    if isinstance(condition, Leaf):
        return {condition.header}
    if isinstance(condition, Not):
        return headers_of(condition.item)
    return set().union(*(headers_of(c) for c in condition.items)) if condition.items else set()


def leaves_of(condition: Condition) -> list[Leaf]:
    """Every leaf, depth-first."""
    if isinstance(condition, Leaf):
        return [condition]
    if isinstance(condition, Not):
        return leaves_of(condition.item)
    return [leaf for c in condition.items for leaf in leaves_of(c)]
