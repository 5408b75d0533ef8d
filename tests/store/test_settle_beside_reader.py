"""Settling a group's chunks runs beside a reader that holds the group: it must never read the whole group.

Making a group's several packs one means decoding and joining every article of
it: local.big's cold reader peaked 56 MB higher while settling did that. The
next entry reads the packs anyway and writes back the one pack it joined.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.models import GroupInfo
from store import packs
from store.cache import Store
from tests.store.test_rawchunks import expected, raw_slice


def test_settling_packs_what_it_settled_without_reading_the_group(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(tmp_path / "s.sqlite3")
    last = 3 * packs.PACK_ROWS + 500
    store.group_table.save([GroupInfo("g", 1, last, last)])
    for first in range(1, last + 1, 3000):
        store.overview_store.save_raw("g", raw_slice(first, min(first + 2999, last)))

    def whole_group(*_args: object) -> None:
        raise AssertionError("settling read the whole group")

    monkeypatch.setattr(packs, "overviews", whole_group)
    assert store.overview_store.settle("g") == 0
    counted = store.db.execute("SELECT COUNT(*), SUM(count), MAX(last) FROM overview_pack WHERE grp='g'").fetchone()
    assert counted[0] >= 1 and counted[1] == counted[2] == 3 * packs.PACK_ROWS
    monkeypatch.undo()
    assert store.overview_store.all("g") == expected(1, last)
    assert store.db.execute("SELECT COUNT(*) FROM overview_pack WHERE grp='g'").fetchone()[0] == 1
