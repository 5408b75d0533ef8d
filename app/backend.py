"""The UI's handle on the Library: every call runs on the one Session thread.

``open_library`` may connect to a server, and the Library's source and SQLite
store belong to one thread, so the Library is created lazily *on* the session
thread and never touched anywhere else. UI code calls :meth:`LibraryHandle.call`
from a thread worker, which waits while the session thread works; the event
loop itself never blocks on the network.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar, TypeVarTuple, Unpack

from nntp.errors import PithError, SourceUnavailable
from nntp.session import Session
from store.library import Library

T = TypeVar("T")
Args = TypeVarTuple("Args")


class FetchCancelled(PithError):
    """The screen that asked for a long fetch went away; the fetch stopped early."""


class SourceState(StrEnum):
    """How the source looks from the UI: the words the status line shows."""

    CONNECTING = "connecting"
    """No call has finished yet."""
    ONLINE = "online"
    OFFLINE = "offline"
    """The Library was opened offline (``--offline``, or it fell back to the cache)."""
    UNREACHABLE = "unreachable"
    """The last call could not reach the source."""


class LibraryHandle:
    """Owns one Library on one Session thread.

    ``state`` is what the status line shows (a ``SourceState``). It is one
    attribute written by the session thread and read by the UI, so no lock.
    """

    def __init__(self, open_library: Callable[[], Library]) -> None:
        self._open = open_library
        self._library: Library | None = None
        self._session = Session("pith-library")
        self._closed = False
        self.state = SourceState.CONNECTING

    def call(self, fn: Callable[[Library, Unpack[Args]], T], *args: Unpack[Args], local: bool = False) -> T:
        """Run ``fn(library, *args)`` on the session thread and wait for it (worker threads only).

        ``fn`` is best a named operation (``Library.subscribe``) or an app/ use case,
        so a call site reads as what it does: ``call(Library.subscribe, name, True, local=True)``.
        ``local=True`` says ``fn`` reads only the store, so its success says
        nothing about the server and leaves ``state`` alone.
        """
        if _on_event_loop():
            raise RuntimeError("LibraryHandle.call would block the event loop; use a thread worker")
        if self._closed:
            raise FetchCancelled("the app is closing")
        return self._session.call(self._run_local if local else self._run, _bound(fn, args))

    def send(self, fn: Callable[[Library, Unpack[Args]], object], on_error: Callable[[BaseException], None],
             *args: Unpack[Args]) -> None:
        """Queue ``fn(library, *args)`` for the session thread and return at once (safe on the event loop).

        For small store writes that must land in the order they were made (read
        marks): the session runs its queue in order, which thread workers, each
        waiting on its own, would not guarantee. A queued write still runs when the
        app closes (``close`` waits for the queue). ``on_error`` runs on the session
        thread; it must hand the error to the UI itself (``call_from_thread``).
        """
        if self._closed:
            return
        bound = _bound(fn, args)

        def run() -> None:
            try:
                self._run_local(bound)
            except Exception as exc:  # noqa: BLE001 - any failure is reported, never lost
                on_error(exc)

        self._session.submit(run)

    def _run_local(self, fn: Callable[[Library], T]) -> T:
        if self._library is None:
            self._library = self._open()
        return fn(self._library)

    def _run(self, fn: Callable[[Library], T]) -> T:
        try:
            if self._library is None:
                self._library = self._open()
            result = fn(self._library)
        except SourceUnavailable:
            offline = self._library is not None and self._library.offline
            self.state = SourceState.OFFLINE if offline else SourceState.UNREACHABLE
            raise
        self.state = SourceState.OFFLINE if self._library.offline else SourceState.ONLINE
        return result

    def close(self) -> None:
        """Close the Library on its own thread and stop the session (waits for a running call)."""
        if not self._closed:
            self._closed = True
            self._session.shutdown(cleanup=self._close_library)

    def _close_library(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def _bound(fn: Callable[[Library, Unpack[Args]], T], args: tuple[Unpack[Args]]) -> Callable[[Library], T]:
    """``fn`` with its arguments after the Library, ready for the session thread."""
    return lambda library: fn(library, *args)


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def cancellable(flag: threading.Event, report: Callable[[int, int], None]) -> Callable[[int, int], None]:
    """A progress callback that reports, and stops the fetch once ``flag`` is set."""

    def progress(done: int, expected: int) -> None:
        if flag.is_set():
            raise FetchCancelled("fetch cancelled")
        report(done, expected)

    return progress
