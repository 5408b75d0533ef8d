"""Maildirs as archives: every file in ``cur/`` and ``new/`` is one message.

Maildir messages never change once delivered (only the flags after ``:2,`` in
the name do), so a message file is known by its name up to the colon, and a
re-open imports only names not seen before. Files that are not mail (editor
backups, ``.DS_Store``, empty or binary files) are skipped with a warning that
names them, once; they never stop the import.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from nntp.archive import ArchiveMessage, ArchiveUnit, FileMark, file_key, guarded_parse
from nntp.mbox import NUL_SHOWN, visible_nul

_FIELD_START = frozenset(range(0x21, 0x7F)) - {ord(":")}


def is_maildir(path: Path) -> bool:
    return path.is_dir() and (path / "cur").is_dir() and (path / "new").is_dir()


def maildir_unit(path: Path, known: Mapping[str, FileMark]) -> ArchiveUnit | None:
    """One unit with every message file not imported before (oldest delivery first)."""
    base = file_key(path)
    fresh: list[tuple[str, str, os.DirEntry[str]]] = []
    for sub in ("new", "cur"):
        with os.scandir(path / sub) as entries:
            for entry in entries:
                unique = entry.name.split(":", 1)[0]
                key = f"{base}/{unique}"
                if key not in known:
                    fresh.append((unique, key, entry))
    if not fresh:
        return None
    fresh.sort(key=lambda item: item[0])  # names start with the delivery time
    unit = ArchiveUnit(base, path, False, iter(()))
    unit.messages = _messages(unit, fresh, path.name or "maildir")
    return unit


def _messages(unit: ArchiveUnit, fresh: list[tuple[str, str, os.DirEntry[str]]],
              group: str) -> Iterator[ArchiveMessage]:
    for _, key, entry in fresh:
        try:
            raw, problem = _read(entry)
            stat = entry.stat(follow_symlinks=False)
        except OSError as exc:  # moved from new/ to cur/ by a mail client meanwhile, or not ours to read
            unit.warnings.append(f"{entry.path}: cannot be read ({exc.strerror or exc}); skipped for now")
            continue  # not marked: looked at again next time
        if problem:
            unit.warnings.append(f"{entry.path}: {problem} (skipped)")
        else:
            fixed, nul_line = visible_nul(raw)
            if nul_line:
                unit.warnings.append(f"{entry.path}:{nul_line}: NUL bytes in the header, shown as "
                                     f"{NUL_SHOWN.decode()}")
            message = guarded_parse(fixed, group, entry.path, unit.warnings)
            if message is not None:
                yield message
        unit.marks.append(FileMark(key, stat.st_size, stat.st_mtime_ns, stat.st_size, 0, "", 0, "",
                                   0 if problem else 1))


def _read(entry: os.DirEntry[str]) -> tuple[bytes, str]:
    """The message bytes, or why this file is not a message."""
    if entry.name.startswith("."):
        return b"", "hidden file, not a message"
    if not entry.is_file(follow_symlinks=False):
        return b"", "not a regular file"
    with open(entry.path, "rb") as handle:
        raw = handle.read()
    if raw.startswith(b"From "):  # some tools keep the mbox separator line
        raw = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    if not raw.strip():
        return b"", "empty file, not a message"
    head_end = raw.find(b"\n\n")
    head = raw if head_end < 0 else raw[:head_end]
    name, colon, _ = head.partition(b"\n")[0].partition(b":")
    if not colon or not name or not set(name.rstrip(b" \t")) <= _FIELD_START:
        return b"", "not a mail message (line 1 is not a header field)"
    return raw, ""
