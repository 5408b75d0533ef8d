"""Make outside text safe for a terminal: nothing from the wire is ever interpreted.

This is pith's one border for untrusted text (server replies, group names,
articles, archives, config files): every string from outside passes one of
these functions before a terminal, a toast, a status line or a CLI line.

Control characters (C0, DEL, C1 — so ESC, CSI and OSC introducers) and bidi
override/isolate characters are replaced by visible placeholders; lone
surrogates (undecodable bytes) become U+FFFD so printing never raises. A
sanitized string can be printed raw to a terminal without changing its state.

One-line values (From, Subject, group names, error lines) also show invisible
characters (zero-width spaces, fillers, tag characters ...) as ``<U+200B>``, so
``spam\\u200b@example.org`` cannot pass for ``spam@example.org``. Bodies keep
them: a zero-width joiner in an emoji or a non-joiner in Persian is legitimate.
"""

from __future__ import annotations

import re

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))

INVISIBLE_CLASS = (
    "\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200d\u2028\u2029\u2060-\u2064"
    "\u206a-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
"""Characters that draw nothing (or a blank) yet change a string: soft hyphen,
zero-width space/joiners, word joiner, invisible operators, Hangul fillers,
Mongolian vowel separator, variation selectors, BOM, tag characters."""

_INVISIBLE = re.compile(f"[\U000e0000-\U000e007f]+|[{INVISIBLE_CLASS}]")
"""Tag characters match as a run: a flag's tag sequence is judged as a whole."""
_HIDDEN = re.compile(f"[{INVISIBLE_CLASS}{''.join(map(chr, _BIDI))}]")
"""Invisible or bidi: what address matching ignores."""
_SHOWN = re.compile(r"<U\+([0-9A-F]{4,6})>")
_JOINERS = "\u200c\u200d"
_KEYCAP_BASES = "0123456789#*"
_TAG_FLAG = "\U0001f3f4"

ELLIPSIS = "…"
ERROR_LIMIT = 500
"""An error or notice line longer than this is clipped (room for a host name and a pinning
hint with two 95-character fingerprints): a 64 KB garbage greeting
must not become a 64 KB "one-line" message."""


def _build_table(keep: str) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if chr(code) not in keep:
            table[code] = chr(0x2400 + code)  # U+2400 "control pictures": ␛ for ESC
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = f"<{code:02X}>"
    for code in _BIDI:
        table[code] = f"<U+{code:04X}>"
    for code in range(0xD800, 0xE000):
        table[code] = "\ufffd"  # a lone surrogate cannot be encoded for any terminal
    return table


_LINE_TABLE = _build_table(keep="")
_TEXT_TABLE = _build_table(keep="\n\t")


def is_safe_line(value: str) -> bool:
    """True when :func:`sanitize_line` would return ``value`` unchanged (the cheap test
    hot parsers use to skip it: printable ASCII answers at C speed)."""
    return value.isprintable() and (value.isascii() or not _INVISIBLE.search(value))


def sanitize_line(value: str) -> str:
    """One header-like line: every control character (tab and newline too) and
    every invisible character made visible."""
    if is_safe_line(value):
        return value
    value = value.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").translate(_LINE_TABLE)
    return value if value.isascii() else _INVISIBLE.sub(_show_invisible, value)


def sanitize_text(value: str) -> str:
    """Multi-line text: keeps newlines and tabs, drops CR of CRLF, shows everything else."""
    value = value.replace("\r\n", "\n")
    if value.replace("\n", "").replace("\t", "").isprintable():
        return value
    return value.translate(_TEXT_TABLE)


def clip_line(value: str, limit: int = ERROR_LIMIT) -> str:
    """Sanitized, one line, at most ``limit`` characters (the last one an ellipsis when cut)."""
    value = sanitize_line(value[: limit * 8]).strip()  # markers may grow it up to 8 times
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def error_line(error: BaseException | str, limit: int = ERROR_LIMIT) -> str:
    """The one line an error, server reply or notice may show: sanitized and clipped."""
    return clip_line(error if isinstance(error, str) else str(error), limit)


def notice(text: str, lines: int = 6, limit: int = ERROR_LIMIT) -> str:
    """A toast or note: at most ``lines`` lines, each sanitized and clipped (newlines kept)."""
    rows = text.replace("\r\n", "\n").split("\n", lines)
    kept = [clip_line(row, limit) for row in rows[:lines]]
    return "\n".join(kept) + (f"\n{ELLIPSIS}" if len(rows) > lines else "")


def is_invisible(char: str) -> bool:
    """True for the characters :func:`sanitize_line` shows as ``<U+XXXX>`` markers."""
    return len(char) == 1 and bool(_HIDDEN.match(char))


def strip_invisible(value: str) -> str:
    """Remove invisible and bidi characters, raw or already shown as ``<U+XXXX>`` markers.

    Address matching uses this: ``spam\\u200b@example.org`` and its sanitized
    form ``spam<U+200B>@example.org`` both compare as ``spam@example.org``.
    """
    if "<U+" not in value and (value.isascii() or not _HIDDEN.search(value)):
        return value
    if "<U+" in value:
        value = _SHOWN.sub(lambda m: "" if is_invisible(chr(int(m.group(1), 16))) else m.group(), value)
    return value if value.isascii() else _HIDDEN.sub("", value)


def _show_invisible(match: re.Match[str]) -> str:
    """``<U+XXXX>`` for an invisible character (or run of tags), unless its neighbours make it legitimate."""
    chars, text, at, end = match.group(), match.string, match.start(), match.end()
    before = text[at - 1] if at else ""
    after = text[end] if end < len(text) else ""
    if _legitimate(chars[0], before, after):
        return chars
    return "".join(f"<U+{ord(char):04X}>" for char in chars)


def _legitimate(char: str, before: str, after: str) -> bool:
    """Joiners between two non-ASCII letters or symbols (emoji, Persian, Indic), variation
    selectors after a non-ASCII character or a keycap base, tags after the black flag."""
    if char in _JOINERS:
        return (_visible_non_ascii(before) or before == "\ufe0f") and _visible_non_ascii(after)  # ❤️‍🔥, 🏳️‍🌈
    if "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef":
        return _visible_non_ascii(before) or (before in _KEYCAP_BASES and before != "" and char in "\ufe0e\ufe0f")
    if "\U000e0020" <= char <= "\U000e007f":
        return before == _TAG_FLAG
    return False


def _visible_non_ascii(char: str) -> bool:
    return char > "\x7f" and not _INVISIBLE.match(char) and char.isprintable()
