"""Joining Columns at C speed: a group is its big pack plus the few packs stored past it.

``nntp.columns.concat`` renumbers every Message-ID of every part through a
Python call; entering local.big would pay that for 150,000 IDs to add a few
hundred. Here the first part (the pack: nearly the whole group) keeps its tables
and codes, its arrays and tables are extended in place when the caller hands it
over (its Message-ID and Xref blobs grown by realloc, never copied beside
themselves), and only the later parts are looked up in it, with Message-IDs
compared as the UTF-8 bytes they are stored as. Parts with nothing in them (the
empty Columns of a group that has nothing stored yet) are left out.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Sequence
from functools import cache
from itertools import accumulate, chain, compress, count
from typing import TypeVar

from nntp.columns import Columns, StringTable
from store import packcheck
from store.colpack import CODES, INTS, empty, pieces

T = TypeVar("T", bound=Hashable)


def part(columns: Columns, start: int, stop: int) -> Columns:
    """Articles ``start`` to ``stop`` (a whole run) by slicing arrays: no index list as ``Columns.take``
    makes. The tables are shared as they are (a pack of it holds them whole)."""
    c, refs = columns, columns.ref_starts[start : stop + 1]
    xref_start = c.xrefs.ends[start - 1] if start else 0
    xrefs = StringTable(c.xrefs.blob[xref_start : c.xrefs.ends[stop - 1]] if stop > start else b"",
                        _shifted(c.xrefs.ends[start:stop], -xref_start))
    extras = {i - start: e for i, e in c.extras.items() if start <= i < stop}
    return Columns(c.numbers[start:stop], c.stamps[start:stop], c.sizes[start:stop], c.lines[start:stop],
                   c.subject_codes[start:stop], c.subjects, c.author_codes[start:stop], c.authors,
                   c.id_codes[start:stop], c.ids, _shifted(refs, -refs[0]), c.ref_codes[refs[0] : refs[-1]],
                   xrefs, extras)


def join(parts: Sequence[Columns], adopt: bool = False) -> Columns:
    """Several Columns one after another, as one: what ``nntp.columns.concat`` gives, at C speed.

    A group is its compacted pack plus the packs stored past it, so the first part is
    the big one: its tables and codes are kept as they are, and only the later
    parts are looked up in them. Message-IDs are compared as the UTF-8 bytes they
    are stored as, never decoded; the dicts are filled by ``dict.fromkeys`` and
    codes renumbered through ``map``. ``adopt``: the caller hands the first part
    over, and its arrays and string tables are extended in place rather than
    copied (one group's worth of memory less at the peak of an entry); a table's
    blob, which cannot grow, is replaced in it as soon as it is joined, so the old
    one is gone before the next is copied.
    """
    kept = [p for p in parts if not _blank(p)]
    if len(kept) <= 1:
        return kept[0] if kept else (parts[0] if parts else empty())
    adopt, parts = adopt and kept[0] is parts[0], kept
    subjects, subject_maps = _merged([p.subjects for p in parts])
    authors, author_maps = _merged([p.authors for p in parts])
    ids, id_maps = _merged_ids([p.ids for p in parts], adopt)
    starts = _joined([p.ref_starts for p in parts], INTS, adopt, shift=True)
    return Columns(_joined([p.numbers for p in parts], INTS, adopt), _joined([p.stamps for p in parts], INTS, adopt),
                   _joined([p.sizes for p in parts], INTS, adopt), _joined([p.lines for p in parts], INTS, adopt),
                   _joined([p.subject_codes for p in parts], CODES, adopt, subject_maps), subjects,
                   _joined([p.author_codes for p in parts], CODES, adopt, author_maps), authors,
                   _joined([p.id_codes for p in parts], CODES, adopt, id_maps),
                   ids, starts,
                   _joined([p.ref_codes for p in parts], CODES, adopt, id_maps),
                   _joined_tables([p.xrefs for p in parts], adopt), _joined_extras(parts))


def _blank(columns: Columns) -> bool:
    """Whether a part adds nothing to a join (no article, empty tables): left out, so that an empty part
    (a group with nothing stored yet beside what was fetched) never makes the join hash every other part."""
    return not (len(columns) or columns.ids or columns.subjects or columns.authors)


def _merged(tables: Sequence[Sequence[T]]) -> tuple[list[T], list[list[int] | None]]:
    """The distinct values of several tables in first-seen order, and each table's codes into them.

    None for a table whose codes stay as they are: the first, when its values are distinct (always,
    but for a pack made by hand). Only the first table is hashed whole; of the rest, what is new.
    """
    first = tables[0]
    index = dict(zip(first, count()))
    kept = len(index) == len(first)
    if not kept:
        index = dict(zip(dict.fromkeys(first), count()))
    new = [v for v in dict.fromkeys(chain.from_iterable(tables[1:])) if v not in index]
    index.update(zip(new, count(len(index))))
    maps = [list(map(index.__getitem__, table)) for table in tables[1:]]
    return list(index), [None if kept else list(map(index.__getitem__, first)), *maps]


def _recoded(codes: array[int], mapping: list[int] | None) -> array[int]:
    if mapping is None:
        return codes if codes.typecode == CODES else array(CODES, codes)
    return array(CODES, map(mapping.__getitem__, codes))


def _joined(columns: list[array[int]], typecode: str, adopt: bool, maps: list[list[int] | None] | None = None,
            shift: bool = False) -> array[int]:
    """One column of several parts, codes renumbered by ``maps``; ``shift``: offsets that each part
    starts at 0 with (References' run starts), moved to where the part lands and its leading 0 dropped."""
    first, keep = columns[0], adopt and columns[0].typecode == typecode and (maps is None or maps[0] is None)
    out = first if keep else array(typecode)
    for k, column in enumerate(columns):
        if k or not keep:
            if shift and k:
                column = _shifted(column[1:], out[-1])
            mapped = _recoded(column, maps[k]) if maps is not None else column
            out.extend(mapped if mapped.typecode == typecode else array(typecode, mapped))
    return out


def _merged_ids(tables: list[StringTable], adopt: bool = False) -> tuple[StringTable, list[list[int] | None]]:
    """The joined Message-ID table and each later part's codes into it (the first part's stay).

    The first table (a group's pack: every ID of the group) is never hashed whole:
    its IDs are sliced one at a time and only looked up among the later parts'
    few, so joining costs no dict or bytes object per ID of the group. Its IDs
    are distinct, as every table ``to_blob`` is given holds them (a hand-made
    pack with twins reads as two IDs, never as an error).
    """
    first, rest = tables[0], [pieces(t) for t in tables[1:]]
    first.freeze()
    index, new = _indexed(first, rest)
    maps: list[list[int] | None] = [None, *(list(map(index.__getitem__, t)) for t in rest)]
    ends = first.ends if adopt else array(INTS, first.ends)
    ends.extend(map((ends[-1] if ends else 0).__add__, accumulate(map(len, new))))
    return _with_blob(first, ends, b"".join(new), adopt), maps


def _indexed(first: StringTable, rest: list[list[bytes]]) -> tuple[dict[bytes, int], list[bytes]]:
    """The codes of the later parts' IDs (those of ``first`` found in it, the new ones after it), and the new IDs."""
    blob, ends = first.blob, first.ends
    wanted = set(chain.from_iterable(rest))
    hits = compress(count(), map(wanted.__contains__, map(blob.__getitem__, map(slice, chain((0,), ends), ends))))
    index = {blob[ends[c - 1] if c else 0 : ends[c]]: c for c in hits}
    new = [v for v in dict.fromkeys(chain.from_iterable(rest)) if v not in index]
    index.update(zip(new, count(len(first))))
    return index, new


def _shifted(offsets: array[int], by: int) -> array[int]:
    return offsets if not by and offsets.typecode == INTS else array(INTS, map(by.__add__, offsets))


def _joined_tables(tables: list[StringTable], adopt: bool = False) -> StringTable:
    """Per-article tables (Xref) one after another: blobs joined, offsets shifted (``adopt``: into the first)."""
    for table in tables:
        table.freeze()
    ends = tables[0].ends if adopt else array(INTS, tables[0].ends)
    for table in tables[1:]:
        ends.extend(_shifted(table.ends, ends[-1] if ends else 0))
    return _with_blob(tables[0], ends, b"".join(t.blob for t in tables[1:]), adopt)


def _with_blob(table: StringTable, ends: array[int], more: bytes, adopt: bool) -> StringTable:
    """``table``'s blob followed by ``more``, with ``ends``: when adopted, ``table`` itself, its blob grown in
    place (nntp/_overcols.pyx ``appended``: a group's table is never held twice for a few hundred IDs)."""
    if not adopt:
        return StringTable(table.blob + more, ends)
    holder, table.blob = [table.blob], b""
    table.blob, table.ends = _appender()(holder, more), ends
    return table


@cache
def _appender() -> Callable[[list[bytes], bytes], bytes]:
    """The compiled in-place append when it is built, else a copy (the same bytes)."""
    kernel = packcheck.compiled()
    return kernel.appended if kernel is not None else _copied


def _copied(holder: list[bytes], more: bytes) -> bytes:
    return holder.pop() + more


def _joined_extras(parts: Sequence[Columns]) -> dict[int, tuple[tuple[str, str], ...]]:
    out: dict[int, tuple[tuple[str, str], ...]] = {}
    base = 0
    for part in parts:
        out.update((base + i, e) for i, e in part.extras.items())
        base += len(part)
    return out
