"""Reading NNTP responses in big chunks, keeping bytes that belong to the next response.

Pipelined OVER commands (RFC 3977 section 3.5 allows it for these) mean the
server's next answer can already sit behind the terminator of the current one;
this reader keeps those bytes instead of losing them. Lines longer than MAX_LINE
are refused, so a hostile server cannot make memory grow without bound.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

from nntp.errors import RemoteProtocolError
from nntp.parse import utf8_or_latin1
from nntp.pipeline import unstuff

if TYPE_CHECKING:
    from nntp._unstuff import BlockScan as Scan


def _scanner() -> type[Scan] | None:
    """The compiled block scanner, unless it is not built (no compiler at install time) or turned off:
    then bytearray.find and pipeline.unstuff, the same bytes."""
    if os.environ.get("PITH_PURE_KERNELS"):
        return None
    try:
        from nntp._unstuff import BlockScan
    except ImportError:
        return None
    return BlockScan


BlockScan = _scanner()
COMPILED = BlockScan is not None
"""Whether blocks are found and unstuffed by nntp/_unstuff.pyx."""

MAX_LINE = 1 << 20
CHUNK = 1 << 16


class ChunkSource(Protocol):
    """Anything with a buffered stream's ``read1`` (a DeadlineStream, an io.BufferedReader)."""

    def read1(self, size: int = -1, /) -> bytes: ...


class ResponseReader:
    """Status lines and dot-terminated blocks from a buffered binary stream."""

    def __init__(self, stream: ChunkSource) -> None:
        self._read1 = stream.read1
        self.buf = bytearray()

    def _fill(self) -> None:
        chunk = self._read1(CHUNK)
        if not chunk:
            raise EOFError("connection closed inside a response")
        self.buf += chunk

    def status_line(self) -> str:
        """The next CRLF-terminated line (a status line), decoded leniently."""
        while True:
            end = self.buf.find(b"\r\n")
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[: end + 2]
                return line.decode("utf-8", errors="replace")
            if len(self.buf) > MAX_LINE:
                raise RemoteProtocolError("server sent a line longer than 1 MiB")
            self._fill()

    def block(self) -> list[str]:
        """Lines of a dot-terminated block, dot-unstuffed; UTF-8, else Latin-1 per line."""
        searched = 0
        last_newline = 0
        while True:
            if self.buf[:3] == b".\r\n":
                del self.buf[:3]
                return []
            end = self.buf.find(b"\r\n.\r\n", max(0, searched - 4))
            if end >= 0:
                break
            searched = len(self.buf)
            newline = self.buf.rfind(b"\r\n", last_newline)
            last_newline = newline if newline >= 0 else last_newline
            if len(self.buf) - last_newline > MAX_LINE:
                raise RemoteProtocolError("server sent a line longer than 1 MiB")
            self._fill()
        body = bytes(self.buf[:end])
        del self.buf[: end + 5]
        return _decode_lines(body)

    def raw_block(self) -> bytes:
        """The bytes of a dot-terminated block: whole CRLF-ended lines, still dot-stuffed, no terminator.

        No line is decoded or split here (OVER answers are parsed later, a block
        at a time); the terminator search resumes where the last one stopped.
        """
        if BlockScan is None:
            return self._found_block()
        scan = BlockScan()
        end = self._scanned_end(scan)
        if end < 0:
            del self.buf[:3]
            return b""
        return scan.take(self.buf, end, False) or b""

    def article_block(self) -> bytes:
        """An ARTICLE/BODY answer's block as nntplib would hand it over (``pipeline.unstuff`` of ``raw_block``):
        compiled, found and unstuffed in one walk and one copy (nntp/_unstuff.pyx BlockScan)."""
        if BlockScan is None:
            return unstuff(self._found_block())
        scan = BlockScan()
        end = self._scanned_end(scan)
        if end < 0:
            del self.buf[:3]
            return unstuff(b"")
        done = scan.take(self.buf, end)
        if done is not None:
            return done
        return unstuff(scan.take(self.buf, end, False) or b"")  # a bare LF: nntplib's line splitting, rare

    def _scanned_end(self, scan: Scan) -> int:
        """Where the block at the buffer's start ends (``find``'s index of ``\\r\\n.\\r\\n``), reading on
        until it has come; -1 for an empty block (a lone ``.`` line)."""
        while True:
            if self.buf.startswith(b".\r\n"):
                return -1
            end = scan.find(self.buf)
            if end >= 0:
                return end
            if len(self.buf) - scan.last_crlf > MAX_LINE:
                raise RemoteProtocolError("server sent a line longer than 1 MiB")
            self._fill()

    def _found_block(self) -> bytes:
        """``raw_block`` with bytearray.find (no compiled helper)."""
        searched = last_newline = 0
        while True:
            if self.buf[:3] == b".\r\n":
                del self.buf[:3]
                return b""
            end = self.buf.find(b"\r\n.\r\n", max(0, searched - 4))
            if end >= 0:
                body = bytes(self.buf[: end + 2])
                del self.buf[: end + 5]
                return body
            searched = len(self.buf)
            last_newline = max(last_newline, self.buf.rfind(b"\r\n", last_newline))
            if searched - last_newline > MAX_LINE:
                raise RemoteProtocolError("server sent a line longer than 1 MiB")
            self._fill()

    def complete_lines(self) -> bytes:
        """What arrived of an interrupted block, up to its last whole line (for resuming after it)."""
        end = self.buf.rfind(b"\r\n")
        return bytes(self.buf[: end + 2]) if end >= 0 else b""


def _decode_lines(body: bytes) -> list[str]:
    try:
        lines = body.decode("utf-8").split("\r\n")
    except UnicodeDecodeError:
        lines = [utf8_or_latin1(raw) for raw in body.split(b"\r\n")]
    if body[:1] == b"." or b"\n." in body:
        lines = [line[1:] if line[:1] == "." else line for line in lines]
    return lines
