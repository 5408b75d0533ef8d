"""The first articles of a binary overview pack, read without decoding the pack whole (a first screen).

Re-entering local.huge (one 154 MB pack of 1,000,000 articles) the reader shows
a first screen of ~1,500 articles while a helper thread decodes the group;
decoding the whole pack for those took 0.24 s of the caller's thread. Here the
section length table of a pack (store/colpack.py) gives where each section
starts, and only what the first ``count`` articles need is read: a prefix of
each per-article column, the References runs they cover, each string table up
to the largest code they use, the Xref of each, the extras of those articles.

The CRC-32 covers a whole pack and cannot be checked on a part of it. Every
other check ``colpack.from_reader`` makes is made on what is read (section
lengths, offsets that rise and stay in range, codes within the tables read,
UTF-8 through the same checkers, References in range; and dates a record can
be made of, which the whole decode leaves to its CRC), so a damaged pack is a
ValueError here too, never a crash or a record made of bytes beyond its
sections; damage only a checksum sees can at worst change a field of a record
shown on the first screen. The whole decode that follows on the helper thread
checks the CRC and sets a damaged pack aside as ever (store/overview_store.py).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable
from itertools import accumulate

from nntp.columns import NO_DATE, Columns
from store import packcheck
from store.colpack import _HEAD, _LENGTH, _MAGIC, _SECTIONS, CODES, INTS, Buffer, _checked_table, _decoded

ReadAt = Callable[[int, int], Buffer]
"""``read_at(offset, size)``: the pack's ``size`` bytes from ``offset`` (fewer where the pack ends)."""
_PER_ARTICLE = {1: INTS, 2: INTS, 3: INTS, 4: CODES, 7: CODES, 10: CODES, 16: INTS}
"""Sections of one item per article besides the numbers (section 0), and their typecodes."""
_WHOLE_ITEMS = {6: INTS, 9: INTS, 12: INTS, 14: CODES, 17: INTS, 18: INTS, 20: INTS}
"""Array sections of any length: whole items of their typecode."""
FIRST_STAMP, LAST_STAMP = -62_135_596_800, 253_402_300_799
"""The stamps of 0001-01-01 and 9999-12-31 23:59:59 UTC: what a ``datetime`` holds, so what a pack is written from."""
PIECE = 4096
"""Extras' article indices read at a time while looking for the first one past the prefix."""


def prefix_from_reader(read_at: ReadAt, size: int, count: int) -> Columns:
    """The first ``count`` articles (all when fewer) of a pack of ``size`` bytes: the same records, in the
    same order, as ``coljoin.part(from_reader(...), 0, count)``, with each table cut after the last code
    they use. ValueError when what is read fails a check (no CRC: see the module's note)."""
    pack = _Pack(read_at, size)
    k = max(0, min(count, pack.articles))
    subject_codes, author_codes, id_codes = pack.items(4, k), pack.items(7, k), pack.items(10, k)
    starts, last = pack.items(13, k + 1), pack.items(13, pack.articles + 1, pack.articles)[0]
    if starts[0] != 0 or last != pack.count(14) or not packcheck.offsets_rise(starts, 0, last):
        raise ValueError("damaged overview pack: References offsets")
    refs = pack.items(14, starts[-1])
    return Columns(pack.items(0, k), _dates(pack.items(1, k)), pack.items(2, k), pack.items(3, k),
                   subject_codes, _decoded(*pack.table(5, _used(subject_codes))), author_codes,
                   _decoded(*pack.table(8, _used(author_codes))), id_codes,
                   _checked_table(*pack.table(11, max(_used(id_codes), _used(refs)))), starts, refs,
                   _checked_table(*pack.table(15, k)), _extras(pack, k))


class _Pack:
    """A pack's header and section table, read and checked; its sections read in part on demand."""

    def __init__(self, read_at: ReadAt, size: int) -> None:
        self._read_at = read_at
        start = 4 + _HEAD.size + _SECTIONS * _LENGTH.size
        head = self.read(4, start - 4)
        magic, sections = _HEAD.unpack_from(head)
        if magic != _MAGIC or sections != _SECTIONS:
            raise ValueError("damaged overview pack: header")
        self.lengths = [length for (length,) in _LENGTH.iter_unpack(head[_HEAD.size :])]
        if start + sum(self.lengths) != size:
            raise ValueError("damaged overview pack: section lengths")
        self.offsets = list(accumulate(self.lengths[:-1], initial=start))
        self.articles = self._checked_lengths()

    def _checked_lengths(self) -> int:
        """The number of articles, every section's length checked against it (what ``from_reader`` checks of
        lengths, from the table alone)."""
        n, rest = divmod(self.lengths[0], array(INTS).itemsize)
        wrong = rest or any(self.count(k) != n for k in _PER_ARTICLE) or self.count(13) != n + 1
        if wrong or any(self.lengths[k] % array(t).itemsize for k, t in _WHOLE_ITEMS.items()):
            raise ValueError("damaged overview pack: column length")
        if self.count(17) != self.count(18):
            raise ValueError("damaged overview pack: extras")
        return n

    def read(self, at: int, size: int) -> bytes:
        """``size`` bytes from ``at``; ValueError when the pack holds fewer."""
        data = bytes(self._read_at(at, size)) if size else b""
        if len(data) != size:
            raise ValueError("damaged overview pack: truncated")
        return data

    def typecode(self, section: int) -> str:
        return _PER_ARTICLE.get(section) or _WHOLE_ITEMS.get(section) or INTS

    def count(self, section: int) -> int:
        """How many items an array section holds (whole items: checked once, by ``_checked_lengths``)."""
        return self.lengths[section] // array(self.typecode(section)).itemsize

    def items(self, section: int, stop: int, start: int = 0) -> array[int]:
        """Items ``start..stop`` of an array section (ValueError past its end)."""
        out = array(self.typecode(section))
        if not 0 <= start <= stop <= self.count(section):
            raise ValueError("damaged overview pack: column length")
        out.frombytes(self.read(self.offsets[section] + start * out.itemsize, (stop - start) * out.itemsize))
        return out

    def table(self, section: int, used: int) -> tuple[bytes, array[int]]:
        """The first ``used`` strings of the table whose blob is ``section`` (its ends follow it): their ends
        checked to rise within the blob, whose end the table's last end must be, and their bytes."""
        total = self.count(section + 1)
        if used > total:
            raise ValueError("damaged overview pack: code out of range")
        ends = self.items(section + 1, used)
        size = self.lengths[section]
        last = self.items(section + 1, total, total - 1)[0] if total else 0
        if last != size or not packcheck.offsets_rise(ends, 0, size):
            raise ValueError("damaged overview pack: string offsets")
        return self.read(self.offsets[section], ends[-1] if used else 0), ends


def _dates(stamps: array[int]) -> array[int]:
    """Stamps checked to be dates a record can be made of: where the whole decode relies on its CRC (a
    stamp is written from a date), a flipped byte here would fail the first screen's records."""
    dated = [s for s in stamps if s != NO_DATE]
    if dated and (min(dated) < FIRST_STAMP or max(dated) > LAST_STAMP):
        raise ValueError("damaged overview pack: date")
    return stamps


def _used(codes: array[int]) -> int:
    """How many strings of a table ``codes`` need (its largest code plus one); ValueError for a negative code."""
    if not codes:
        return 0
    if min(codes) < 0:
        raise ValueError("damaged overview pack: code out of range")
    return max(codes) + 1


def _extras(pack: _Pack, count: int) -> dict[int, tuple[tuple[str, str], ...]]:
    """The extras of the first ``count`` articles: the article indices read a piece at a time up to the first
    past them, then their pair counts and as many names and values."""
    at = _extra_indices(pack, count)
    sizes = pack.items(18, len(at))
    if sizes and min(sizes) < 1:
        raise ValueError("damaged overview pack: extras")
    texts = _checked_table(*pack.table(19, 2 * sum(sizes))).strings()
    pairs = list(zip(texts[::2], texts[1::2]))
    starts = list(accumulate(sizes, initial=0))
    return {i: tuple(pairs[a:b]) for i, a, b in zip(at, starts, starts[1:])}


def _extra_indices(pack: _Pack, count: int) -> array[int]:
    """The extras' article indices below ``count``, checked to rise strictly from 0 and to end below the
    number of articles."""
    total, out = pack.count(17), array(INTS)
    if total and not 0 <= pack.items(17, total, total - 1)[0] < pack.articles:
        raise ValueError("damaged overview pack: extras")
    while len(out) < total and (not out or out[-1] < count):
        out.extend(pack.items(17, min(total, len(out) + PIECE), len(out)))
    rising = out.tolist() == sorted(set(out)) and (not out or out[0] >= 0)
    if not rising:
        raise ValueError("damaged overview pack: extras")
    del out[bisect_left(out, count) :]
    return out
