"""Overview packs as bytes: a ``Columns`` (nntp/columns.py) kept as its raw arrays and string tables.

Every entry into a big group reads its packs back, so decoding has to cost
little more than copying bytes: each array is stored as its machine bytes
(``tobytes``, read back with ``frombytes``) and each string table as its UTF-8
blob and end offsets; no per-article object is made either way. Nothing in a
pack is code (no pickle, no marshal), and ``from_blob`` checks a CRC-32 and
every length, offset and code before it hands anything out: a damaged pack is a
``ValueError`` (the caller sets the pack aside: store/packread.py), never a wrong record or
a crash later. Byte order and item sizes are part of ``FORMAT``: a pack written
on another kind of machine is rebuilt, never misread.
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from itertools import accumulate, chain, count, repeat
from typing import TypeAlias

from nntp.columns import NO_DATE, Columns, StringTable
from store import packcheck

INTS, CODES = "q", "i"
"""The typecodes of the stored arrays: counts, numbers, offsets; codes into tables."""
FORMAT = f"columns1/{sys.byteorder}/q{array(INTS).itemsize}i{array(CODES).itemsize}+crc32"
"""The format of a pack, as recorded beside it: a pack of any other format is never read as this one."""
_MAGIC = b"PCL1"
_HEAD = struct.Struct("<4sI")
_LENGTH = struct.Struct("<Q")
_SECTIONS = 21

Buffer: TypeAlias = "bytes | memoryview | array[int]"
"""A section of a pack: bytes as read, or the array already made of them."""
Row = tuple[int, str, str, "int | None", str, str, int, int, str]
"""A version-4 ``overview`` row as store/schema_v5.py reads it: number, subject, author, date, Message-ID, refs,
bytes, lines, xref."""


# -- writing ----------------------------------------------------------------------------------------
def to_blob(columns: Columns) -> bytes:
    """``columns`` as one sealed blob (extras included, so any Columns comes back equal)."""
    views = to_pieces(columns)
    try:
        return b"".join(views)
    finally:
        release(views)


def to_pieces(columns: Columns, stop: int | None = None) -> list[memoryview]:
    """The blob of ``columns`` in pieces that view the columns' own memory, nothing copied: the checksum,
    the header, then each section. A pack is written from these through a blob handle, so a group's
    pack never sits in memory beside its columns. The caller releases them (``release``) before the
    arrays may change size. ``stop``: only the first ``stop`` articles (the whole runs of a group written
    back as its pack: the blob of ``part(columns, 0, stop)``, without slicing a copy of every array)."""
    c, n = columns, len(columns) if stop is None else stop
    refs = None if stop is None else c.ref_starts[n]
    sections = [_ints(c.numbers, n), _ints(c.stamps, n), _ints(c.sizes, n), _ints(c.lines, n),
                _codes(c.subject_codes, n), *_strings(c.subjects), _codes(c.author_codes, n), *_strings(c.authors),
                _codes(c.id_codes, n), *_table(c.ids), _ints(c.ref_starts, n + 1), _codes(c.ref_codes, refs),
                *_table(c.xrefs, n), *_extras({i: e for i, e in c.extras.items() if i < n})]
    head = _HEAD.pack(_MAGIC, len(sections)) + b"".join(_LENGTH.pack(len(s)) for s in sections)
    crc = zlib.crc32(head)
    for section in sections:
        crc = zlib.crc32(section, crc)
    return [memoryview(crc.to_bytes(4, "big")), memoryview(head), *sections]


def release(views: list[memoryview]) -> None:
    """Let go of what ``to_pieces`` gave (the arrays they view may grow again)."""
    for view in views:
        view.release()


def _view(data: bytes | array[int]) -> memoryview:
    return memoryview(data).cast("B")


def _ints(column: array[int], count: int | None = None) -> memoryview:
    """The first ``count`` items (all: None) as INTS bytes, viewed in place when they are INTS already."""
    return _head(column if column.typecode == INTS else array(INTS, column), count)


def _codes(column: array[int], count: int | None = None) -> memoryview:
    return _head(column if column.typecode == CODES else array(CODES, column), count)


def _head(column: array[int], count: int | None) -> memoryview:
    view = _view(column)
    return view if count is None or count == len(column) else view[: count * column.itemsize]


def _table(table: StringTable, count: int | None = None) -> tuple[memoryview, memoryview]:
    """A table's blob and ends; ``count``: only its first strings (of a per-article table)."""
    table.freeze()
    if count is None or count == len(table):
        return _view(table.blob), _ints(table.ends)
    return _view(table.blob)[: table.ends[count - 1] if count else 0], _ints(table.ends, count)


def _strings(values: Sequence[str]) -> tuple[memoryview, memoryview]:
    table = _encoded(values)
    return _view(table.blob), _view(table.ends)


def _encoded(values: Sequence[str]) -> StringTable:
    encoded = [v.encode("utf-8", "surrogatepass") for v in values]
    return StringTable(b"".join(encoded), array(INTS, accumulate(map(len, encoded))))


def _extras(extras: dict[int, tuple[tuple[str, str], ...]]) -> tuple[memoryview, ...]:
    """The rare extra OVERVIEW.FMT fields: article indices, pairs per article, names and values in turn."""
    at = sorted(extras)
    flat = [text for i in at for pair in extras[i] for text in pair]
    return (_view(array(INTS, at)), _view(array(INTS, [len(extras[i]) for i in at])), *_strings(flat))


def rows_to_columns(rows: Sequence[Row]) -> Columns:
    """Version-4 ``overview`` rows -> Columns without a record per row (store/schema_v5.py packs them)."""
    if not rows:
        return empty()
    numbers, subjects, authors, dates, ids, refs, sizes, lines, xrefs = zip(*rows)
    subject_table, subject_codes = _coded(subjects)
    author_table, author_codes = _coded(authors)
    split = [r.split() if r else [] for r in refs]
    id_table, codes = _coded(list(chain(ids, chain.from_iterable(split))))
    return Columns(array(INTS, numbers), array(INTS, [NO_DATE if d is None else d for d in dates]),
                   array(INTS, sizes), array(INTS, lines), subject_codes, subject_table,
                   author_codes, author_table, codes[:len(rows)],
                   _table_of(list(map(str.encode, id_table, repeat("utf-8"), repeat("surrogatepass")))),
                   array(INTS, accumulate(map(len, split), initial=0)), array(CODES, codes[len(rows):]),
                   _encoded(xrefs))


def _coded(values: Sequence[str]) -> tuple[list[str], array[int]]:
    """The distinct values in first-seen order, and each value's code into them."""
    index = dict(zip(dict.fromkeys(values), count()))
    return list(index), array(CODES, map(index.__getitem__, values))


def empty() -> Columns:
    return Columns(array(INTS), array(INTS), array(INTS), array(INTS), array(CODES), [], array(CODES), [],
                   array(CODES), StringTable(), array(INTS, [0]), array(CODES), StringTable())


# -- reading ----------------------------------------------------------------------------------------
def from_blob(data: bytes) -> Columns:
    """A blob of ``to_blob`` -> Columns; ValueError if it is damaged in any way (checked before use)."""
    view, at = memoryview(data), 0

    def read(size: int) -> memoryview:
        nonlocal at
        at += size
        return view[at - size : at]

    return from_reader(read, len(view))


def from_reader(read: Callable[[int], Buffer], size: int) -> Columns:
    """``from_blob`` reading the ``size`` bytes a piece at a time (a SQLite blob handle's ``read``): each
    array is made from its piece as it comes, so the whole blob and the columns never sit in memory
    together. Nothing is handed out before the checksum and every check passed."""
    s = _sections(read, size)
    numbers = _array(INTS, s[0])
    n = len(numbers)
    subjects, authors = _decoded(s[5], s[6]), _decoded(s[8], s[9])
    ids, xrefs = _checked_table(s[11], s[12]), _checked_table(s[15], s[16])
    columns = Columns(numbers, _sized(INTS, s[1], n), _sized(INTS, s[2], n), _sized(INTS, s[3], n),
                      _coded_by(s[4], n, len(subjects)), subjects, _coded_by(s[7], n, len(authors)), authors,
                      _coded_by(s[10], n, len(ids)), ids, _sized(INTS, s[13], n + 1), _array(CODES, s[14]), xrefs,
                      _read_extras(s[17], s[18], s[19], s[20], n))
    _check_references(columns)
    if len(xrefs) != n:
        raise ValueError("damaged overview pack: Xref count")
    return columns


_ARRAYS = {0: INTS, 1: INTS, 2: INTS, 3: INTS, 4: CODES, 6: INTS, 7: CODES, 9: INTS, 10: CODES, 12: INTS,
           13: INTS, 14: CODES, 16: INTS, 17: INTS, 18: INTS, 20: INTS}
"""The sections that are arrays, by position, and their typecodes (the others are UTF-8 blobs)."""


def _sections(read: Callable[[int], Buffer], size: int) -> list[Buffer]:
    """The sections of a blob, checked against its length and CRC-32 (arrays made as they are read)."""
    seal, head = read(4), read(_HEAD.size)
    if len(seal) != 4 or len(head) != _HEAD.size:
        raise ValueError("damaged overview pack: truncated")
    magic, count = _HEAD.unpack(head)
    if magic != _MAGIC or count != _SECTIONS:
        raise ValueError("damaged overview pack: header")
    table = read(count * _LENGTH.size)
    if len(table) != count * _LENGTH.size:
        raise ValueError("damaged overview pack: truncated")
    lengths = [length for (length,) in _LENGTH.iter_unpack(table)]
    if 4 + len(head) + len(table) + sum(lengths) != size:
        raise ValueError("damaged overview pack: section lengths")
    crc, out = zlib.crc32(table, zlib.crc32(head)), list[Buffer]()
    for k, length in enumerate(lengths):
        if k in _ARRAYS:
            column, crc = _read_array(read, _ARRAYS[k], length, crc)
            out.append(column)
        else:
            out.append(data := read(length))
            crc = zlib.crc32(data, crc)
    if crc != int.from_bytes(seal, "big"):
        raise ValueError("damaged overview pack: checksum")
    return out


PIECE = 1 << 20
"""Bytes of an array section read at a time: its bytes and the array made of them never sit in memory whole
together (local.big's Message-ID offsets: 2.8 MB more at the peak of an entry)."""


def _read_array(read: Callable[[int], Buffer], typecode: str, length: int, crc: int) -> tuple[array[int], int]:
    """An array section of ``length`` bytes read ``PIECE`` bytes at a time into an array of its exact size,
    and the CRC-32 carried on over it."""
    out = array(typecode)
    if length % out.itemsize:
        raise ValueError("damaged overview pack: array length")
    out = array(typecode, [0]) * (length // out.itemsize)
    with memoryview(out).cast("B") as view:
        for at in range(0, length, PIECE):
            piece = read(min(PIECE, length - at))
            if len(piece) != min(PIECE, length - at):
                raise ValueError("damaged overview pack: truncated")
            view[at : at + len(piece)] = piece
            crc = zlib.crc32(piece, crc)
    return out, crc


def _array(typecode: str, data: Buffer) -> array[int]:
    if isinstance(data, array):
        return data
    out = array(typecode)
    if len(data) % out.itemsize:
        raise ValueError("damaged overview pack: array length")
    out.frombytes(data)
    return out


def _sized(typecode: str, data: Buffer, count: int) -> array[int]:
    out = _array(typecode, data)
    if len(out) != count:
        raise ValueError("damaged overview pack: column length")
    return out


def _coded_by(data: Buffer, count: int, distinct: int) -> array[int]:
    """A column of codes into a table of ``distinct`` entries, every code checked."""
    codes = _sized(CODES, data, count)
    if not packcheck.codes_within(codes, distinct):
        raise ValueError("damaged overview pack: code out of range")
    return codes


def _offsets_checked(data: Buffer, ends_data: Buffer) -> StringTable:
    """A string table whose offsets rise and end at the blob's end (what is inside is not looked at)."""
    blob, ends = bytes(data), _array(INTS, ends_data)
    if (ends[-1] if ends else 0) != len(blob) or not packcheck.offsets_rise(ends, 0, len(blob)):
        raise ValueError("damaged overview pack: string offsets")
    return StringTable(blob, ends)


def _checked_table(data: Buffer, ends_data: Buffer) -> StringTable:
    """A string table whose offsets rise, end at the blob's end and never cut a UTF-8 sequence; checked in
    place (store/packcheck.py), never as a list of offsets or one str of the whole blob."""
    table = _offsets_checked(data, ends_data)
    if not packcheck.cuts_whole(table.blob, table.ends):
        raise ValueError("damaged overview pack: string offsets")
    if not packcheck.utf8(table.blob):
        raise ValueError("damaged overview pack: text")
    return table


def _decoded(blob: Buffer, ends: Buffer) -> list[str]:
    """A table of distinct strings, decoded (subjects, authors: what records are made of); each string's
    own decoding is the UTF-8 check (every string whole is the blob whole)."""
    try:
        return _texts(_offsets_checked(blob, ends))
    except UnicodeDecodeError:
        raise ValueError("damaged overview pack: text") from None


def pieces(table: StringTable) -> list[bytes]:
    """A table's strings as UTF-8 bytes, split at C speed (what joining compares: nothing decoded)."""
    table.freeze()
    ends = table.ends
    return list(map(table.blob.__getitem__, map(slice, chain((0,), ends), ends)))


def _texts(table: StringTable) -> list[str]:
    """Each string decoded straight from its slice (no list of the slices beside the strings)."""
    ends = table.ends
    slices = map(table.blob.__getitem__, map(slice, chain((0,), ends), ends))
    return list(map(bytes.decode, slices, repeat("utf-8"), repeat("surrogatepass")))


def _check_references(c: Columns) -> None:
    starts, codes = c.ref_starts, c.ref_codes
    if starts[0] != 0 or starts[-1] != len(codes) or not packcheck.offsets_rise(starts, 0, len(codes)):
        raise ValueError("damaged overview pack: References offsets")
    if not packcheck.codes_within(codes, len(c.ids)):
        raise ValueError("damaged overview pack: code out of range")


def _read_extras(at_data: Buffer, sizes_data: Buffer, blob: Buffer, ends: Buffer,
                 count: int) -> dict[int, tuple[tuple[str, str], ...]]:
    at, sizes = _array(INTS, at_data), _array(INTS, sizes_data)
    texts = _checked_table(blob, ends).strings()
    if len(at) != len(sizes) or (at and (at[0] < 0 or at[-1] >= count)) or at.tolist() != sorted(set(at)):
        raise ValueError("damaged overview pack: extras")
    if (sizes and min(sizes) < 1) or 2 * sum(sizes) != len(texts):
        raise ValueError("damaged overview pack: extras")
    pairs = list(zip(texts[::2], texts[1::2]))
    starts = list(accumulate(sizes, initial=0))
    return {i: tuple(pairs[a:b]) for i, a, b in zip(at, starts, starts[1:])}


def _table_of(items: list[bytes]) -> StringTable:
    return StringTable(b"".join(items), array(INTS, accumulate(map(len, items))))
