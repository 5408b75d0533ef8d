"""The two pipelined readers of a connection: OVER in ranges, and ARTICLE/BODY in a window.

Both write commands ahead of the answers, read each answer as raw bytes, and on a
stop read what is still in flight so the connection stays in step. They need of
the connection only what ``Wire`` names (NNTPClient gives it): the protocol's
bookkeeping lives in nntp/pipeline.py, the socket and its deadline in the client.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from nntp.errors import AuthenticationFailed, ConnectionLost, PithError, RemoteProtocolError, ReplyTimeout
from nntp.models import RawOverviews
from nntp.pipeline import Fetched, Key, Matcher, Window, commands, reply_kind, unstuff
from nntp.responses import ResponseReader

_compiled_unstuff: Callable[[bytes], bytes | None] | None
try:
    if os.environ.get("PITH_PURE_KERNELS"):
        raise ImportError("PITH_PURE_KERNELS is set")
    from nntp._unstuff import unstuff as _compiled_unstuff
except ImportError:  # no compiler at install time: pipeline.unstuff alone, same bytes
    _compiled_unstuff = None
COMPILED = _compiled_unstuff is not None

OVER_IN_FLIGHT = 2
"""OVER commands written ahead: the server produces the next answer while one is stored."""


class Wire(Protocol):
    """What the readers need of a connection."""

    @property
    def identity(self) -> str: ...

    def reader(self) -> ResponseReader:
        """A reader whose reads keep to the current command's deadline."""
        ...

    def send_raw(self, data: bytes, verb: str) -> None:
        """Write commands in one go (ConnectionLost if the link is gone); the deadline runs from here."""
        ...

    def lost(self, what: str, exc: BaseException) -> ConnectionLost | ReplyTimeout:
        """Socket trouble during ``what`` as pith's error."""
        ...

    def abort(self) -> None:
        """Close the socket without a word: the stream is out of step."""
        ...


def raw_overviews(wire: Wire, command: str, ranges: list[tuple[int, int]],
                  fmt: tuple[str, ...]) -> Iterator[RawOverviews]:
    """``command`` (OVER or XOVER) for each range, each answer yielded as raw bytes in order.

    If the connection drops inside an answer, the whole lines that did arrive are
    yielded first (ending at the last complete record), then ConnectionLost: a
    resume starts right after that record. Stopping the iteration drains the
    answers still in flight.
    """
    reader = wire.reader()
    sent = received = 0

    def send_next() -> None:
        nonlocal sent
        wire.send_raw(f"{command} {ranges[sent][0]}-{ranges[sent][1]}\r\n".encode(), command)
        sent += 1

    try:
        while sent < min(OVER_IN_FLIGHT, len(ranges)):
            send_next()
        for start, end in ranges:
            if _over_status(wire, reader, command):
                try:
                    data = reader.raw_block()
                except (OSError, EOFError, ValueError) as exc:
                    partial = _partial(reader.complete_lines(), start, end, fmt)
                    if partial is not None:
                        yield partial
                    raise wire.lost(command, exc) from None
            else:
                data = b""
            received += 1
            if sent < len(ranges):
                send_next()
            yield RawOverviews(start, end, data, fmt)
    finally:
        _drain_over(wire, reader, command, sent - received)


def _over_status(wire: Wire, reader: ResponseReader, command: str) -> bool:
    """The status line of one pipelined OVER answer: True if a block follows, False if empty."""
    try:
        status = reader.status_line()
    except (OSError, EOFError, ValueError) as exc:
        raise wire.lost(command, exc) from None
    if status.startswith("224"):
        return True
    if status[:3] in ("423", "420"):
        return False
    if status[:3] == "480":
        raise AuthenticationFailed(f"{wire.identity}: the server wants a login for {command} ({status})")
    raise RemoteProtocolError(f"{wire.identity}: unexpected reply to {command}: {status!r}")


def _drain_over(wire: Wire, reader: ResponseReader, command: str, outstanding: int) -> None:
    """Read answers still in flight after a cancel, so the next command is in step."""
    try:
        for _ in range(outstanding):
            if _over_status(wire, reader, command):
                reader.raw_block()
    except (PithError, OSError, EOFError, ValueError):
        return  # the connection is broken anyway; the caller reconnects
    if reader.buf:
        raise RemoteProtocolError(f"{wire.identity}: {len(reader.buf)} unexpected bytes after {command}")


def _partial(data: bytes, first: int, last: int, fmt: tuple[str, ...]) -> RawOverviews | None:
    """The whole lines of an interrupted answer, as a slice ending at its last complete record."""
    end = len(data)
    for _ in range(16):  # a few junk lines at the end are passed over, not trusted
        if end <= 0:
            return None
        previous = data.rfind(b"\r\n", 0, end - 2)
        start = previous + 2 if previous >= 0 else 0
        number = data[start:end].split(b"\t", 1)[0]
        if number.isdigit() and first <= int(number) <= last:
            return RawOverviews(first, int(number), data[:end], fmt, complete=False)
        end = start
    return None


def articles(wire: Wire, verb: str, keys: Sequence[Key], window: int) -> Iterator[Fetched]:
    """``verb`` (ARTICLE or BODY) for each key, ``window`` commands in flight, answers yielded in order.

    A 423/430 for one article is yielded as gone and the stream stays in step. If
    the connection drops, every answer that arrived whole has been yielded before
    ConnectionLost, so a resume asks for the first key not yielded. Stopping early
    reads the answers still in flight.
    """
    state, matcher = Window(keys, window), Matcher()
    reader = wire.reader()
    try:
        while not state.done:
            asked = state.to_send()
            matcher.asked(asked)
            if asked:
                wire.send_raw(commands(verb, asked), verb)
            state.answered()
            yield from _read_fetched(wire, reader, matcher, verb)
    finally:
        _drain_fetched(wire, reader, verb, state.outstanding)


def _read_fetched(wire: Wire, reader: ResponseReader, matcher: Matcher, verb: str) -> list[Fetched]:
    """Read one pipelined answer; the keys it settles (see pipeline.Matcher), or a clear error."""
    try:
        status = reader.status_line()
        kind = reply_kind(status, verb)
        if kind == "article":
            return matcher.article(status, reader.article_block())
    except (OSError, EOFError, ValueError) as exc:
        raise wire.lost(verb, exc) from None
    if kind in ("gone", "error"):
        return matcher.refusal(status)
    if kind == "auth":
        raise AuthenticationFailed(f"{wire.identity}: the server wants a login for {verb} ({status[:80]})")
    raise RemoteProtocolError(f"{wire.identity}: unexpected reply to {verb}: {status[:200]!r}")


def unstuffed(block: bytes) -> bytes:
    """``pipeline.unstuff(block)``, in one pass without the GIL when the compiled helper is there
    (nntp/_unstuff.pyx: a body sync reads 100 MB here while the store's thread writes)."""
    if _compiled_unstuff is not None:
        done = _compiled_unstuff(block)
        if done is not None:
            return done
    return unstuff(block)


def _drain_fetched(wire: Wire, reader: ResponseReader, verb: str, outstanding: int) -> None:
    """Read answers still in flight after a stop, so the next command is in step."""
    try:
        for _ in range(outstanding):
            if reply_kind(reader.status_line(), verb) == "article":
                reader.raw_block()
    except (OSError, EOFError, ValueError, PithError):
        wire.abort()  # out of step: the next command gets ConnectionLost and reconnects
