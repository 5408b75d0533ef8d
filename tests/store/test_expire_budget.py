"""``expire --max-size`` bounds the disk the cached bodies take: each body counts with its text in
the search index, a second copy (issue 16: talk.politics.misc stayed at 35% of its size after
``--max-size 1M``, the kept bodies' text as large again as the bodies)."""

from __future__ import annotations

from pathlib import Path

from store.bodyindex import save_unindexed
from store.cache import Store
from store.library import Library
from store.search import body_text_sizes
from store.sync import expire
from tests.fakes.source import FakeSource, make_overview


def stored(tmp_path: Path, indexed: bool) -> tuple[Library, int]:
    """Ten articles with cached bodies (indexed for search or not); the bodies' raw size."""
    lib = Library(Store(tmp_path / "s.sqlite3"), lambda: FakeSource({"g": [make_overview(i) for i in range(1, 11)]}))
    lib.fetch_overviews("g")
    text = " ".join(f"word{k}" for k in range(200))
    bodies = [(mid, f"Subject: x\r\n\r\n{n} {text}\r\n".encode()) for n, mid in lib.store.body_store.missing("g")]
    save_unindexed(lib.store, bodies)
    if indexed:
        lib.store.search_index.catch_up()
    return lib, sum(int(s) for (s,) in lib.store.db.execute("SELECT size FROM bodies"))


def test_a_body_counts_with_its_indexed_text(tmp_path: Path) -> None:
    lib, raw = stored(tmp_path, indexed=True)
    ids = lib.store.overview_store.read("g").message_id_column()
    texts = body_text_sizes(lib.store.db, ids)
    assert len(texts) == 10 and all(size > 1000 for size in texts.values())
    (result,) = expire(lib, ["g"], max_bytes=raw)  # the raw bodies fit; with their text they do not
    assert result.bodies == 5  # each body's text is about as big as the body: half of them go
    assert {h.number for h in lib.search("word7", limit=None)} == {6, 7, 8, 9, 10}  # the newest kept, and their text
    assert len(body_text_sizes(lib.store.db, ids)) == 5
    lib.close()


def test_text_not_yet_indexed_costs_nothing_yet(tmp_path: Path) -> None:
    lib, raw = stored(tmp_path, indexed=False)
    (result,) = expire(lib, ["g"], max_bytes=raw)
    assert result.bodies == 0
    lib.close()
