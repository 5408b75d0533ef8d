"""Storing fetched bodies on a thread of its own while the caller reads the socket (issue 16).

A pipelined body sync has two jobs that each take about half its time: reading
and unstuffing the answers, and writing them into SQLite (100 MB of bodies: WAL
pages, checkpoints, fsync). Both let go of the GIL for their system calls, so
they overlap: the caller reads, and hands the answers over a batch at a time
(one hand-over per transaction, not one per article: the earlier read-ahead
queue passed every article between threads and paid a lock round trip each).

Resumability stays what a batch is: ``store`` commits one batch in one
transaction, so a kill costs at most the batches not yet committed, fetched
again next time. The store's connection is used only by this thread while the
``with`` block runs. A failure in the writer stops it taking more work; the
caller sees it at its next ``put`` or when the block ends, and the transaction
that failed was rolled back by the store (nothing half-written).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class BatchWriter(Generic[T]):
    """``with BatchWriter(store) as writer: writer.put(batch)``: ``store(batch)`` runs on a helper thread,
    batches in the order put, and whatever it returns is appended to ``results``."""

    def __init__(self, store: Callable[[list[T]], list[str]], results: list[str], depth: int = 2) -> None:
        self._store = store
        self.results = results
        self._queue: queue.Queue[list[T] | None] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="pith-body-writer", daemon=True)

    def __enter__(self) -> BatchWriter[T]:
        self._thread.start()
        return self

    def put(self, batch: list[T]) -> None:
        """Queue a batch (waits while ``depth`` are queued); raises the writer's error if it failed."""
        self.check()
        if batch:
            self._queue.put(batch)

    def check(self) -> None:
        """Raise the writer's error, if it had one (the caller then stops reading)."""
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._error is None:  # after a failure, batches are only taken off (the caller is told)
                try:
                    self.results.extend(self._store(batch))
                except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
                    self._error = exc

    def __exit__(self, *exc_info: object) -> None:
        """Wait for every batch queued; the writer's error goes up unless another one already does."""
        interrupted = False
        self._queue.put(None)
        while self._thread.is_alive():  # a Ctrl-C waits for the batch being committed: never two users of the db
            try:
                self._thread.join()
            except KeyboardInterrupt:
                interrupted = True
        if interrupted:
            raise KeyboardInterrupt
        if exc_info[0] is None:
            self.check()
