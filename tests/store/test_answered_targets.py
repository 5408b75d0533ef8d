"""A sync of a group with nothing stored yet asks for the bodies the answers it just stored hold (store/sync.py
_answered_targets), exactly what reading them back from the store gives (body_targets); answers that are not
plain enough, or a group that already had overviews, go the long way."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.models import GroupInfo, RawOverviews
from store.cache import Store
from store.library import Library
from store.sync import _answered_targets, _new_group, body_targets
from tests.store.test_rawchunks import FMT, raw_slice


def stored(path: Path, answers: list[RawOverviews]) -> Library:
    store = Store(path)
    store.group_table.save([GroupInfo("g", 1, 3000, 3000)])
    for raw in answers:
        store.overview_store.save_raw("g", raw)
    return Library(store, lambda: None)  # type: ignore[arg-type, return-value]


@pytest.mark.parametrize("read", [None, set(range(1, 3001, 5))])
def test_the_answers_give_the_targets_reading_the_store_gives(tmp_path: Path, read: set[int] | None) -> None:
    answers = [raw_slice(1, 1000), raw_slice(1001, 2500, gap=7), raw_slice(2501, 3000)]
    library = stored(tmp_path / "s.sqlite3", answers)
    library.store.body_store.save_many([(f"<{n}@raw>", b"x\r\n", "") for n in range(3, 3001, 4)])  # crossposts
    fast = _answered_targets(library, answers, read)
    assert fast is not None and fast == body_targets(library, "g", None, read)
    assert len(fast) < 3000 and (3, "<3@raw>") not in fast
    library.close()


def test_answers_that_are_not_plain_records_are_left_to_the_store(tmp_path: Path) -> None:
    odd = RawOverviews(1, 2, b"1\ts\ta\td\t<a\x01@x>\t\t1\t2\tx\r\n2\ts\ta\td\t<b@x>\t\t1\t2\tx\r\n", FMT)
    beyond = RawOverviews(1, 1, raw_slice(1, 2).data, FMT)  # a record past the span asked
    library = stored(tmp_path / "s.sqlite3", [odd])
    assert _answered_targets(library, [odd], None) is None and _answered_targets(library, [beyond], None) is None
    assert _answered_targets(library, [], None) is None and _answered_targets(library, None, None) is None
    library.close()


def test_only_a_group_with_nothing_stored_is_new(tmp_path: Path) -> None:
    library = stored(tmp_path / "s.sqlite3", [raw_slice(1, 10)])
    assert not _new_group(library, "g") and _new_group(library, "other")
    library.close()
