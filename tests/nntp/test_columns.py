"""Columns give back exactly the records they were filled from, in every shape a stranger's overview takes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.columns import NO_DATE, Columns, StringTable, as_columns, concat, from_records
from nntp.models import Overview

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["\udcff lone surrogate", "\x1b[31mred", "", "Re: same", "Re: same"])
_IDS = st.sampled_from([f"<{i}@x>" for i in range(6)]) | st.text(max_size=8)
_DATES = st.none() | st.integers(-2**31, 2**33).map(
    lambda s: datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=s))


@st.composite
def overviews(draw: st.DrawFn) -> Overview:
    extra = draw(st.lists(st.tuples(st.sampled_from(["In-Reply-To", "X-Other"]), _TEXT), max_size=2))
    return Overview(draw(st.integers(0, 2**40)), draw(_TEXT), draw(_TEXT), draw(_DATES), draw(_IDS),
                    tuple(draw(st.lists(_IDS, max_size=5))), draw(st.integers(0, 2**40)),
                    draw(st.integers(0, 2**31)), draw(_TEXT), tuple(extra))


_RECORDS = st.lists(overviews(), max_size=25)


@settings(max_examples=150, deadline=None)
@given(_RECORDS)
def test_round_trip_gives_every_field_back(records: list[Overview]) -> None:
    columns = from_records(records)
    assert len(columns) == len(records)
    assert list(columns) == records
    assert [columns[i] for i in range(-len(records), 0)] == records


@settings(max_examples=100, deadline=None)
@given(_RECORDS, st.data())
def test_take_slices_and_concat_agree_with_lists(records: list[Overview], data: st.DataObject) -> None:
    columns = from_records(records)
    picked = data.draw(st.lists(st.integers(0, max(0, len(records) - 1)), max_size=10)) if records else []
    assert list(columns.take(picked)) == [records[i] for i in picked]
    cut = data.draw(st.integers(0, len(records)))
    assert list(columns[cut:]) == records[cut:]
    assert list(concat([columns[:cut], from_records(records[cut:])])) == records


@settings(max_examples=60, deadline=None)
@given(_RECORDS)
def test_bulk_columns_match_the_records(records: list[Overview]) -> None:
    columns = from_records(records)
    assert columns.subject_column() == [r.subject for r in records]
    assert columns.author_column() == [r.author for r in records]
    assert columns.message_id_column() == [r.message_id for r in records]
    assert columns.references_column() == [r.references for r in records]
    assert columns.date_column() == [r.date for r in records]
    assert [columns.number(i) for i in range(len(records))] == [r.number for r in records]


def test_references_share_the_message_id_code_space() -> None:
    """Threading works on integers: a reference to an article present has that article's own code."""
    first = Overview(1, "s", "a", None, "<root@x>", ())
    reply = Overview(2, "Re: s", "b", None, "<reply@x>", ("<root@x>",))
    columns = from_records([first, reply])
    assert list(columns.reference_codes(1)) == [columns.id_codes[0]]
    assert columns.stamps[0] == NO_DATE and columns.date(0) is None


def test_equal_values_are_stored_once() -> None:
    records = [Overview(n, "Same subject", "Same <a@b>", None, f"<{n}@x>", ()) for n in range(1, 1001)]
    columns = from_records(records)
    assert columns.subjects == ["Same subject"] and columns.authors == ["Same <a@b>"]
    assert len(columns.ids) == 1000


def test_string_table_keeps_what_is_not_utf8() -> None:
    table = StringTable()
    codes = [table.code(s) for s in ("plain", "\udcff", "plain", "\x00nul")]
    table.freeze()
    assert codes == [0, 1, 0, 2]
    assert [table[c] for c in codes] == ["plain", "\udcff", "plain", "\x00nul"]
    assert table.find("\udcff") == 1 and table.find("absent") is None


def test_as_columns_keeps_columns_and_converts_lists() -> None:
    records = [Overview(1, "s", "a", None, "<1@x>", ())]
    columns = from_records(records)
    assert as_columns(columns) is columns
    assert isinstance(as_columns(records), Columns) and list(as_columns(records)) == records


def test_an_index_past_the_end_is_an_index_error() -> None:
    columns = from_records([Overview(1, "s", "a", None, "<1@x>", ())])
    for bad in (1, -2):
        try:
            columns[bad]
        except IndexError:
            continue
        raise AssertionError(f"columns[{bad}] did not raise")
