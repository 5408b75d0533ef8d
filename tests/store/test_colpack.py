"""Packs as columns (store/colpack.py): every article comes back equal, and damage is a ValueError, never a
wrong record, a crash or code run."""

from __future__ import annotations

import sqlite3
import struct
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nntp.columns import Columns, concat, from_records
from nntp.models import Overview
from store import colpack
from store.coljoin import join, part
from store.colpack import from_blob, from_reader, rows_to_columns, to_blob
from tests.fakes.source import make_overview

T0 = datetime(2024, 1, 2, tzinfo=timezone.utc)


def sample() -> list[Overview]:
    """Replies, a missing date, surrogates and non-ASCII, extra fields, Xref, huge counts."""
    out = [make_overview(n, n - 1 if n % 3 else None)._replace(xref=f"h g:{n}") for n in range(1, 12)]
    out[3] = out[3]._replace(date=None, subject="caf\u00e9 \udcff", author="\u4e2d <z@x>")
    out[5] = out[5]._replace(extra=(("X-Extra", "one"), ("X-Two", "")), bytes=2**62, lines=0)
    out[7] = out[7]._replace(references=("<gone@x>", "<1@fake>", "<gone@x>"))
    return out


def sealed(body: bytes) -> bytes:
    return zlib.crc32(body).to_bytes(4, "big") + body


def test_a_pack_gives_back_every_field() -> None:
    records = sample()
    decoded = from_blob(to_blob(from_records(records)))
    assert list(decoded) == records and isinstance(decoded, Columns)
    assert decoded.extras == {5: (("X-Extra", "one"), ("X-Two", ""))}


def test_an_empty_pack_round_trips() -> None:
    assert list(from_blob(to_blob(from_records([])))) == []


def test_rows_make_the_same_columns_as_their_records() -> None:
    records = [r._replace(extra=()) for r in sample()]
    rows = [(r.number, r.subject, r.author, int(r.date.timestamp()) if r.date else None, r.message_id,
             " ".join(r.references), r.bytes, r.lines, r.xref) for r in records]
    assert list(rows_to_columns(rows)) == records
    assert list(from_blob(to_blob(rows_to_columns(rows)))) == records


def test_join_agrees_with_concat_and_keeps_one_code_space() -> None:
    records = sample()
    parts = [from_records(records[:4]), from_records(records[4:5]), from_records(records[5:])]
    joined = join(parts)
    assert list(joined) == list(concat(parts)) == records
    assert joined.extras == {5: (("X-Extra", "one"), ("X-Two", ""))}
    assert joined.reference_codes(7)[1] == joined.id_codes[0]  # <1@fake>, referenced from another part
    assert len(joined.ids) == len(set(joined.ids.strings()))
    assert join([parts[0]]) is parts[0] and list(join([])) == []


def test_a_part_is_a_slice() -> None:
    columns = from_records(sample())
    assert list(part(columns, 2, 9)) == sample()[2:9]
    assert list(from_blob(to_blob(part(columns, 4, 11)))) == sample()[4:11]


def test_every_damaged_or_truncated_blob_is_a_value_error() -> None:
    blob = to_blob(from_records(sample()))
    for cut in range(0, len(blob), 7):
        with pytest.raises(ValueError):
            from_blob(blob[:cut])
    for at in range(0, len(blob), 5):
        damaged = bytearray(blob)
        damaged[at] ^= 0x41
        with pytest.raises(ValueError):
            from_blob(bytes(damaged))


def resealed_with(blob: bytes, section: int, data: bytes) -> bytes:
    """``blob`` with one section replaced and the CRC made to match: damage a checksum cannot see."""
    body = blob[4:]
    count = struct.unpack_from("<I", body, 4)[0]
    lengths = [struct.unpack_from("<Q", body, 8 + 8 * k)[0] for k in range(count)]
    start = 8 + 8 * count
    sections, at = [], start
    for length in lengths:
        sections.append(body[at : at + length])
        at += length
    sections[section] = data
    head = body[:8] + b"".join(struct.pack("<Q", len(s)) for s in sections)
    return sealed(head + b"".join(sections))


DAMAGES = [
    (4, (b"\x7f\x00\x00\x00" * 11)),  # a Subject code past the table
    (10, struct.pack("=i", -1) * 11),  # a negative Message-ID code
    (0, b"\x00" * 80),  # ten numbers for eleven articles
    (6, struct.pack("=q", 10 ** 6) * 3),  # string ends past the blob
    (12, b"\x00" * 8 * 11),  # Message-IDs all empty but the blob is not: offsets do not reach its end
    (13, struct.pack("=q", 1) * 12),  # References offsets that do not start at 0
    (14, struct.pack("=i", 999) * 9),  # a References code past the table
    (5, b"\xff\xfe"),  # Subject bytes that are not UTF-8 (with their offsets now wrong too)
    (17, struct.pack("=q", 99)),  # extras for an article that does not exist
    (1, b"\x00" * 7),  # a column that is not whole items
]
"""Sections rewritten (and the pack sealed again) in ways only the structural checks catch."""


@pytest.mark.parametrize("section, data", DAMAGES)
def test_damage_behind_a_matching_checksum_is_still_caught(section: int, data: bytes) -> None:
    blob = to_blob(from_records(sample()))
    with pytest.raises(ValueError):
        from_blob(resealed_with(blob, section, data))


def test_an_end_inside_a_utf8_sequence_is_caught() -> None:
    columns = from_records([make_overview(1)._replace(subject="\u00e9\u00e9")])
    blob = to_blob(columns)
    with pytest.raises(ValueError):
        from_blob(resealed_with(blob, 6, struct.pack("=q", 3)))  # cuts the second é in half


def test_the_format_names_byte_order_and_item_sizes() -> None:
    assert colpack.FORMAT.startswith("columns1/") and ("little" in colpack.FORMAT or "big" in colpack.FORMAT)
    assert "q8" in colpack.FORMAT and "crc32" in colpack.FORMAT


texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("\udcff\ud800"),
                max_size=12)


@st.composite
def overviews(draw: st.DrawFn) -> list[Overview]:
    count = draw(st.integers(0, 25))
    ids = [f"<{draw(texts)}{n}@x>" for n in range(count)]
    out = []
    for n in range(count):
        refs = tuple(draw(st.lists(st.sampled_from(ids + ["<other@x>"]), max_size=3)))
        date = draw(st.none() | st.integers(-10**9, 10**10).map(lambda s: T0 + timedelta(seconds=s)))
        out.append(Overview(n + 1, draw(texts), draw(texts), date, ids[n], refs, draw(st.integers(0, 2**63 - 1)),
                            draw(st.integers(0, 10**6)), draw(texts),
                            draw(st.just(()) | st.tuples(st.tuples(texts, texts)))))
    return out


@settings(max_examples=60, deadline=None)
@given(overviews(), st.integers(0, 25))
def test_round_trip_and_join_on_any_articles(records: list[Overview], cut: int) -> None:
    expected = list(from_records(records))  # dates to whole seconds, as the store keeps them
    assert list(from_blob(to_blob(from_records(records)))) == expected
    assert list(join([from_records(records[:cut]), from_records(records[cut:])])) == expected


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_any_sealed_bytes_are_columns_or_a_value_error(body: bytes) -> None:
    try:
        columns = from_blob(sealed(b"PCL1" + struct.pack("<I", 21) + body))
    except ValueError:
        return
    list(columns)  # whatever passed the checks reads back without error


def test_join_adopting_the_first_part_extends_its_arrays_and_leaves_the_others() -> None:
    records = sample()
    first, second = from_records(records[:6]), from_records(records[6:])
    numbers, later = first.numbers, list(second.numbers)
    joined = join([first, second], adopt=True)
    assert list(joined) == records and joined.numbers is numbers
    assert list(second.numbers) == later and list(second) == records[6:]


def test_a_pack_read_through_a_blob_handle_equals_one_read_whole(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "b.sqlite3")
    db.execute("CREATE TABLE t (data BLOB)")
    blob = to_blob(from_records(sample()))
    db.execute("INSERT INTO t VALUES (?), (?)", (blob, blob[:-1] + bytes([blob[-1] ^ 1])))
    with db.blobopen("t", "data", 1) as handle:
        assert list(from_reader(handle.read, len(handle))) == sample()
    with db.blobopen("t", "data", 2) as handle, pytest.raises(ValueError):
        from_reader(handle.read, len(handle))
