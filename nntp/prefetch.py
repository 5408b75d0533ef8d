"""Reading ahead: an iterator (a source's OVER slices) runs on a helper thread, a few items ahead.

Entering a big group is parsing-bound, and the socket reads (and COMPRESS's
inflating) let go of the GIL, so reading the next answer while the caller parses
this one takes the wire off the critical path. The source is still used by one
thread at a time: only the helper touches it until the ``with`` block ends, and
leaving the block stops the helper (which closes the iterator, so an NNTP client
drains what is in flight) and waits for it. Errors reach the caller in order,
after every item yielded before them (a resumable fetch stores those first).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterator
from typing import Generic, TypeVar, cast

T = TypeVar("T")


class Prefetch(Generic[T]):
    """``with Prefetch(iterator) as ahead: for item in ahead: ...``"""

    def __init__(self, source: Iterator[T], depth: int = 2) -> None:
        self._items = source
        self._queue: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pith-prefetch", daemon=True)

    def __enter__(self) -> Prefetch[T]:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def __iter__(self) -> Iterator[T]:
        while True:
            kind, value = self._queue.get()
            if kind == "end":
                return
            if kind == "error":
                raise cast(BaseException, value)  # the queue holds an error or an item, by ``kind``
            yield cast("T", value)

    def _run(self) -> None:
        try:
            for item in self._items:
                if not self._offer("item", item):
                    return
            self._offer("end", None)
        except BaseException as exc:  # handed to the consuming thread
            self._offer("error", exc)
        finally:
            if isinstance(self._items, Generator):  # a plain iterator has nothing to drain
                try:
                    self._items.close()
                except Exception:  # noqa: BLE001 - a broken link while draining: the next command reconnects
                    pass

    def _offer(self, kind: str, value: object) -> bool:
        """Queue an entry unless the consumer has left; False once it has."""
        while not self._stop.is_set():
            try:
                self._queue.put((kind, value), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False
