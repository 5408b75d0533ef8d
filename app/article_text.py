"""What the article pager shows, as plain (text, role) spans: no textual, no rich.

The widget maps each role to a theme style; everything about *which* text gets
which role lives here, where it is cheap to test: quote levels, the signature,
spoilers (hidden until revealed), ROT13 and the raw view.

Spoilers are hidden in three cases, first match wins: the text after a form feed
(the slrn/tin convention; the body arrives sanitized, so the form feed is its
visible placeholder U+240C), text between ``[spoiler]`` and ``[/spoiler]``, or —
when the subject says "spoiler" and the body marks nothing — the whole body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nntp.sanitize import sanitize_text
from store.config import DEFAULT_HEADERS
from app.diff_text import diff_roles

Span = tuple[str, str]
"""(text, role); roles: body, quote-1..quote-4, signature, spoiler, notice, header-name,
header-value, subject, attachment, raw, and the diff roles of app/diff_text.py (diff-file, diff-hunk,
diff-added, diff-removed, diff-context)."""
Line = tuple[Span, ...]

TAB_SIZE = 8
QUOTE_LEVELS = 4
FORM_FEEDS = ("\f", "\u240c")
SPOILER_CHAR = "▒"
SHOWN_HEADERS = DEFAULT_HEADERS
"""Shown when present unless config.toml's ``[article] headers`` says otherwise: Followup-To,
Reply-To and Cc change where an answer goes, so they are never hidden by default."""

_QUOTE = re.compile(r">[> \t]*")
_SPOILER_SUBJECT = re.compile(r"\bspoilers?\b", re.IGNORECASE)
_SPOILER_TAG = re.compile(r"\[(/?)spoiler\]", re.IGNORECASE)
_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm",
)


def rot13(text: str) -> str:
    """ROT13 of the ASCII letters; everything else unchanged (its own inverse)."""
    return text.translate(_ROT13)


def quote_depth(line: str) -> int:
    """How many ``>`` open the line: ``>``, ``> >`` and ``>>`` nest; 0 for unquoted text."""
    match = _QUOTE.match(line)
    return match.group().count(">") if match else 0


def quote_role(depth: int) -> str:
    """Quote levels past the fourth cycle back to the first colour."""
    return f"quote-{(depth - 1) % QUOTE_LEVELS + 1}"


def is_spoiler_subject(subject: str) -> bool:
    return bool(_SPOILER_SUBJECT.search(subject))


def header_lines(headers: Sequence[tuple[str, str]], attachments: Sequence[str],
                 shown: Sequence[str] = SHOWN_HEADERS) -> list[Line]:
    """The ``shown`` headers the article has (first of each name, in ``shown`` order, spelt as
    ``shown`` spells them), then one line per attachment."""
    lines: list[Line] = []
    for name in _unique(shown):
        value = next((v for k, v in headers if k.lower() == name.lower()), "")
        if value:
            role = "subject" if name.lower() == "subject" else "header-value"
            lines.append(((f"{name}: ", "header-name"), (value, role)))
    for number, label in enumerate(attachments, 1):
        lines.append(((f"Attachment {number}: ", "header-name"), (label, "attachment")))
    return lines


def _unique(names: Sequence[str]) -> list[str]:
    """Each name once (the first spelling), whatever its case: "Cc" and "CC" are one header."""
    first: dict[str, str] = {}
    for name in names:
        first.setdefault(name.lower(), name)
    return list(first.values())


def body_lines(body: str, subject: str, *, rot: bool = False, reveal: bool = False,
               hint: str = "") -> tuple[list[Line], bool]:
    """Styled body lines, and whether a spoiler is (still) hidden in them."""
    raw_lines = [_expand(line) for line in body.rstrip("\n").split("\n")]
    hidden_from = _form_feed_line(raw_lines)
    if hidden_from is None and not any(_SPOILER_TAG.search(line) for line in raw_lines) \
            and is_spoiler_subject(subject) and any(line.strip() for line in raw_lines):
        hidden_from = (0, 0)
    lines: list[Line] = []
    in_signature = in_tag = hiding = False
    diff = diff_roles(raw_lines)
    for index, line in enumerate(raw_lines):
        if hidden_from is not None and index == hidden_from[0] and not reveal:
            before = line[:hidden_from[1]]
            if before:
                lines.append(((_shown(before, rot), "body"),))
            lines.append(((f"[spoiler hidden{': ' + hint if hint else ''}]", "spoiler"),))
            hiding = True
            break
        in_signature = in_signature or (line == "-- " and diff[index] is None)
        role = "signature" if in_signature else (diff[index] or _text_role(line))
        spans, in_tag, hid = _tagged(line, role, in_tag, rot, reveal)
        hiding = hiding or hid
        lines.append(spans)
    return lines, hiding


def _text_role(line: str) -> str:
    """A line that is not part of a diff: quoted at some depth, or plain body."""
    depth = quote_depth(line)
    return quote_role(depth) if depth else "body"


def _expand(line: str) -> str:
    return line.expandtabs(TAB_SIZE) if "\t" in line else line


def _shown(text: str, rot: bool) -> str:
    return rot13(text) if rot else text


def _form_feed_line(lines: list[str]) -> tuple[int, int] | None:
    """(line, column) of the first form feed; the spoiler starts just after it."""
    for index, line in enumerate(lines):
        for mark in FORM_FEEDS:
            column = line.find(mark)
            if column >= 0:
                return index, column
    return None


def _tagged(line: str, role: str, in_tag: bool, rot: bool, reveal: bool) -> tuple[Line, bool, bool]:
    """Split one line at ``[spoiler]`` / ``[/spoiler]``; -> spans, still inside a tag, anything hidden."""
    spans: list[Span] = []
    hidden = False
    position = 0
    for match in _SPOILER_TAG.finditer(line):
        hidden |= _piece(spans, line[position:match.start()], role, in_tag, rot, reveal)
        if reveal:
            spans.append((match.group(), "spoiler"))
        in_tag = match.group(1) == ""
        position = match.end()
    hidden |= _piece(spans, line[position:], role, in_tag, rot, reveal)
    return tuple(spans) or (("", role),), in_tag, hidden


def _piece(spans: list[Span], text: str, role: str, in_tag: bool, rot: bool, reveal: bool) -> bool:
    if not text:
        return False
    if in_tag and not reveal:
        spans.append((SPOILER_CHAR * len(text), "spoiler"))
        return True
    spans.append((_shown(text, rot), role))
    return False


def raw_lines(raw: bytes) -> list[Line]:
    """The article exactly as it came, line by line, each decoded UTF-8 else Latin-1, sanitized."""
    lines: list[Line] = []
    for chunk in raw.split(b"\n"):
        chunk = chunk.removesuffix(b"\r")
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            text = chunk.decode("latin-1")
        lines.append(((_expand(sanitize_text(text).replace("\n", " ")), "raw"),))
    while lines and lines[-1] == (("", "raw"),):
        lines.pop()
    return lines
