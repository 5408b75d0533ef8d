"""Mailman/pipermail archive directories: one ``2009-November.txt`` (or ``.txt.gz``) per month.

A directory of monthly files is one list, so one group, named after the
directory. Months are read in calendar order; when a month exists both plain
and gzipped (Mailman keeps the current month as .txt and gzips old ones) the
plain file wins, and a message met twice is filed once (by Message-ID).
Pipermail writes addresses as ``jdoe at example.com``; that is undone in the
address headers, so the author shows and replies as ``jdoe@example.com``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from nntp.archive import ArchiveUnit, FileMark, file_key, mbox_unit
from nntp.mbox import ArchiveError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
_MONTH_FILE = re.compile(rf"^(\d{{4}})-({'|'.join(MONTHS)})\.txt(\.gz)?$")
_ADDRESS_HEADER = re.compile(rb"(?im)^(?:from|reply-to|sender|to|cc):[^\n]*(?:\n[ \t][^\n]*)*")
_OBFUSCATED = re.compile(rb"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+) at ([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def is_month_file(path: Path) -> bool:
    return path.is_file() and _MONTH_FILE.match(path.name) is not None


def month_files(directory: Path) -> list[Path]:
    """The month files of a directory in calendar order, plain preferred over gzipped."""
    chosen: dict[tuple[int, int], Path] = {}
    for path in directory.iterdir():
        found = _MONTH_FILE.match(path.name)
        if not found or not path.is_file():
            continue
        month = (int(found.group(1)), MONTHS.index(found.group(2)))
        if month not in chosen or not found.group(3):
            chosen[month] = path
    return [chosen[m] for m in sorted(chosen)]


def undo_obfuscation(raw: bytes) -> bytes:
    """``jdoe at example.com`` -> ``jdoe@example.com`` in the address headers only."""
    end = raw.find(b"\n\n")
    head, rest = (raw, b"") if end < 0 else (raw[:end], raw[end:])
    if b" at " not in head:
        return raw
    head = _ADDRESS_HEADER.sub(lambda m: _OBFUSCATED.sub(rb"\1@\2", m.group(0)), head)
    return head + rest


def units(path: Path, known: Mapping[str, FileMark]) -> Iterator[ArchiveUnit]:
    """One unit per month file that has something new; ``path`` is the directory or one month."""
    if path.is_dir():
        files = month_files(path)
        group = path.resolve().name
        if not files:
            raise ArchiveError(path, None, "not an archive: no Maildir (cur/, new/) and no pipermail "
                                           "month files (2009-November.txt or .txt.gz)")
    else:
        files, group = [path], path.resolve().parent.name
    for month in files:
        unit = mbox_unit(month, known.get(file_key(month)), group, dated=True, fix=undo_obfuscation,
                         only_group=True)
        if unit is not None:
            yield unit
