"""Reading ahead on a helper thread: items in order, errors after the items before them, early exits stop it."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from nntp.errors import ConnectionLost
from nntp.prefetch import Prefetch


def test_items_then_the_error_in_order() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ConnectionLost("cut")

    got = []
    with pytest.raises(ConnectionLost), Prefetch(source()) as ahead:
        for item in ahead:
            got.append(item)
    assert got == [1, 2]


def test_leaving_early_closes_the_source_on_its_thread() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(1000)
        finally:
            closed.set()  # an NNTP client drains its answers in flight here

    with Prefetch(source(), depth=2) as ahead:
        for item in ahead:
            if item == 3:
                break
    assert closed.is_set()
