"""store/bodywriter.py hand_over: how a body sync's answers are cut into transactions. Big batches while many
answers are to come (each commit writes the index pages it touched again), smaller ones as the end nears (the
command waits for the last commit), a cap in bytes (big articles), and what arrived before a break is handed over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nntp.pipeline import Fetched
from store import bodywriter
from store.bodywriter import BATCH_LEAST, BATCH_MOST, batch_limit, hand_over


class Writer:
    """Records the batches put (what BatchWriter would commit, one transaction each)."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def put(self, batch: list[Fetched]) -> None:
        if batch:
            self.batches.append(len(batch))


def answers(count: int, size: int = 10) -> Iterator[Fetched]:
    return (Fetched(n, b"x" * size) for n in range(1, count + 1))


def cut(count: int, size: int = 10) -> list[int]:
    writer = Writer()
    hand_over(writer, answers(count, size), lambda: None, count)  # type: ignore[arg-type]
    return writer.batches


def test_batches_grow_while_many_answers_are_to_come_and_shrink_at_the_end() -> None:
    batches = cut(9_969)  # list.linux-media
    big = batches.index(BATCH_MOST)
    assert sum(batches) == 9_969 and batches[:4] == [BATCH_LEAST, BATCH_LEAST, 2 * BATCH_LEAST, 4 * BATCH_LEAST]
    assert batches[: big + 1] == sorted(batches[: big + 1]) and batches[big:] == sorted(batches[big:], reverse=True)
    assert batches.count(BATCH_MOST) >= 5 and batches[-1] <= BATCH_LEAST  # the writer starts and ends soon
    assert len(batches) < 9_969 / 256  # fewer commits than 256 to a batch made
    assert cut(100) == [100] and cut(BATCH_LEAST * 2) == [BATCH_LEAST, BATCH_LEAST]


def test_a_batch_is_handed_over_at_the_byte_cap_however_few_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bodywriter, "BATCH_BYTES", 1000)
    assert cut(30, size=300) == [4] * 7 + [2]  # 4 x 300 bytes reach the cap


def test_what_arrived_before_a_break_is_handed_over_and_the_stream_closed() -> None:
    closed: list[bool] = []

    def breaking() -> Iterator[Fetched]:
        try:
            yield from answers(BATCH_LEAST + 5)
            raise ConnectionError("cut")
        finally:
            closed.append(True)

    writer = Writer()
    with pytest.raises(ConnectionError):
        hand_over(writer, breaking(), lambda: None, 10_000)  # type: ignore[arg-type]
    assert sum(writer.batches) == BATCH_LEAST + 5 and closed == [True]


def test_the_limit_is_what_went_before_or_half_what_is_left_between_the_bounds() -> None:
    assert [batch_limit(n, 10**6) for n in (0, 1, 300, 2 * BATCH_MOST - 2, 2 * BATCH_MOST, 10**6)] == [
        BATCH_LEAST, BATCH_LEAST, 150, BATCH_MOST - 1, BATCH_MOST, BATCH_MOST]
    assert [batch_limit(10**6, n) for n in (0, 200, BATCH_MOST - 1, 10**5)] == [BATCH_LEAST, 200, BATCH_MOST - 1,
                                                                              BATCH_MOST]
