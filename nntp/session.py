"""One thread per source: it owns the connection and serves requests in order.

An nntplib connection is synchronous and single-threaded; two threads writing to
it desynchronise the protocol, and a cancelled worker thread keeps running its
command. So every call that may touch the connection (or the SQLite store of
that source) goes through one Session, a single-thread executor with a queue.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Session:
    """Runs submitted callables one at a time on its own thread, in submission order."""

    def __init__(self, name: str = "pith-session") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    def submit(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        return self._executor.submit(fn, *args, **kwargs)

    def call(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run on the session thread and wait (for callers that are not the UI loop)."""
        return self.submit(fn, *args, **kwargs).result()

    def shutdown(self, cleanup: Callable[[], None] | None = None) -> None:
        """Run ``cleanup`` (close the connection) on the session thread, then stop it."""
        if cleanup is not None:
            self._executor.submit(cleanup)
        self._executor.shutdown(wait=True, cancel_futures=False)
