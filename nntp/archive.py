"""Local list archives as a read-only source: mbox / mboxrd files (plain, .gz, .xz).

Each message lands in the groups its Newsgroups header names (news saved to an
mbox, like the built-in demo sample), else in the list its List-Id names, else in
a group named after the file. Article numbers follow file order, per group, so
the same file always gives the same numbers.
"""

from __future__ import annotations

import bz2
import email
import gzip
import hashlib
import lzma
import re
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import IO

from nntp.article import parse_article, references_of
from nntp.errors import NoSuchArticle, NoSuchGroup, SourceUnavailable
from nntp.models import Article, GroupInfo, Overview, OverviewBatch
from nntp.parse import decode_words, parse_date
from nntp.sanitize import sanitize_line

_FROM_LINE = re.compile(rb"^From \S*.*$")
_ESCAPED_FROM = re.compile(rb"^>(>*From )")
_LIST_ID = re.compile(r"<([^<>\s]+)>")


def _open(path: Path) -> IO[bytes]:
    opener = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}.get(path.suffix, open)
    return opener(path, "rb")  # type: ignore[operator,no-any-return]


def iter_mbox(path: Path | str) -> Iterator[bytes]:
    """Raw messages of an mbox/mboxrd file; ``>From`` escaping undone, CRLF kept as is."""
    path = Path(path)
    current: list[bytes] | None = None
    previous_blank = True
    with _open(path) as handle:
        for line in handle:
            if previous_blank and line.startswith(b"From ") and _FROM_LINE.match(line.rstrip(b"\r\n")):
                if current is not None:
                    yield _finish(current)
                current = []
                previous_blank = False
                continue
            previous_blank = line in (b"\n", b"\r\n")
            if current is None:
                continue  # junk before the first From line
            if line.startswith(b">") and _ESCAPED_FROM.match(line):
                line = line[1:]
            current.append(line)
    if current is not None:
        yield _finish(current)


def _finish(lines: list[bytes]) -> bytes:
    """Drop the one blank line mbox writers put between messages."""
    if lines and lines[-1] in (b"\n", b"\r\n"):
        lines = lines[:-1]
    return b"".join(lines)


class ArchiveSource:
    """A NewsSource over one or more mbox files, read into memory once."""

    def __init__(self, *paths: Path | str) -> None:
        self.paths = [Path(p) for p in paths]
        self._groups: dict[str, list[tuple[Overview, bytes]]] = {}
        self._by_id: dict[str, bytes] = {}
        for path in self.paths:
            self._load(path)

    @property
    def identity(self) -> str:
        return "archive:" + ",".join(str(p.resolve()) for p in self.paths)

    def _load(self, path: Path) -> None:
        if not path.exists():
            raise SourceUnavailable(f"{path}: no such archive")
        for raw in iter_mbox(path):
            message = email.message_from_bytes(raw, policy=policy.compat32)
            message_id = _message_id(message, raw)
            for group in _groups_of(message, path):
                entries = self._groups.setdefault(group, [])
                entries.append((_overview(len(entries) + 1, message, message_id, raw), raw))
            self._by_id.setdefault(message_id, raw)

    def list_groups(self) -> list[GroupInfo]:
        return [self.select_group(name) for name in sorted(self._groups)]

    def select_group(self, name: str) -> GroupInfo:
        entries = self._groups.get(name)
        if entries is None:
            raise NoSuchGroup(f"{name}: no such group in this archive")
        return GroupInfo(name, 1 if entries else 0, len(entries), len(entries), "n")

    def iter_overviews(self, name: str, first: int, last: int) -> Iterator[OverviewBatch]:
        entries = self._groups.get(name)
        if entries is None:
            raise NoSuchGroup(f"{name}: no such group in this archive")
        chosen = tuple(o for o, _ in entries[max(first, 1) - 1 : last])
        yield OverviewBatch(chosen, first, last)

    def article(self, name: str, key: int | str) -> Article:
        if isinstance(key, str):
            raw = self._by_id.get(key)
            number = None
        else:
            entries = self._groups.get(name, [])
            raw = entries[key - 1][1] if 1 <= key <= len(entries) else None
            number = key
        if raw is None:
            raise NoSuchArticle(f"{name}: no article {key}")
        return parse_article(raw, number)

    def close(self) -> None:
        """Nothing to release: archives are read whole."""


def _message_id(message: email.message.Message, raw: bytes) -> str:
    found = re.search(r"<[^<>\s]+>", str(message.get("Message-ID", "") or ""))
    if found:
        return found.group(0)
    # Stable synthetic id: the same message in the same file gets the same id.
    return f"<{hashlib.sha1(raw).hexdigest()[:24]}@pith.synthetic>"


def _groups_of(message: email.message.Message, path: Path) -> list[str]:
    newsgroups = str(message.get("Newsgroups", "") or "")
    names = [g.strip() for g in newsgroups.split(",") if g.strip()]
    if names:
        return list(dict.fromkeys(names))
    list_id = _LIST_ID.search(str(message.get("List-Id", "") or ""))
    if list_id:
        return [list_id.group(1)]
    stem = path.name.split(".")[0] or "archive"
    return [stem]


def _overview(number: int, message: email.message.Message, message_id: str, raw: bytes) -> Overview:
    def text(name: str) -> str:
        return sanitize_line(decode_words(str(message.get(name, "") or "").replace("\n", " "))).strip()

    body_at = raw.find(b"\n\n")
    body = raw[body_at + 2 :] if body_at >= 0 else b""
    return Overview(
        number=number,
        subject=text("Subject"),
        author=text("From"),
        date=parse_date(str(message.get("Date", "") or "")),
        message_id=message_id,
        references=references_of(message),
        bytes=len(raw),
        lines=body.count(b"\n"),
    )
