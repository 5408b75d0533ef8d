"""A cold entry reads every OVER answer into one Columns as it arrives: no per-answer tables joined at the end.

Joining 200 answers' Columns held each answer's tables and a Message-ID bytes
object per article at once (local.huge, 1,000,000 articles: 644 MB of peak).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.resilient import ResilientSource
from store import coljoin
from store.cache import Store
from store.library import Library
from tests.store.test_rawchunks import CutClient, expected


@pytest.mark.parametrize("pure", [False, True])
def test_a_cold_entry_of_many_answers_joins_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    pure: bool) -> None:
    if pure:
        import nntp.overcols

        monkeypatch.setattr(nntp.overcols, "KERNEL", None)

    def no_join(*_args: object) -> None:
        raise AssertionError("the answers were joined")

    monkeypatch.setattr(coljoin, "_merged_ids", no_join)
    log: list[tuple[int, int]] = []
    client = lambda: CutClient(5000, [], log)  # type: ignore[abstract]  # noqa: E731  # only what entering uses
    library = Library(Store(tmp_path / "s.sqlite3"),
                      lambda: ResilientSource(client, "x", sleep=lambda _: None))  # type: ignore[arg-type]
    early: list[int] = []
    load = library.enter_group("g", early=lambda records: early.append(len(records)))
    assert len(log) == 5 and early == [len(expected(1, 1000, gap=7))]
    assert load.overviews == expected(1, 5000, gap=7) and load.fetched == len(load.overviews)
    monkeypatch.undo()
    library.close()
