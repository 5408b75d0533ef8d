"""Overviews live in one stored form, the packs: a new store has no other table for them, a version-4 store
(rows, packs of rows, OVER chunks) migrates into packs giving every answer it gave, and a cold entry killed
at any moment leaves every article stored once."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nntp.models import GroupInfo, Overview
from store import packread, packs
from store.cache import Store
from store.colpack import FORMAT, rows_to_columns, to_blob
from store.library import Library
from store.schema import MIGRATIONS, SCHEMA_VERSION, current_version
from store.sync import expire
from tests.store.test_rawchunks import FMT, expected, raw_slice
from tests.store.test_sync_raw import RawServer

REPO = Path(__file__).resolve().parents[2]


def tables(db: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_a_new_store_keeps_overviews_only_in_packs(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite3")
    assert "overview_pack" in tables(store.db) and not {"overview", "overview_raw"} & tables(store.db)
    assert current_version(store.db) == SCHEMA_VERSION == 5


def row(grp: str, o: Overview) -> tuple[object, ...]:
    """A version-4 ``overview`` row."""
    return (grp, o.number, o.message_id, o.subject, o.author, int(o.date.timestamp()) if o.date else None,
            " ".join(o.references), o.bytes, o.lines, o.xref)


def renamed(data: bytes) -> bytes:
    return data.replace(b"\tsubject ", b"\tnewsubj ")


def v4_store(path: Path, damaged_pack: bool = False) -> None:
    """A store as version 4 left it: rows 1-3,000 of g (every 7th missing), a pack of their first 2,048, an
    index of rows 1-2,000 and a queued range past them, chunks of 2,981-3,500 (new subjects over the last rows:
    a re-fetch, which wins) and of group o, a body for every 10th article."""
    db = sqlite3.connect(path, isolation_level=None)
    for version in (1, 2, 3, 4):
        MIGRATIONS[version](db)
    db.execute("INSERT INTO meta VALUES ('schema', '4')")
    db.execute("INSERT INTO groups (name, low, high, count, fetched_high) VALUES ('g', 1, 3500, 3500, 3500)")
    db.execute("INSERT INTO groups (name, low, high, count, fetched_high) VALUES ('o', 1, 40, 40, 40)")
    rows = [row("g", o) for o in expected(1, 3000, gap=7)]
    db.executemany("INSERT INTO overview VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
    pack = rows_to_columns([(r[1], r[3], r[4], r[5], r[2], r[6], r[7], r[8], r[9]) for r in rows[:2048]])
    data = to_blob(pack)
    db.execute("INSERT INTO overview_pack VALUES ('g', ?, ?, 2048, ?, ?)",
               (pack.numbers[0], pack.numbers[-1], FORMAT, data[:100] if damaged_pack else data))
    db.execute("INSERT INTO search_doc (message_id, has_head) SELECT message_id, 1 FROM overview WHERE number <= 2000")
    db.execute("INSERT INTO search_fts (rowid, subject, author, body) SELECT d.id, o.subject, o.author, '' "
               "FROM search_doc d JOIN overview o ON o.message_id = d.message_id")
    db.execute("INSERT INTO search_pending VALUES ('g', 2001, 3000)")
    for grp, raw in (("g", raw_slice(2981, 3500)), ("o", raw_slice(1, 40, gap=3))):
        db.execute("INSERT INTO overview_raw VALUES (?,?,?,?,?)",
                   (grp, raw.first, raw.last, "\n".join(FMT), renamed(raw.data) if grp == "g" else raw.data))
    db.executemany("INSERT INTO bodies VALUES (?, ?, 0, 7)",
                   [(r[2], b"Subject: x\r\n\r\nbody\r\n") for r in rows if r[1] % 10 == 0])
    db.close()


def want_g() -> list[Overview]:
    newer = [o._replace(subject=o.subject.replace("subject ", "newsubj ", 1)) for o in expected(2981, 3500)]
    return [o for o in expected(1, 3000, gap=7) if o.number < 2981] + newer


def test_a_version_4_store_migrates_into_packs_with_the_same_answers(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    v4_store(path)
    library = Library(Store(path), None, offline=True)
    store = library.store
    assert current_version(store.db) == 5 and not {"overview", "overview_raw"} & tables(store.db)
    want = want_g()
    assert store.overview_store.read("g") == want and store.overview_store.read("o") == expected(1, 40, gap=3)
    assert store.overview_store.count("g") == len(want) and store.overview_store.holds("o")
    assert store.overview_store.message_id_for("g", 14) is None and store.overview_store.message_id_for("g", 15)
    assert store.overview_store.number_for("g", "<3300@raw>") == 3300
    assert store.overview_store.number_for("g", "<1999@raw>") == 1999
    assert store.overview_store.first("g", 5) == want[:5]
    hits = library.search('"subject 42 café"', group="g", limit=None)
    assert sorted(h.number for h in hits) == [o.number for o in want if o.subject == "subject 42 café"]
    assert sorted(h.number for h in library.search("newsubj", group="g", limit=None)) == list(range(2981, 3501))
    bodies = {o.message_id for o in want if o.number % 10 == 0 and o.number <= 3000}
    assert store.body_store.missing("g") == [(o.number, o.message_id) for o in want if o.message_id not in bodies]
    (expired,) = expire(library, ["g"], days=1)
    assert expired.bodies == len(bodies) and expired.bytes == 7 * len(bodies)
    assert library.enter_group("g").overviews == want  # and written back as one pack
    assert [p[1:4] for p in packread.listed(store.db, "g")] == [(1, 3500, len(want))]
    library.close()


def test_a_damaged_version_4_pack_is_made_again_from_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    v4_store(path, damaged_pack=True)
    store = Store(path)
    assert store.overview_store.read("g") == want_g() and not store.overview_store.notes
    store.close()


def test_a_version_4_store_of_an_old_pack_format_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    v4_store(path)
    db = sqlite3.connect(path)
    db.execute("UPDATE overview_pack SET fmt='marshal2/py3.11'")
    db.commit()
    db.close()
    store = Store(path)
    assert store.overview_store.read("g") == want_g()
    assert all(p[4] in (packs.FORMAT,) or p[4].startswith("over/") for p in packread.listed(store.db, "g"))
    store.close()


SLOW_ENTRY = """
import sys, time
from store.cache import Store
from store.library import Library
from tests.store.test_sync_raw import RawServer

class Slow(RawServer):
    def iter_raw_overviews(self, name, first, last):
        for raw in super().iter_raw_overviews(name, first, last):
            time.sleep(0.02)
            yield raw

Library(Store(sys.argv[1]), lambda: Slow(30000)).enter_group("g")
"""


def test_a_cold_entry_killed_anywhere_then_entered_again_holds_every_article_once(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    for seed in range(3):
        proc = subprocess.Popen([sys.executable, "-c", SLOW_ENTRY, str(path)], cwd=REPO)
        time.sleep(random.Random(seed).uniform(0.4, 1.4))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if path.exists():
            db = sqlite3.connect(path)
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            if "overview_pack" in tables(db):
                listed = packread.listed(db, "g")
                assert all(b[1] > a[2] for a, b in zip(listed, listed[1:]))  # no answer stored twice
                high = db.execute("SELECT fetched_high FROM groups WHERE name='g'").fetchone()
                assert not listed or listed[-1][2] == high[0]  # each answer committed with its mark
            db.close()
    library = Library(Store(path), lambda: RawServer(30000))
    load = library.enter_group("g")
    assert load.overviews == expected(1, 30000, gap=7)
    numbers = list(library.store.overview_store.read("g").numbers)
    assert numbers == sorted(set(numbers)) and len(numbers) == len(expected(1, 30000, gap=7))
    assert library.store.group_table.fetched_high("g") == 30000
    library.close()


def test_what_the_reader_was_handed_on_a_cold_entry_is_what_is_stored(tmp_path: Path) -> None:
    library = Library(Store(tmp_path / "s.sqlite3"), lambda: RawServer(5000))
    cold = library.enter_group("g").overviews
    assert library.store.overview_store.read("g") == cold == expected(1, 5000, gap=7)
    library.store.group_table.save([GroupInfo("g", 1, 5000, 5000)])
    library.close()


def test_lookups_of_the_group_the_reader_holds_decode_no_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opening an article by number (the reader) asks its Message-ID of the Columns the reader holds."""
    library = Library(Store(tmp_path / "s.sqlite3"), lambda: RawServer(5000))
    held = library.enter_group("g").overviews
    monkeypatch.setattr(packread, "decoded", lambda *_: pytest.fail("a pack was decoded"))
    assert library.store.overview_store.message_id_for("g", 4321) == "<4321@raw>"
    assert library.store.overview_store.number_for("g", "<4321@raw>") == 4321
    monkeypatch.undo()
    assert library.store.overview_store.message_id_for("g", 4326) is None  # 4326 = 7 * 618: never sent
    assert library.store.overview_store.message_id_for("other", 1) is None and len(held) > 4000
    library.close()
