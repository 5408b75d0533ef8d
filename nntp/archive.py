"""Local list archives as a read-only source: mbox files, Maildirs, pipermail directories.

Each message lands in the groups its Newsgroups header names (news saved to an
mbox, like the built-in demo sample), else in the list its List-Id names, else in
a group named after the file (a pipermail directory is one list, named after the
directory). Article numbers follow file order, per group, so the same file always
gives the same numbers.

Only headers are parsed (a small splitter, not the email package) to build
overviews; bodies are parsed when read. The store copies an archive once and on
later opens asks ``scan`` only for what was appended (store/importer.py); the
NewsSource methods here read the whole archive into memory, for callers without
a store.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nntp.article import parse_article
from nntp.errors import NoSuchArticle, NoSuchGroup, SourceUnavailable
from nntp.mbox import ArchiveError, RawMessage, read_range, split_mbox
from nntp.models import Article, GroupInfo, Overview, OverviewBatch
from nntp.parse import decode_words, parse_date, parse_references, utf8_or_latin1
from nntp.sanitize import sanitize_line
from nntp.source import Capability, NewsSource

__all__ = ["ArchiveError", "ArchiveMessage", "ArchiveSource", "ArchiveUnit", "FileMark", "iter_mbox"]

_FIELDS = re.compile(rb"\n(subject|from|date|message-id|references|in-reply-to|newsgroups|list-id)[ \t]*:"
                     rb"([^\n]*(?:\n[ \t][^\n]*)*)", re.IGNORECASE)
_FOLD = re.compile(rb"\r?\n(?=[ \t])")
_MSGID = re.compile(r"<[^<>\s]+>")
HEAD_SPAN = 4096
"""Bytes at the start of a file whose hash tells that the file is still the one imported."""


@dataclass(frozen=True, slots=True)
class FileMark:
    """How far one archive file has been imported, and how to tell it has not changed since."""

    key: str
    """Absolute path (a Maildir message: its path without the flags suffix)."""
    size: int
    mtime_ns: int
    offset: int
    """Uncompressed bytes imported: the next message starts here."""
    line: int
    """Line number at ``offset``."""
    head_hash: str
    tail_start: int
    """Offset of the last imported message; ``tail_hash`` is the sha1 of ``tail_start..offset``."""
    tail_hash: str
    count: int
    """Messages imported from this file."""


@dataclass(frozen=True, slots=True)
class ArchiveMessage:
    """One message read from an archive, with what the store needs to file it."""

    overview: Overview
    """Overview with number 0: the importer numbers it per group."""
    message_ids: tuple[str, ...]
    """Candidate ids, first preferred (a re-sent copy carries a second, synthetic one)."""
    groups: tuple[str, ...]
    raw: bytes

    def _replace_groups(self, groups: tuple[str, ...]) -> ArchiveMessage:
        return ArchiveMessage(self.overview, self.message_ids, groups, self.raw)


@dataclass
class ArchiveUnit:
    """What one import transaction covers: the new messages of one file (or one Maildir)."""

    key: str
    path: Path
    restart: bool
    """The file changed before the point already imported: replace what came from it."""
    messages: Iterator[ArchiveMessage]
    marks: list[FileMark] = field(default_factory=list)
    """Filled in once ``messages`` is exhausted."""
    warnings: list[str] = field(default_factory=list)


def iter_mbox(path: Path | str) -> Iterator[bytes]:
    """Raw messages of an mbox/mboxrd file; ``>From`` escaping undone, CRLF kept as is; damaged ones left out."""
    for message in split_mbox(Path(path)):
        if not message.skipped:
            yield message.raw


# -- headers -> overview ---------------------------------------------------
def read_head(raw: bytes) -> dict[bytes, list[str]]:
    """The header fields an overview needs, unfolded, 8-bit bytes as UTF-8 (else Latin-1)."""
    end = raw.find(b"\n\n")
    head = b"\n" + (raw if end < 0 else raw[: end + 1])
    fields: dict[bytes, list[str]] = {}
    for name, value in _FIELDS.findall(head):  # one C-level pass; Received: & co. are skipped
        if b"\n" in value:
            value = _FOLD.sub(b" ", value)
        fields.setdefault(name.lower(), []).append(utf8_or_latin1(value.strip(b" \t\r")))
    return fields




def _display(fields: dict[bytes, list[str]], name: bytes) -> str:
    values = fields.get(name)
    return sanitize_line(decode_words(values[0])).strip() if values else ""


def synthetic_id(raw: bytes) -> str:
    """A stable id for a message without one: the same bytes always get the same id."""
    return f"<{hashlib.sha1(raw).hexdigest()[:24]}@pith.synthetic>"


def parse_message(raw: bytes, default_group: str) -> ArchiveMessage:
    """Headers of one raw message -> an unnumbered overview, its candidate ids and its groups."""
    fields = read_head(raw)
    ids = tuple(found.group(0) for value in fields.get(b"message-id", ())
                if (found := _MSGID.search(value)))
    ids = ids or (synthetic_id(raw),)
    refs = parse_references(fields.get(b"references", [""])[0])
    if not refs:
        refs = parse_references(fields.get(b"in-reply-to", [""])[0])[-1:]
    body_at = raw.find(b"\n\n")
    overview = Overview(
        number=0, subject=_display(fields, b"subject"), author=_display(fields, b"from"),
        date=parse_date(fields.get(b"date", [""])[0]), message_id=ids[0], references=refs,
        bytes=len(raw), lines=raw[body_at + 2 :].count(b"\n") if body_at >= 0 else 0,
    )
    return ArchiveMessage(overview, ids, _groups_of(fields, default_group), raw)


def _groups_of(fields: dict[bytes, list[str]], default_group: str) -> tuple[str, ...]:
    names = [g.strip() for value in fields.get(b"newsgroups", [])[:1] for g in value.split(",") if g.strip()]
    if names:
        return tuple(dict.fromkeys(names))
    list_id = _MSGID.search(fields.get(b"list-id", [""])[0])
    return (list_id.group(0)[1:-1],) if list_id else (default_group,)


# -- scanning files for what is new ----------------------------------------
def file_key(path: Path) -> str:
    return str(path.resolve())


def head_hash(path: Path, end: int) -> str:
    return hashlib.sha1(read_range(path, 0, min(end, HEAD_SPAN))).hexdigest()


def resume_point(path: Path, mark: FileMark | None) -> tuple[int, int, bool] | None:
    """(offset, line, restart) to read ``path`` from; None when it is unchanged since ``mark``."""
    if mark is None:
        return 0, 1, False
    stat = path.stat()
    if (stat.st_size, stat.st_mtime_ns) == (mark.size, mark.mtime_ns):
        return None
    try:
        same = (head_hash(path, mark.offset) == mark.head_hash
                and hashlib.sha1(read_range(path, mark.tail_start, mark.offset)).hexdigest() == mark.tail_hash)
    except (OSError, EOFError, ValueError):
        same = False
    return (mark.offset, mark.line, False) if same else (0, 1, True)


def mbox_unit(path: Path, mark: FileMark | None, group: str, dated: bool = False,
              fix: Callable[[bytes], bytes] | None = None, only_group: bool = False) -> ArchiveUnit | None:
    """The unit for one mbox-like file, or None when nothing changed since ``mark``.

    ``dated``: separators must end in a date (pipermail); ``fix`` rewrites each raw
    message; ``only_group``: every message goes to ``group`` whatever its headers say.
    """
    stat = path.stat()  # before reading: a file that grows meanwhile is looked at again next time
    point = resume_point(path, mark)
    if point is None:
        return None
    start, line, restart = point
    unit = ArchiveUnit(file_key(path), path, restart, iter(()))
    reader = _Reader(group, dated, fix, only_group)
    unit.messages = reader.messages(unit, start, line, None if restart else mark, (stat.st_size, stat.st_mtime_ns))
    return unit


@dataclass(frozen=True)
class _Reader:
    group: str
    dated: bool
    fix: Callable[[bytes], bytes] | None
    only_group: bool

    def messages(self, unit: ArchiveUnit, start: int, line: int, mark: FileMark | None,
                 stat: tuple[int, int]) -> Iterator[ArchiveMessage]:
        """The new messages; once they are all read, the unit's mark for the file."""
        last: RawMessage | None = None
        count = mark.count if mark else 0
        for found in split_mbox(unit.path, start, line, self.dated):
            if found.note:
                unit.warnings.append(found.note)
            if found.skipped:
                continue  # a cut-off last message is not marked as read: it is tried again next time
            message = guarded_parse(self.fix(found.raw) if self.fix else found.raw, self.group,
                                    f"{unit.path}:{found.line}", unit.warnings)
            if message is not None:
                yield message._replace_groups((self.group,)) if self.only_group else message
            last, count = found, count + 1
        unit.marks.append(_mark(unit, last, mark, count, stat))


def guarded_parse(raw: bytes, group: str, where: str, warnings: list[str]) -> ArchiveMessage | None:
    """parse_message, contained: a message it cannot read is one warning, never the end of the archive."""
    try:
        return parse_message(raw, group)
    except Exception as exc:  # parsers should not raise; if one does, only this message is lost
        warnings.append(f"{where}: message skipped: it cannot be read ({type(exc).__name__})")
        return None


def _mark(unit: ArchiveUnit, last: RawMessage | None, mark: FileMark | None, count: int,
          stat: tuple[int, int]) -> FileMark:
    if last is not None:  # the digest is made while splitting only for a file's final message
        digest = last.digest or hashlib.sha1(read_range(unit.path, last.offset, last.end)).hexdigest()
        return FileMark(unit.key, *stat, last.end, last.end_line, head_hash(unit.path, last.end),
                        last.offset, digest, count)
    if mark is not None:
        return FileMark(unit.key, *stat, mark.offset, mark.line, mark.head_hash, mark.tail_start,
                        mark.tail_hash, mark.count)
    empty = hashlib.sha1(b"").hexdigest()
    return FileMark(unit.key, *stat, 0, 1, empty, 0, empty, 0)


def default_group(path: Path) -> str:
    return path.name.split(".")[0] or "archive"


# -- the source --------------------------------------------------------------
class ArchiveSource(NewsSource):
    """A NewsSource over mbox files, Maildirs and pipermail directories (read-only)."""

    capabilities = Capability.IMPORT_ARCHIVE

    def __init__(self, *paths: Path | str) -> None:
        self.paths = [Path(p) for p in paths]
        self._groups: dict[str, list[tuple[Overview, bytes]]] | None = None
        self._by_id: dict[str, bytes] = {}

    @property
    def identity(self) -> str:
        return "archive:" + ",".join(str(p.resolve()) for p in self.paths)

    def scan(self, known: Mapping[str, FileMark]) -> Iterator[ArchiveUnit]:
        """Units with what is new since ``known`` (every file's mark), file by file."""
        from nntp import maildir, pipermail

        for path in self.paths:
            if not path.exists():
                raise SourceUnavailable(f"{path}: no such archive")
            if maildir.is_maildir(path):
                unit = maildir.maildir_unit(path, known)
                if unit is not None:
                    yield unit
            elif path.is_dir() or pipermail.is_month_file(path):
                yield from pipermail.units(path, known)
            else:
                found = mbox_unit(path, known.get(file_key(path)), default_group(path))
                if found is not None:
                    yield found

    # -- NewsSource, for callers without a store: everything in memory -------
    def _load(self) -> dict[str, list[tuple[Overview, bytes]]]:
        if self._groups is None:
            groups: dict[str, list[tuple[Overview, bytes]]] = {}
            seen: dict[str, set[str]] = {}
            for unit in self.scan({}):
                for message in unit.messages:
                    for group in message.groups:
                        ids = seen.setdefault(group, set())
                        chosen = next((i for i in message.message_ids if i not in ids), None)
                        if chosen is None:
                            continue  # the same message again
                        ids.add(chosen)
                        entries = groups.setdefault(group, [])
                        overview = message.overview._replace(number=len(entries) + 1, message_id=chosen)
                        entries.append((overview, message.raw))
                        self._by_id.setdefault(chosen, message.raw)
            self._groups = groups
        return self._groups

    def list_groups(self) -> list[GroupInfo]:
        return [self.select_group(name) for name in sorted(self._load())]

    def select_group(self, name: str) -> GroupInfo:
        entries = self._load().get(name)
        if entries is None:
            raise NoSuchGroup(f"{name}: no such group in this archive")
        return GroupInfo(name, 1 if entries else 0, len(entries), len(entries), "n")

    def iter_overviews(self, name: str, first: int, last: int) -> Iterator[OverviewBatch]:
        entries = self._load().get(name)
        if entries is None:
            raise NoSuchGroup(f"{name}: no such group in this archive")
        chosen = tuple(o for o, _ in entries[max(first, 1) - 1 : last])
        yield OverviewBatch(chosen, first, last)

    def article(self, name: str, key: int | str) -> Article:
        groups = self._load()
        if isinstance(key, str):
            raw = self._by_id.get(key)
            number = None
        else:
            entries = groups.get(name, [])
            raw = entries[key - 1][1] if 1 <= key <= len(entries) else None
            number = key
        if raw is None:
            raise NoSuchArticle(f"{name}: no article {key}")
        return parse_article(raw, number)

    def close(self) -> None:
        """Nothing to release: files are opened per read."""
