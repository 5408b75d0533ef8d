"""Splitting mbox files (mboxrd, mboxo, pipermail .txt; plain, .gz, .xz, .bz2) into messages.

Reads in large blocks and finds the ``From `` separator lines with a regex rather
than looping over lines in Python (a 97 MB list archive splits in a fraction of a
second), and reports each message's byte offset and line number in the
uncompressed stream, so an import can remember where it stopped and a problem can
be named by file and line.

A separator is a ``From `` line at the start of the file or after a blank line.
Pipermail archives (one ``2009-November.txt`` per month) do not escape ``From ``
in bodies, so there the line must also end like a date (``Thu Nov  5 10:00:00 2009``).

A damaged message costs only itself: NUL bytes in a header are shown as U+2400, a
message with no header or cut off at the end of the file is passed by with a note
naming file and line, and so is the unreadable rest of a corrupt compressed file.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from io import BufferedIOBase

from nntp.errors import PithError

BLOCK = 4 * 1024 * 1024
_DATED = re.compile(
    rb"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}\s+"
    rb"\d{1,2}:\d\d(?::\d\d)?\s+(?:[A-Za-z]{2,5}\s+|[+-]\d{4}\s+)?\d{4}\s*$"
)
_ESCAPED = re.compile(rb"(?m)^>(>*From )")
_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")


class ArchiveError(PithError):
    """An archive file is damaged or not what it claims; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as found in the file."""

    raw: bytes
    """The message without its ``From `` line, ``>From`` escaping undone."""
    offset: int
    """Byte offset of its ``From `` line in the uncompressed stream."""
    end: int
    """Offset just past it (and the blank line that ends it): where the next one starts."""
    line: int
    """1-based line number of its ``From `` line."""
    end_line: int
    """Line number at ``end``."""
    digest: str = ""
    """sha1 of its bytes in the file, for the last message only (the resume check)."""
    note: str = ""
    """A problem to report (``file:line: what``); the message is still read unless ``skipped``."""
    skipped: bool = False
    """Not a message that can be read (no header, cut off at the end of the file): pass it by."""


def open_archive(path: Path) -> BufferedIOBase:
    """The file, decompressed on the fly by its suffix."""
    if path.suffix == ".gz":
        return gzip.GzipFile(path, "rb")
    if path.suffix == ".xz":
        return lzma.LZMAFile(path, "rb")
    if path.suffix == ".bz2":
        return bz2.BZ2File(path, "rb")
    return open(path, "rb")


def read_range(path: Path, start: int, end: int) -> bytes:
    """Bytes ``start..end`` of the uncompressed stream (to check that a known prefix is unchanged)."""
    with open_archive(path) as handle:
        handle.seek(start)
        return handle.read(end - start)


def split_mbox(path: Path, start: int = 0, line: int = 1, dated: bool = False) -> Iterator[RawMessage]:
    """Messages from byte ``start`` (a message boundary) on.

    One bad message never costs the others: a damaged one comes out ``skipped``
    with a note naming file and line, and a file that cannot be read to the end
    (a cut-off download, a corrupt .xz) yields what came before it and a note.
    ArchiveError only when nothing of the file can be read as an mbox.
    """
    position = [start, line]
    try:
        with open_archive(path) as handle:
            if start:
                handle.seek(start)
            for message in _split(handle, path, start, line, dated):
                position[:] = [message.end, message.end_line]
                yield message
    except (EOFError, zlib.error, lzma.LZMAError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, FileNotFoundError):
            raise ArchiveError(path, None, "no such file") from None
        if position[0] == start and not start:
            raise ArchiveError(path, None,
                               f"cannot be read ({_reason(exc)}); the file is truncated or corrupt") from None
        yield _unreadable_rest(path, position[0], position[1], exc)


def _unreadable_rest(path: Path, offset: int, line: int, exc: BaseException) -> RawMessage:
    note = (f"{path}:{line}: cannot be read past this line ({_reason(exc)}); the file is truncated or "
            "corrupt: the messages before it were read")
    return RawMessage(b"", offset, offset, line, line, note=note, skipped=True)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _split(handle: BufferedIOBase, path: Path, offset: int, line: int, dated: bool) -> Iterator[RawMessage]:
    """``offset``/``line``: position of ``buf[0]`` in the stream."""
    buf = b""
    eof = False
    checked = offset > 0  # a resumed read starts on a boundary
    while not eof:
        block = handle.read(BLOCK)
        eof = not block
        buf += block
        starts = _starts(buf, dated)
        if not checked and buf.strip():
            if not starts or buf[: starts[0]].strip():
                raise ArchiveError(path, line, "not an mbox file (it does not start with a 'From ' line)")
            checked = True
        if not starts or (len(starts) < 2 and not eof):
            continue  # the one message in the buffer may go on in the next block
        keep = len(buf) if eof else starts[-1]
        complete = starts if eof else starts[:-1]
        line += buf.count(b"\n", 0, complete[0])
        for here, following in zip(complete, [*complete[1:], keep], strict=True):
            lines = buf.count(b"\n", here, following)
            yield _message(buf, here, following, offset, (line, line + lines), path, last=eof and following == keep)
            line += lines
        offset += keep
        buf = buf[keep:]


def _starts(buf: bytes, dated: bool) -> list[int]:
    """Offsets of separator lines: at the start (after blank lines at most), or after a blank line."""
    out: list[int] = []
    here = 0 if buf.startswith(b"From ") else buf.find(b"\nFrom ") + 1
    while here >= 0 and (here or not out):
        after_blank = buf.endswith(b"\n\n", 0, here) or buf.endswith(b"\n\r\n", 0, here)
        if here == 0 and not buf.startswith(b"From "):
            break
        if not here or after_blank or not (out or here > 4096 or buf[:here].strip()):
            line_end = buf.find(b"\n", here)
            if not dated or _DATED.search(buf[here : line_end if line_end >= 0 else len(buf)].rstrip(b"\r")):
                out.append(here)
        found = buf.find(b"\nFrom ", here + 1)
        here = found + 1 if found >= 0 else -1
    return out


def _message(buf: bytes, here: int, following: int, offset: int, lines: tuple[int, int], path: Path,
             last: bool) -> RawMessage:
    line = lines[0]
    newline = buf.find(b"\n", here, following)
    body_start = following if newline < 0 else newline + 1
    raw = buf[body_start:following]
    if last and raw and not raw.endswith(b"\n"):  # cut off (or still being written): read again next time
        note = f"{path}:{line}: the last message is truncated (the file ends in the middle of a line); skipped"
        return RawMessage(b"", offset + here, offset + following, line, lines[1], note=note, skipped=True)
    if raw.endswith(b"\n\n"):
        raw = raw[:-1]
    elif raw.endswith(b"\r\n\r\n"):
        raw = raw[:-2]
    if b"From " in raw and b">" in raw:
        raw = _ESCAPED.sub(rb"\1", raw)
    digest = hashlib.sha1(buf[here:following]).hexdigest() if last else ""
    found = RawMessage(raw, offset + here, offset + following, line, lines[1], digest)
    if not _FIELD.match(raw):
        note = f"{path}:{line + 1}: damaged message (no header where one should start); skipped"
        return RawMessage(b"", found.offset, found.end, line, lines[1], digest, note, skipped=True)
    fixed, nul_line = visible_nul(raw)
    if nul_line:
        note = f"{path}:{line + nul_line}: NUL bytes in the header, shown as {NUL_SHOWN.decode()}"
        return RawMessage(fixed, found.offset, found.end, line, lines[1], digest, note)
    return found


NUL_SHOWN = "\u2400".encode()
"""U+2400 SYMBOL FOR NULL: what a NUL byte in a header becomes, so it is seen, not acted on."""


def visible_nul(raw: bytes) -> tuple[bytes, int]:
    """``raw`` with NUL bytes in its header made visible, and the 1-based line of the first (0: none).

    C code, the store and terminals all treat NUL as an end; one in a header must
    not make the message (or the archive around it) unreadable.
    """
    head_end = raw.find(b"\n\n")
    end = len(raw) if head_end < 0 else head_end
    nul = raw.find(b"\0", 0, end)
    if nul < 0:
        return raw, 0
    return raw[:end].replace(b"\0", NUL_SHOWN) + raw[end:], 1 + raw.count(b"\n", 0, nul)
