"""Reading overview packs: every encoding decoded to Columns through one path.

A group's overviews live only in its packs (store/packs.py writes them). A pack
is either binary columns (store/colpack.py ``FORMAT``: arrays and string tables,
read back with no object per article) or an OVER answer kept as it came
(store/rawchunks.py: decoded by the compiled OVER reader). Packs of a group never
overlap, so the group is its packs joined in order of their first number; runs
of OVER-encoded packs are parsed in one pass, as the answers of one fetch are.

A pack that cannot be decoded (damaged, or written in another format: another
byte order) is a ``DamagedPack``, never a wrong record; the caller sets it aside
(store/packs.py ``quarantine``) so that it cannot fail every later command.
"""

from __future__ import annotations

import sqlite3
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from itertools import accumulate, groupby

from nntp.columns import Columns, StringTable
from nntp.gcpause import gc_paused
from nntp.memtrim import give_back
from store import colpack, colprefix, rawchunks
from store.coljoin import join, part
from store.colpack import empty

PackRow = tuple[int, int, int, int, str]
"""A pack as listed: rowid, first and last number it covers, how many articles, its ``fmt``."""
_LISTED = "SELECT rowid, first, last, count, fmt FROM overview_pack WHERE grp=?"

JOIN_EVERY = 8
"""Packs decoded before they are joined into what is read so far: a group held in many packs is never held
as every pack plus their join (local.huge settled in 244 packs peaked at 725 MB joined at the end; 208 MB of
VmHWM at 8, with joins that grow the first part in place: store/coljoin.py)."""


class DamagedPack(ValueError):
    """A pack that cannot be decoded: its group, the pack and why."""

    def __init__(self, grp: str, pack: PackRow, error: BaseException) -> None:
        self.grp, self.pack, self.error = grp, pack, error
        super().__init__(f"{grp}: the stored overviews of articles {pack[1]}-{pack[2]} cannot be read "
                         f"({type(error).__name__}: {str(error)[:200]}); they were set aside")


@dataclass(frozen=True, slots=True)
class Read:
    """A group's packs, decoded."""

    columns: Columns
    """Every article of the group, in the order of its packs."""
    packs: tuple[PackRow, ...]
    """The packs read (compaction writes ``columns`` back only over these very packs)."""

    @property
    def over(self) -> bool:
        """Whether any pack read was in the OVER encoding."""
        return any(rawchunks.is_over(p[4]) for p in self.packs)


def listed(db: sqlite3.Connection, grp: str, low: int | None = None, high: int | None = None) -> list[PackRow]:
    """A group's packs in order of their first number (those meeting ``low..high`` when given)."""
    if low is None or high is None:
        return db.execute(_LISTED + " ORDER BY first", (grp,)).fetchall()
    return db.execute(_LISTED + " AND first <= ? AND last >= ? ORDER BY first", (grp, high, low)).fetchall()


def overviews(db: sqlite3.Connection, grp: str, skip: frozenset[int] = frozenset()) -> Read:
    """Every article of a group, from its packs (those of rowid in ``skip`` left out); DamagedPack if one
    cannot be decoded."""
    packs = [p for p in listed(db, grp) if p[0] not in skip]
    return Read(decoded(db, grp, packs), tuple(packs))


def decoded(db: sqlite3.Connection, grp: str, packs: list[PackRow]) -> Columns:
    """The articles of ``packs`` (in order, not overlapping) as one Columns."""
    parts: list[Columns] = []
    with gc_paused():
        for _, run in groupby(packs, key=lambda p: p[4] if rawchunks.is_over(p[4]) else p[0]):
            parts.append(_run(db, grp, list(run)))
            if len(parts) > JOIN_EVERY:
                parts = [join(parts, adopt=True)]
        columns = join(parts, adopt=True) if parts else empty()
    if len(packs) > 1:
        give_back(len(columns))  # the joins' temporary tables: their pages back before the reader threads
    return columns


def _run(db: sqlite3.Connection, grp: str, run: list[PackRow]) -> Columns:
    """One binary pack, or consecutive OVER-encoded packs of one OVERVIEW.FMT in one pass."""
    fmt = run[0][4]
    try:
        if not rawchunks.is_over(fmt):
            return _binary(db, run[0])
        return rawchunks.over_columns_many((_data(db, p[0]) for p in run), rawchunks.fields_of(fmt))[0]
    except sqlite3.OperationalError:
        raise  # busy, locked: nothing wrong with the pack
    except DamagedPack:
        raise
    except Exception as exc:
        if len(run) > 1:  # which one: each on its own
            return join([_run(db, grp, [p]) for p in run], adopt=True)
        raise DamagedPack(grp, run[0], exc) from None


def _binary(db: sqlite3.Connection, pack: PackRow) -> Columns:
    """A binary pack's columns, checked against what its row says of it."""
    rowid, first, last, count, fmt = pack
    if fmt != colpack.FORMAT:
        raise ValueError(f"written in another format ({fmt[:60]!r}, this machine reads {colpack.FORMAT!r})")
    columns = _blob(db, rowid)
    numbers = columns.numbers
    if len(columns) != count or not count or min(numbers) != first or max(numbers) != last:
        raise ValueError("the pack does not hold what its row says")
    return columns


def _blob(db: sqlite3.Connection, rowid: int) -> Columns:
    """A binary pack's columns through a read-only blob handle, a section at a time (SQLite never holds
    the whole blob, nor Python a copy of it beside the columns), or from its bytes where SQLite opens none."""
    try:
        blob = db.blobopen("overview_pack", "data", rowid, readonly=True)
    except sqlite3.OperationalError:
        return colpack.from_blob(_data(db, rowid))
    with blob:
        return colpack.from_reader(blob.read, len(blob))


def leading(db: sqlite3.Connection, grp: str, packs: list[PackRow], count: int) -> Columns:
    """The first ``count`` articles of ``packs`` (a group's, in order): the packs that hold them decoded, the
    last of them read only as far as they need when it is binary (store/colprefix.py: no CRC checked), so a
    first screen never waits for a big pack to be decoded whole. DamagedPack if one cannot be read."""
    taken = _covering(packs, count)
    if not taken:
        return empty()
    *whole, last = taken
    need = count - sum(p[3] for p in whole)
    if rawchunks.is_over(last[4]) or last[3] <= need:
        columns = decoded(db, grp, taken)
    else:
        columns = join([decoded(db, grp, whole), _prefix(db, grp, last, need)], adopt=True)
    return columns if len(columns) <= count else part(columns, 0, count)


def _covering(packs: list[PackRow], count: int) -> list[PackRow]:
    """The leading packs that hold at least ``count`` articles between them (all: fewer)."""
    taken, held = [], 0
    for pack in packs:
        if held >= count:
            break
        taken.append(pack)
        held += pack[3]
    return taken


def _prefix(db: sqlite3.Connection, grp: str, pack: PackRow, count: int) -> Columns:
    """A binary pack's first ``count`` articles, checked against what its row says of it."""
    try:
        if pack[4] != colpack.FORMAT:
            raise ValueError(f"written in another format ({pack[4][:60]!r}, this machine reads {colpack.FORMAT!r})")
        columns = _blob_prefix(db, pack[0], count)
        numbers = columns.numbers
        if len(columns) != min(count, pack[3]) or (numbers and (min(numbers) < pack[1] or max(numbers) > pack[2])):
            raise ValueError("the pack does not hold what its row says")
        return columns
    except sqlite3.OperationalError:
        raise  # busy, locked: nothing wrong with the pack
    except Exception as exc:
        raise DamagedPack(grp, pack, exc) from None


def _blob_prefix(db: sqlite3.Connection, rowid: int, count: int) -> Columns:
    """``colprefix.prefix_from_reader`` through a read-only blob handle (seek, read), or on the pack's bytes
    where SQLite opens none."""
    try:
        blob = db.blobopen("overview_pack", "data", rowid, readonly=True)
    except sqlite3.OperationalError:
        data = memoryview(_data(db, rowid))
        return colprefix.prefix_from_reader(lambda at, size: data[at : at + size], len(data), count)
    with blob:

        def read_at(at: int, size: int) -> bytes:
            blob.seek(at)
            return blob.read(size)

        return colprefix.prefix_from_reader(read_at, len(blob), count)


def _data(db: sqlite3.Connection, rowid: int) -> bytes:
    (data,) = db.execute("SELECT data FROM overview_pack WHERE rowid=?", (rowid,)).fetchone()
    if not isinstance(data, bytes):
        raise ValueError("not a blob")
    return data


def between(db: sqlite3.Connection, grp: str, low: int, high: int) -> Columns:
    """The group's articles numbered ``low..high``, decoding only the packs that cover them."""
    columns = decoded(db, grp, listed(db, grp, low, high))
    numbers = columns.numbers
    if not numbers or (min(numbers) >= low and max(numbers) <= high):
        return columns
    return columns.take(i for i, n in enumerate(numbers) if low <= n <= high)


def packs_naming(db: sqlite3.Connection, grp: str, message_id: str) -> list[PackRow]:
    """The group's packs whose bytes hold ``message_id`` (as the article's or as a reference)."""
    needle = message_id.encode("utf-8", "surrogatepass")
    return db.execute(_LISTED + " AND instr(data, ?) > 0 ORDER BY first", (grp, needle)).fetchall()


def index_of_number(columns: Columns, number: int) -> int | None:
    """The index of article ``number`` in ``columns`` (C-speed scan of the numbers)."""
    try:
        return columns.numbers.index(number)
    except ValueError:
        return None


def index_of_id(columns: Columns, message_id: str) -> int | None:
    """The index of the article whose Message-ID is ``message_id``: its code found in the ID table's
    bytes (no dict of every ID, as ``StringTable.find`` builds), then the article with that code."""
    code = code_of(columns.ids, message_id)
    if code is None:
        return None
    try:
        return columns.id_codes.index(code)
    except ValueError:
        return None  # only ever a reference here


def code_of(table: StringTable, value: str) -> int | None:
    """The code of ``value`` in ``table`` by searching its blob, never decoding the table."""
    table.freeze()
    needle, blob, ends = value.encode("utf-8", "surrogatepass"), table.blob, table.ends
    at = blob.find(needle)
    while at >= 0:
        code = bisect_left(ends, at + len(needle))
        if code < len(ends) and ends[code] == at + len(needle) and (ends[code - 1] if code else 0) == at:
            return code
        at = blob.find(needle, at + 1)
    return None


def numbers_in(numbers: array[int], spans: list[tuple[int, int]]) -> list[int]:
    """Indices of ``numbers`` that fall in any of ``spans`` (inclusive ranges)."""
    spans = sorted(spans)
    lows, highs = [low for low, _ in spans], list(accumulate((high for _, high in spans), max))
    out = []
    for i, n in enumerate(numbers):
        k = bisect_left(lows, n + 1) - 1
        if k >= 0 and n <= highs[k]:
            out.append(i)
    return out
