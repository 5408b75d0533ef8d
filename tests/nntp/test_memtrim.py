"""nntp.memtrim: freed heap pages go back after the big phases (threading, scoring), and only after big ones."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from killfile.engine import score
from killfile.model import RuleSet
from nntp import memtrim
from nntp.models import Overview
from nntp.threads import thread


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []

    def trim(pad: int) -> int:
        made.append(pad)
        return 1

    monkeypatch.setattr(memtrim, "_malloc_trim", lambda: trim)
    return made


def articles(count: int) -> list[Overview]:
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    return [Overview(n, f"s{n % 50}", "a@x", when, f"<{n}@x>", (f"<{n - 1}@x>",) if n % 3 else ()) for n in
            range(1, count + 1)]


def test_only_a_big_phase_gives_memory_back(calls: list[int]) -> None:
    assert not memtrim.give_back(memtrim.BIG - 1) and calls == []
    assert memtrim.give_back(memtrim.BIG) and calls == [0]


def test_threading_and_scoring_a_big_group_give_memory_back(calls: list[int]) -> None:
    big = articles(memtrim.BIG)
    thread(big)
    assert calls == [0]
    score(big, RuleSet(), "g", datetime(2024, 2, 1, tzinfo=timezone.utc))
    assert calls == [0, 0]
    thread(big[:100])
    assert calls == [0, 0]


def test_where_there_is_no_malloc_trim_nothing_is_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memtrim, "_malloc_trim", lambda: None)
    assert not memtrim.give_back(10 * memtrim.BIG)


def test_the_real_call_is_harmless() -> None:
    memtrim.give_back(memtrim.BIG)  # glibc here: returns pages; elsewhere: nothing
