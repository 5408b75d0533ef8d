"""The CLI's JSON writer: any nesting depth, streamed, and safe to print on a terminal.

``json.dump`` recurses in C once per level, so ``threads --json`` on a reply
chain of a few hundred died with RecursionError after megabytes of truncated
output. Here each top-level element of a list (one thread, one article) is
checked for its depth without recursion: a shallow one goes through the C
encoder (fast), a deep one through an explicit-stack encoder; both produce the
same text as ``json.dump`` with the same options, written piece by piece.

Strings come from strangers, and ``ensure_ascii=False`` would let C1 controls
(U+0080-U+009F) and bidi overrides through to a terminal that shows the JSON;
they, DEL and U+2028/U+2029 are always written as ``\\uXXXX`` (the data a JSON
parser reads back is unchanged).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any, TextIO

from cli.stale import is_stale, mark_stale

FAST_DEPTH = 100
"""Containers nested at most this deep go through the C encoder (far from its recursion limit)."""
_FLUSH = 1 << 16
_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate (an undecodable byte): no encoder takes it
        return "\\ufffd"
    return f"\\u{code:04x}"


def safe(text: str) -> str:
    """JSON text with the terminal-unsafe characters (only ever inside strings) as \\u escapes."""
    if text.isascii() and "\x7f" not in text:  # the common case, at memory speed: nothing to escape
        return text
    return _UNSAFE.sub(_escape, text)


def write_json(data: Any, out: TextIO, *, indent: int | None = 1, ensure_ascii: bool = False,
               fast_depth: int = FAST_DEPTH) -> None:
    """Write ``data`` as ``json.dump(data, out, indent=..., ensure_ascii=...)`` would, at any depth."""
    data = mark_stale(data) if is_stale(out) else data  # answered from the cache (cli/stale.py)
    pieces: list[str] = []
    size = 0
    for piece in _pieces(data, indent, ensure_ascii, fast_depth):
        pieces.append(piece)
        size += len(piece)
        if size >= _FLUSH:
            out.write(safe("".join(pieces)))
            pieces, size = [], 0
    out.write(safe("".join(pieces)))


class Chunked:
    """JSON text written piece by piece through :func:`safe`, 64 KiB at a time.

    The streamed writers (cli/threads_json.py, cli/score_json.py) add one article's
    text at a time, so a 150,000-article group is never held as one document.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._parts: list[str] = []
        self._size = 0

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _FLUSH:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._out.write(safe("".join(self._parts)))
            self._parts, self._size = [], 0


def dumps(data: Any, *, indent: int | None = 1, ensure_ascii: bool = False, fast_depth: int = FAST_DEPTH) -> str:
    """The same text as a string (tests, small values)."""
    return safe("".join(_pieces(data, indent, ensure_ascii, fast_depth)))


def _pieces(data: Any, indent: int | None, ascii_only: bool, fast_depth: int) -> Iterator[str]:
    """A top-level list element by element (each C-encoded when shallow); anything else whole."""
    if isinstance(data, (list, tuple)) and data:
        newline = "\n" + " " * indent if indent is not None else ""
        separator = "," + newline if indent is not None else ", "
        yield "[" + newline
        for i, item in enumerate(data):
            if i:
                yield separator
            yield from _value(item, indent, ascii_only, fast_depth, 1)
        yield ("\n" if indent is not None else "") + "]"
        return
    yield from _value(data, indent, ascii_only, fast_depth, 0)


def _value(item: Any, indent: int | None, ascii_only: bool, fast_depth: int, level: int) -> Iterator[str]:
    if not _deeper_than(item, fast_depth):
        text = json.dumps(item, ensure_ascii=ascii_only, indent=indent)
        yield text.replace("\n", "\n" + " " * (indent * level)) if indent and level else text
    else:
        yield from _iterencode(item, indent, ascii_only, level)


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` deep inside ``value`` (an explicit-stack walk)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list, tuple)))
    return False


def _iterencode(value: Any, indent: int | None, ascii_only: bool, level: int = 0) -> Iterator[str]:
    """``json.dumps`` output without recursion: a stack of open containers and their entries."""
    encode = encode_basestring_ascii if ascii_only else encode_basestring
    item_sep = "," if indent is not None else ", "
    stack: list[tuple[Iterator[Any], bool, int]] = []
    open_ids: set[int] = set()
    first = True
    pending: Any = value
    while True:
        if pending is not _NOTHING:
            opened = _open(pending, encode, open_ids)
            if isinstance(opened, str):
                yield opened
            else:
                yield opened[0]
                stack.append((opened[1], opened[2], id(pending)))
                first = True
            pending = _NOTHING
        if not stack:
            return
        items, is_dict, container = stack[-1]
        depth = level + len(stack)
        entry = next(items, _NOTHING)
        if entry is _NOTHING:  # a container is never empty here: "[]" and "{}" are scalars to _open
            stack.pop()
            open_ids.discard(container)
            yield ("\n" + " " * (indent * (depth - 1)) if indent is not None else "") + ("}" if is_dict else "]")
            first = False
            continue
        prefix = ("" if first else item_sep) + ("\n" + " " * (indent * depth) if indent is not None else "")
        first = False
        if is_dict:
            key, pending = entry
            yield prefix + encode(_key(key)) + ": "
        else:
            pending = entry
            yield prefix


class _Nothing:
    """Marks 'no value waiting' (None is a value)."""


_NOTHING: Any = _Nothing()


def _open(value: Any, encode: Any, open_ids: set[int]) -> str | tuple[str, Iterator[Any], bool]:
    """A scalar's JSON text, or an opened container: (opening bracket, its entries, is a dict)."""
    if isinstance(value, str):
        return str(encode(value))
    if value is None or value is True or value is False or isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        _mark(value, open_ids)
        return "{", iter(value.items()), True
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        _mark(value, open_ids)
        return "[", iter(value), False
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _mark(value: object, open_ids: set[int]) -> None:
    """json's circular-reference check: a container inside itself (shared subtrees are fine)."""
    if id(value) in open_ids:
        raise ValueError("Circular reference detected")
    open_ids.add(id(value))


def _key(key: Any) -> str:
    """Dict keys as json.dumps converts them."""
    if isinstance(key, str):
        return key
    if key is None or key is True or key is False or isinstance(key, (int, float)):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")
