"""Parsing an article's MIME structure with bounded nesting, and walking it without recursion.

The stdlib parser recurses once (several frames) per level of multipart or
message/rfc822 nesting: a multipart nested 1,000 deep, which INN accepts, ends
in RecursionError, and ``Message.walk`` recurses too. Nesting can be no deeper
than the number of ``multipart/`` and ``message/`` words in the article, so an
article with at most ``MAX_DEPTH`` of them goes to the stdlib parser as before;
any other is split level by level here (headers-only parses, boundaries found
with the stdlib's own rule), and a part beyond ``MAX_DEPTH`` becomes a
placeholder part carrying ``DEEP_NOTE``.
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email import policy
from email.message import Message
from email.parser import BytesParser

MAX_DEPTH = 50
"""Nesting levels parsed; real mail rarely goes past five."""
DEEP_NOTE = f"[pith: MIME nesting deeper than {MAX_DEPTH} levels; inner parts not shown]"
PLACEHOLDER = "X-Pith-Placeholder"
"""Header marking a part pith made up to stand for parts it did not parse."""

_NESTING_WORDS = re.compile(rb"multipart/|message/", re.IGNORECASE)
_HEADERS_ONLY = BytesParser(policy=policy.compat32)


def parse_message(raw: bytes) -> Message:
    """Bytes -> compat32 Message tree, never nested deeper than ``MAX_DEPTH`` (never recursing deeper)."""
    if not _may_nest_deeper(raw, MAX_DEPTH):
        try:
            return email.message_from_bytes(raw, policy=policy.compat32)
        except RecursionError:  # last resort: parsed from a call stack that was deep already
            pass
    return parse_bounded(raw)


def _may_nest_deeper(raw: bytes, depth: int) -> bool:
    """Whether the article has more than ``depth`` words that could each open a nesting level."""
    for count, _ in enumerate(_NESTING_WORDS.finditer(raw), 1):
        if count > depth:
            return True
    return False


def parse_bounded(raw: bytes) -> Message:
    """The iterative parser: each level a headers-only parse of its part's bytes."""
    root = _HEADERS_ONLY.parsebytes(raw, headersonly=True)
    stack = [(root, 0)]
    while stack:
        message, depth = stack.pop()
        bodies = _child_bodies(message)
        if bodies is None:
            continue
        if depth >= MAX_DEPTH:
            message.set_payload([placeholder(DEEP_NOTE)])
            continue
        children = [_HEADERS_ONLY.parsebytes(body, headersonly=True) for body in bodies]
        message.set_payload([*children])
        stack.extend((child, depth + 1) for child in children)
    return root


def placeholder(note: str) -> Message:
    """A text/plain part standing for what was not parsed, so the reader sees that something is missing."""
    part = Message()
    part["Content-Type"] = "text/plain; charset=utf-8"
    part[PLACEHOLDER] = "yes"
    part.set_payload(note)
    return part


def is_placeholder(part: Message) -> bool:
    return part.get(PLACEHOLDER) is not None


def _child_bodies(message: Message) -> list[bytes] | None:
    """The raw bytes of a container's children (None for a leaf, as the stdlib parser decides)."""
    # the stdlib's undecoded payload: get_payload() would decode 8-bit text
    payload = message._payload  # type: ignore[attr-defined]  # typeshed does not declare email's _payload
    if not isinstance(payload, str):
        return None
    data = payload.encode("ascii", "surrogateescape")  # as BytesParser decoded it: exact bytes back
    ctype = message.get_content_type()
    if ctype == "message/rfc822":
        return [data]
    boundary = message.get_boundary() if message.get_content_maintype() == "multipart" else None
    return _split_parts(data, boundary) if boundary else None


def _split_parts(data: bytes, boundary: str) -> list[bytes]:
    """Parts between ``--boundary`` lines up to ``--boundary--`` (preamble and epilogue dropped)."""
    delimiter = re.compile(rb"^--" + re.escape(boundary.encode("ascii", "surrogateescape")) +
                           rb"(--)?[ \t]*(?:\r\n|\r|\n|$)", re.MULTILINE)
    parts: list[bytes] = []
    start: int | None = None
    for match in delimiter.finditer(data):
        if start is not None:
            parts.append(_strip_last_break(data[start:match.start()]))
        if match.group(1):
            return parts
        start = match.end()
    if start is not None:
        parts.append(data[start:])
    return parts


def _strip_last_break(part: bytes) -> bytes:
    """The line break before a delimiter belongs to the delimiter (RFC 2046 section 5.1.1)."""
    for ending in (b"\r\n", b"\n", b"\r"):
        if part.endswith(ending):
            return part[: -len(ending)]
    return part


def walk(message: Message) -> Iterator[Message]:
    """Every part, depth-first in document order, as ``Message.walk`` gives them; iterative."""
    stack = [message]
    while stack:
        part = stack.pop()
        yield part
        if part.is_multipart():
            stack.extend(reversed(part._payload))  # type: ignore[attr-defined]  # typeshed does not declare _payload
