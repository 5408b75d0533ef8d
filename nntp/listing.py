"""LIST ACTIVE and LIST NEWSGROUPS lines as GroupInfo: malformed or undecodable lines never stop a group list."""

from __future__ import annotations

from nntp.models import GroupInfo
from nntp.parse import utf8_or_latin1


def active_groups(lines: list[str], descriptions: dict[str, str]) -> list[GroupInfo]:
    """GroupInfo from LIST ACTIVE lines (name high low flag); malformed lines are passed over."""
    groups = []
    for line in lines:
        parts = line.split()
        if len(parts) < 4:
            continue
        name, high, low, flag = parts[0], number_or_zero(parts[1]), number_or_zero(parts[2]), parts[3]
        if not _is_text(name + flag):  # 8-bit, not UTF-8: SQLite cannot store it (`pith groups` failed)
            continue
        count = max(0, high - low + 1) if high >= low else 0
        groups.append(GroupInfo(name, low, high, count, flag[:1], _as_text(descriptions.get(name, ""))))
    return groups


def _is_text(value: str) -> bool:
    """No lone surrogates (nntplib keeps bytes that are not UTF-8 as surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _as_text(value: str) -> str:
    """Server text with 8-bit bytes that are not UTF-8 read as Latin-1, storable and printable."""
    return value if _is_text(value) else utf8_or_latin1(value.encode("utf-8", "surrogateescape"))


def split_description(line: str) -> tuple[str, str]:
    """(name, description) of one LIST NEWSGROUPS line; tab or space between them."""
    name, _, desc = line.replace("\t", " ", 1).partition(" ")
    return name, desc.strip()


def number_or_zero(text: str) -> int:
    """A count or article number from a server line; junk counts as 0 (the line is still used)."""
    try:
        return int(text)
    except ValueError:
        return 0
