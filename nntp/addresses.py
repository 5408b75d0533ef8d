"""Split a From value into display name and address, safely, and key addresses for matching.

``email.utils.parseaddr`` recurses once per nested comment: a From with 600
nested ``(`` raises RecursionError and used to stop a whole group from being
threaded and scored. Here the common shapes (``Name <addr>``, ``addr``,
``addr (Name)``) are parsed by two regular expressions, parseaddr is only asked
about short values with shallow comments, and nothing ever raises.

Values may be raw or already sanitized, so an address part may hold
``<U+200B>``/``<9B>`` markers (see ``nntp.sanitize``); both forms key the same.
"""

from __future__ import annotations

import re
from email.utils import parseaddr
from functools import lru_cache

from nntp.sanitize import strip_invisible

MAX_COMMENT_DEPTH = 16
"""Deeper comments than this are never handed to the recursive parser."""
MAX_PARSED_LENGTH = 1000
"""Longer values are never handed to parseaddr (no real From is that long)."""

_MARKER = r"<(?:U\+[0-9A-F]{4,6}|[0-9A-F]{2})>"
_ANGLE = re.compile(rf"(.*?)\s*<((?:[^<>\s]|{_MARKER})*+)>\s*$", re.DOTALL)
"""``Name <user@host>``: the name is everything before the last bracketed address."""
_BARE = re.compile(r"\s*([^<>\s\"()@]++@[^<>\s\"()]++)\s*(?:\(([^()]*+)\))?\s*$")
"""``user@host`` or ``user@host (Name)``. Possessive (``++``) throughout: a 4,000-character
``a@a@a@...`` From must cost linear time, not a backtracking square."""
_ANY_ADDRESS = re.compile(r"(?<![^<>\s\"()])[^<>\s\"()@]++@[^<>\s\"()]+")
"""Last resort: the first thing that looks like an address. Starts only at a word's
start and never backtracks, so a 4,000-character word costs linear time."""


@lru_cache(maxsize=65536)
def split_address(value: str) -> tuple[str, str]:
    """``(display name, address)`` of a From value; ``("", "")`` when there is neither.

    Never raises and never recurses. Authors repeat a great deal within a group,
    so the cache keeps this nearly free when 150,000 articles are scored.
    """
    if len(value) <= MAX_PARSED_LENGTH * 4:
        fast = _fast_split(value)
        if fast is not None:
            return fast
    if len(value) <= MAX_PARSED_LENGTH and comment_depth(value) <= MAX_COMMENT_DEPTH:
        try:
            return parseaddr(value)
        except Exception:  # parseaddr's corner cases are not ours to crash on
            pass
    found = _ANY_ADDRESS.search(value[: MAX_PARSED_LENGTH * 4])
    return ("", found.group()) if found else ("", "")


def _fast_split(value: str) -> tuple[str, str] | None:
    """The shapes nearly every From has, without the RFC 5322 parser."""
    angle = _ANGLE.match(value)
    if angle is not None and "(" not in angle.group(2):
        name = angle.group(1).strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
        return name.strip(), angle.group(2)
    bare = _BARE.match(value)
    if bare is not None:
        return (bare.group(2) or "").strip(), bare.group(1)
    return None


def comment_depth(value: str) -> int:
    """How deeply ``(`` comments nest (quotes and escapes ignored: an overestimate is safe)."""
    if value.count("(") <= MAX_COMMENT_DEPTH:
        return value.count("(")
    depth = deepest = 0
    for char in value:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    return deepest


@lru_cache(maxsize=200_000)
def address_key(value: str) -> str:
    """What plonks, caps and boosts compare: the address, lower-case, with invisible
    characters (raw or shown as ``<U+200B>``) removed, so look-alikes match too.

    A value with no address keys as itself, trimmed (a rule may name a bare word).
    Runs once per distinct author of a group, so the common shapes skip the splitter.
    """
    clean = strip_invisible(value)
    fast = _KEY_ANGLE.search(clean) or _BARE.match(clean)
    if fast is not None:
        return fast.group(1).lower()
    _, address = split_address(clean)
    return (address.strip() or clean.strip()).lower()


_KEY_ANGLE = re.compile(r"<([^<>\s\"@]++@[^<>\s\"]++)>\s*$")
"""``...<user@host>`` at the end: all ``address_key`` needs from the common shape."""
