"""Which bodies a sync fetches: asked of the group's packs as they are, never compacting them."""

from __future__ import annotations

import time
from pathlib import Path

from nntp.models import GroupInfo
from nntp.overblock import parse_over_block
from store import packread, rawchunks
from store.cache import Store
from store.library import Library
from store.sync import body_targets
from tests.store.test_rawchunks import FMT, raw_slice


def stocked(path: Path) -> Store:
    """A binary pack of 1-1,000, an answer of 1,001-3,000 and one re-fetched over 901-1,100 (every 9th gone
    from it: those numbers keep their articles), bodies cached for every 4th article."""
    store = Store(path)
    store.group_table.save([GroupInfo("g", 1, 3000, 3000)])
    store.overview_store.save("g", parse_over_block(raw_slice(1, 1000).data, FMT)[0], 1000)
    store.overview_store.save_raw("g", raw_slice(1001, 3000))
    store.overview_store.save_raw("g", raw_slice(901, 1100, gap=9))
    store.body_store.save_many([(f"<{n}@raw>", b"x\r\n", "") for n in range(4, 3001, 4)])
    return store


def test_body_targets_are_every_article_without_a_body_and_the_packs_stay(tmp_path: Path) -> None:
    store = stocked(tmp_path / "a.sqlite3")
    since = int(time.mktime((2024, 1, 2, 12, 0, 0, 0, 0, 0)))
    before = packread.listed(store.db, "g")
    answers = [store.body_store.missing("g", days_since) for days_since in (None, since)]
    assert 0 < len(answers[1]) < len(answers[0]) and all(n % 4 for n, _ in answers[0])
    assert len(answers[0]) == 3000 - 750 and answers[0] == sorted(answers[0])
    assert all(dict(answers[0])[n] == f"<{n}@raw>" for n in (909, 999, 1001, 1053))  # 909, 1053: kept, not re-sent
    assert packread.listed(store.db, "g") == before  # read, not written back
    store.close()


def test_a_sync_asks_for_bodies_without_compacting(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.overview_store.save_raw("g", raw_slice(1, 500))
    library = Library(store, lambda: None)  # type: ignore[arg-type, return-value]
    assert body_targets(library, "g", None, {1, 2}) == [(n, f"<{n}@raw>") for n in range(3, 501)]
    assert [rawchunks.is_over(p[4]) for p in packread.listed(store.db, "g")] == [True]
    library.close()
