"""Schema migrations (a version-1 store opens, keeps its data and gains the index) and overview packs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.models import GroupInfo, Overview
from nntp.columns import from_records
from store import packread, packs
from store.colpack import from_blob, rows_to_columns, to_blob
from store.cache import Store
from store.schema import _V1, SCHEMA_VERSION, current_version
from tests.fakes.source import make_overview


def v1_store(path: Path) -> None:
    """A store as the first pith wrote it: version-1 tables, an overview row and a body."""
    db = sqlite3.connect(path)
    db.executescript(_V1 + ";")
    db.execute("INSERT INTO meta VALUES ('schema', '1')")
    db.execute("INSERT INTO groups VALUES ('g', 1, 1, 1, 'y', '', 1)")
    db.execute("INSERT INTO overview VALUES ('g', 1, '<1@x>', 'old subject', 'Ann', 0, '', 10, 1, '')")
    db.execute("INSERT INTO bodies VALUES ('<1@x>', ?, 0)", (b"Subject: old subject\n\nremembered words\n",))
    db.commit()
    db.close()


def test_pending_header_ranges_are_indexed_before_a_search_answers(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.overview_store.save("g", [make_overview(i) for i in range(1, 301)], 300)
    assert store.db.execute("SELECT COUNT(*) FROM search_doc").fetchone() == (0,)
    assert len(store.search_index.search("topic", limit=None)) == 300
    assert store.db.execute("SELECT COUNT(*) FROM search_pending").fetchone() == (0,)
    store.overview_store.save("g", [make_overview(i) for i in range(301, 311)], 310)
    assert store.search_index.catch_up(ranges=1) == 0 and store.search_index.catch_up() == 0


def test_a_version_1_store_migrates_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    v1_store(path)
    store = Store(path)
    assert current_version(store.db) == SCHEMA_VERSION
    assert store.group_table.fetched_high("g") == 1 and store.body_store.get("<1@x>")
    assert [h.number for h in store.search_index.search("remembered")] == [1]
    assert [h.number for h in store.search_index.search("subject:old")] == [1]
    assert store.db.execute("SELECT size FROM bodies").fetchone() == (len(store.body_store.get("<1@x>") or b""),)
    store.close()
    assert current_version(Store(path).db) == SCHEMA_VERSION  # opening again migrates nothing


def test_a_failed_migration_leaves_the_old_schema(tmp_path: Path) -> None:
    from store import schema

    path = tmp_path / "old.sqlite3"
    v1_store(path)

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut")

    mp = pytest.MonkeyPatch()
    mp.setitem(schema.MIGRATIONS, 2, broken)
    with pytest.raises(RuntimeError):
        Store(path)
    mp.undo()
    db = sqlite3.connect(path)
    assert current_version(db) == 1
    assert not db.execute("SELECT 1 FROM sqlite_master WHERE name='half_done'").fetchone()
    db.close()
    assert current_version(Store(path).db) == SCHEMA_VERSION


def test_many_batches_go_through_packs_and_read_back_identically(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    store.group_table.save([GroupInfo("g", 1, 10_000, 10_000)])
    arts = [make_overview(i, parent=i - 1 if i % 3 else None)._replace(xref=f"h g:{i}") for i in range(1, 10_001)]
    for start in range(0, 10_000, 700):
        store.overview_store.save("g", arts[start : start + 700], min(start + 700, 10_000))
    assert len(packread.listed(store.db, "g")) == 15  # a pack a batch...
    assert store.overview_store.all("g") == arts
    assert [p[1:4] for p in packread.listed(store.db, "g")] == [(1, 10_000, 10_000)]  # ...one once read
    assert store.overview_store.all("g") == arts
    store.overview_store.save("g", [arts[5]._replace(subject="changed")], 10_000)  # a stored article changes
    assert [p[1:4] for p in packread.listed(store.db, "g")] == [(1, 10_000, 10_000)]  # folded into its pack
    assert store.overview_store.all("g")[5].subject == "changed"
    assert store.overview_store.count("g") == 10_000


def test_packs_from_another_machine_are_set_aside_not_read(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    arts = [make_overview(i) for i in range(1, 4107)]
    store.overview_store.save("g", arts, len(arts))
    store.db.execute("UPDATE overview_pack SET fmt='marshal9/py9.9', data=x'00'")
    assert store.overview_store.all("g") == [] and "cannot be read" in store.overview_store.notes[0]
    assert store.db.execute(f"SELECT fmt FROM {packs.QUARANTINE_TABLE}").fetchall() == [("marshal9/py9.9",)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9000), st.integers(1, 400)), min_size=1, max_size=12))
def test_packed_reads_equal_the_articles_last_stored(batches: list[tuple[int, int]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.sqlite3")
        latest: dict[int, Overview] = {}
        for first, size in batches:
            batch = [make_overview(n)._replace(subject=f"s{n}.{first}") for n in range(first, first + size)]
            store.overview_store.save("g", batch, first + size)
            latest.update((o.number, o) for o in batch)
        expected = [latest[n] for n in sorted(latest)]
        assert store.overview_store.all("g") == expected  # several packs, compacted on the way out
        assert store.overview_store.all("g") == expected  # one pack
        listed = packread.listed(store.db, "g")
        assert all(b[1] > a[2] for a, b in zip(listed, listed[1:]))
        store.close()


def test_reading_on_a_helper_thread_while_new_rows_arrive(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    arts = [make_overview(i) for i in range(1, 9001)]
    store.overview_store.save("g", arts, 9000)
    store.overview_store.all("g")  # packs
    finish = store.overview_store.meanwhile("g")
    store.overview_store.save("g", [make_overview(i) for i in range(9001, 9101)], 9100)
    assert finish() == [make_overview(i) for i in range(1, 9101)] == store.overview_store.all("g")


def test_a_decoded_pack_holds_each_repeated_string_once() -> None:
    """Authors, repeated subjects and Message-IDs that replies reference are one table entry each, and
    every article that has them holds the same code (a pack is columns: store/colpack.py)."""
    records = [r._replace(bytes=4321, lines=1234) for r in
               (make_overview(1), make_overview(2, 1), make_overview(3, 1), make_overview(4))]
    for encoded in (to_blob(from_records(records)),
                    to_blob(rows_to_columns([(r.number, r.subject, r.author, int(r.date.timestamp()), r.message_id,
                                              " ".join(r.references), r.bytes, r.lines, r.xref) for r in records]))):
        decoded = from_blob(encoded)
        assert decoded == records
        assert decoded.reference_codes(1)[0] == decoded.id_codes[0] == decoded.reference_codes(2)[0]
        assert decoded.subject_codes[1] == decoded.subject_codes[2]  # both "Re: topic 1"
        assert decoded.author_codes[0] == decoded.author_codes[3]  # user1@fake
        assert len(decoded.ids) == 4 and sorted(decoded.subjects) == ["Re: topic 1", "topic 1", "topic 4"]
        assert sorted(decoded.authors) == ["user0@fake", "user1@fake", "user2@fake"]
