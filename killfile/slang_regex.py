"""S-Lang regular expressions (slrn's) translated to RE2.

S-Lang regexes are "basic": ``\\(`` ``\\)`` group, a bare ``(`` ``)`` ``|`` ``{``
``}`` is a literal, ``\\<`` ``\\>`` are word boundaries, ``\\c`` anywhere makes the
whole pattern case-sensitive, ``\\1``..``\\9`` are back-references. RE2 has no
back-references, so those patterns are reported as not convertible.
"""

from __future__ import annotations

from killfile import regex


class Untranslatable(ValueError):
    """The pattern has no RE2 equivalent; the message says why."""

    line: int = 0
    """The line of the rule that holds the pattern, once a caller knows it (0: not known)."""


def translate(pattern: str) -> tuple[str, bool]:
    """S-Lang pattern -> (RE2 pattern, case_sensitive)."""
    out: list[str] = []
    case = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            piece, flag = _escape(pattern[i + 1])
            case = case or flag
            out.append(piece)
            i += 2
        elif ch == "[":
            end = _class_end(pattern, i)
            out.append(pattern[i:end] if end > i + 1 else "\\[")
            i = end
        elif ch in "()|{}":
            out.append("\\" + ch)
            i += 1
        else:
            out.append(ch)
            i += 1
    result = "".join(out)
    problem = regex.check(result)
    if problem:
        raise Untranslatable(f"RE2 rejects the translation {result!r}: {problem}")
    return result, case


def _escape(ch: str) -> tuple[str, bool]:
    """One backslash sequence -> (RE2 text, makes-it-case-sensitive)."""
    if ch == "c":
        return "", True
    if ch in "<>":
        return "\\b", False
    if ch in "()|":
        return ch, False
    if ch in "{}":
        return ch, False  # \{m,n\}: interval
    if ch.isdigit() and ch != "0":
        raise Untranslatable(f"back-reference \\{ch} (RE2 has none)")
    if ch == "d":
        return "[0-9]", False
    if ch == "e":
        return "\\x1b", False
    if ch.isalnum():
        return "\\" + ch, False
    return regex.literal(ch), False


def _class_end(pattern: str, start: int) -> int:
    """Index just past the ``]`` closing the class at ``start`` (``[]...]`` and ``[^]...]`` allowed)."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    close = pattern.find("]", i)
    return close + 1 if close >= 0 else start + 1
