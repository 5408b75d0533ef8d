"""A pack's first articles read in part (store/colprefix.py): the same as the whole decode cut at ``count``,
reading little of a big pack, and damage a ValueError (never a crash) though no CRC is checked."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.columns import Columns, from_records
from nntp.models import Overview
from store.coljoin import part
from store.colpack import empty, from_blob, to_blob
from store.colprefix import prefix_from_reader
from tests.fakes.source import make_overview
from tests.store.test_colpack import DAMAGES, overviews, resealed_with, sample, sealed


class Reader:
    """``read_at`` over bytes, counting what was read."""

    def __init__(self, data: bytes) -> None:
        self.data, self.read = data, 0

    def __call__(self, at: int, size: int) -> bytes:
        self.read += size
        return self.data[at : at + size]


def prefix(blob: bytes, count: int) -> Columns:
    return prefix_from_reader(Reader(blob), len(blob), count)


def same(got: Columns, whole: Columns, count: int) -> None:
    """``got`` is ``part(whole, 0, count)``: records, arrays and codes (its tables a prefix of the whole's)."""
    want = part(whole, 0, min(count, len(whole)))
    assert list(got) == list(want)
    for name in ("numbers", "stamps", "sizes", "lines", "subject_codes", "author_codes", "id_codes", "ref_starts",
                 "ref_codes", "extras"):
        assert getattr(got, name) == getattr(want, name), name
    assert (got.xrefs.blob, got.xrefs.ends) == (want.xrefs.blob, want.xrefs.ends)
    assert got.subjects == whole.subjects[: len(got.subjects)] and got.authors == whole.authors[: len(got.authors)]
    assert got.ids.strings() == whole.ids.strings()[: len(got.ids)]


@settings(max_examples=80, deadline=None)
@given(overviews(), st.integers(0, 30))
def test_a_prefix_is_the_whole_decode_cut_at_count(records: list[Overview], count: int) -> None:
    blob = to_blob(from_records(records))
    same(prefix(blob, count), from_blob(blob), count)


@pytest.mark.parametrize("count", [0, 1, 4, 6, 11, 12, 1000])
def test_edge_counts_on_replies_extras_and_odd_text(count: int) -> None:
    blob = to_blob(from_records(sample()))
    same(prefix(blob, count), from_blob(blob), count)


def test_count_zero_and_an_empty_pack() -> None:
    got = prefix(to_blob(from_records(sample())), 0)
    assert len(got) == 0 and list(got.ref_starts) == [0] and not got.subjects and not len(got.ids)
    for count in (0, 5):
        assert list(prefix(to_blob(empty()), count)) == []


def test_references_to_ids_first_seen_later_come_with_the_prefix() -> None:
    records = [make_overview(n)._replace(references=(f"<{n + 3}@fake>", "<never@x>")) for n in range(1, 8)]
    got = prefix(to_blob(from_records(records)), 2)
    assert list(got) == list(from_records(records))[:2]
    assert got.references(0) == ("<4@fake>", "<never@x>")


def test_extras_past_the_prefix_are_left_out() -> None:
    records = [make_overview(n)._replace(extra=(("X-N", str(n)),) if n % 2 else ()) for n in range(1, 10_000)]
    blob = to_blob(from_records(records))
    got = prefix(blob, 6)
    assert got.extras == {0: (("X-N", "1"),), 2: (("X-N", "3"),), 4: (("X-N", "5"),)}


def test_a_few_articles_of_a_big_pack_read_little_of_it() -> None:
    records = [make_overview(n, n - 1 if n % 5 else None) for n in range(1, 20_001)]
    blob = to_blob(from_records(records))
    reader = Reader(blob)
    got = prefix_from_reader(reader, len(blob), 100)
    assert [o.number for o in got] == list(range(1, 101)) and list(got) == records[:100]
    assert reader.read < len(blob) // 50


@pytest.mark.parametrize("section, data", DAMAGES)
def test_damage_the_whole_decode_catches_past_its_checksum_is_caught_in_a_prefix(section: int, data: bytes) -> None:
    blob = resealed_with(to_blob(from_records(sample())), section, data)
    with pytest.raises(ValueError):
        prefix(blob, 11)


def test_an_end_inside_a_utf8_sequence_is_caught() -> None:
    columns = from_records([make_overview(1)._replace(subject="\u00e9\u00e9"), make_overview(2)])
    blob = resealed_with(to_blob(columns), 6, struct.pack("=q", 3) + struct.pack("=q", 4))
    with pytest.raises(ValueError):
        prefix(blob, 1)


def test_every_truncated_or_flipped_pack_is_a_value_error_or_readable_records() -> None:
    blob = to_blob(from_records(sample()))
    for cut in range(0, len(blob), 3):
        with pytest.raises(ValueError):
            prefix_from_reader(Reader(blob[:cut]), len(blob), 6)  # the pack ends before its length
        with pytest.raises(ValueError):
            prefix(blob[:cut], 6)
    for at in range(len(blob)):
        damaged = bytearray(blob)
        damaged[at] ^= 0x41
        readable(bytes(damaged), 6)


def readable(blob: bytes, count: int) -> None:
    try:
        got = prefix(blob, count)
    except ValueError:
        return
    assert len(got) <= count
    list(got)  # whatever passed the checks reads back without error


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=300), st.integers(0, 12))
def test_any_sealed_bytes_are_a_prefix_or_a_value_error(body: bytes, count: int) -> None:
    readable(sealed(b"PCL1" + struct.pack("<I", 21) + body), count)


def test_references_offsets_that_end_short_of_their_codes_are_caught() -> None:
    columns = from_records(sample())
    starts = columns.ref_starts[:]
    starts[-1] -= 1
    with pytest.raises(ValueError):
        prefix(resealed_with(to_blob(columns), 13, starts.tobytes()), 2)
