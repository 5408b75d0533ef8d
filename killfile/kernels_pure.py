"""The reference implementation of ``killfile.kernels``: plain Python over C-level builtins.

It is what runs where the compiled helper could not be built, and the oracle the
compiled functions are tested against (tests/killfile/test_kernels.py). Each
function says what it computes; ``killfile/_kernels.pyx`` must agree exactly.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Collection, Container, Hashable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from collections import Counter
from itertools import compress, repeat
from typing import Any, TypeVar, cast

K = TypeVar("K", bound=Hashable)


def where(flags: Iterable[object]) -> list[int]:
    """Indices where an iterable of truth values is true (itertools.compress, in C)."""
    return list(compress(range(1 << 62), flags))


def columns(articles: Sequence[Any], names: Sequence[str]) -> list[list[Any]]:
    """One list per field name: ``[getattr(a, name) for a in articles]`` for each of ``names``."""
    return [list(map(operator.attrgetter(name), articles)) for name in names]


def day_ordinals(dates: Sequence[datetime | None]) -> list[int]:
    """``toordinal()`` of each date (its own calendar day; the engine's dates are UTC), -1 for None."""
    if None not in dates:
        return list(map(datetime.toordinal, cast(Sequence[datetime], dates)))  # no None: just checked
    return [d.toordinal() if d is not None else -1 for d in dates]


def indices_in(values: Sequence[Any], container: Container[Any]) -> list[int]:
    """Indices of the values found in ``container``, ascending."""
    return where(map(container.__contains__, values))


def indices_naming(seqs: Sequence[tuple[str, ...]], wanted: set[str]) -> list[int]:
    """Indices of the sequences (References) that name at least one of ``wanted``."""
    return where(map(operator.not_, map(wanted.isdisjoint, seqs)))


def join_lines(values: Sequence[str]) -> bytes:
    """The values as UTF-8 (errors replaced), one per line: line breaks inside a value become spaces."""
    big = "\n".join(values).encode("utf-8", "replace")
    if big.count(b"\n") != max(len(values) - 1, 0) or b"\r" in big:
        big = "\n".join(v.replace("\r", " ").replace("\n", " ") for v in values).encode("utf-8", "replace")
    return big


def join_references(references: Sequence[tuple[str, ...]]) -> bytes:
    """``join_lines`` of each article's References as header text (Message-IDs joined by spaces)."""
    return join_lines(list(map(" ".join, references)))


def count_newlines(buffer: bytes, start: int, end: int) -> int:
    """``buffer.count(b"\n", start, end)``: the line a match starts on, counted from the last one."""
    return buffer.count(b"\n", start, end)


def codes(values: Sequence[K]) -> tuple[list[int], list[K]]:
    """(code of each value, the distinct values): codes are 0, 1, 2... in order of first appearance.

    One pass over the values; later passes work on the small integer codes and
    the few distinct values, never touching the values' strings again.
    """
    distinct = list(dict.fromkeys(values))
    ids = dict(zip(distinct, range(len(distinct))))
    return list(map(ids.__getitem__, values)), distinct


def gather_codes(codes: Sequence[int], table: Sequence[K | None]) -> dict[K, list[int]]:
    """Indices grouped by ``table[code]`` (codes whose entry is None skipped), ascending in each group.

    One pass where a membership pass per group would cost one each: the tags of
    the distinct Subjects, the tests a distinct From matched.
    """
    wanted = {code: key for code, key in enumerate(table) if key is not None}
    out: dict[K, list[int]] = {}
    for i in indices_in(codes, wanted):
        out.setdefault(wanted[codes[i]], []).append(i)
    return out


def lookup(codes: Sequence[int], table: Sequence[K]) -> list[K]:
    """``table[code]`` for each code: a per-distinct-value result spread back over the articles."""
    return list(map(table.__getitem__, codes))


def thread_codes(references: Sequence[tuple[str, ...]], message_ids: Sequence[str]) -> list[int]:
    """A thread number per article: articles sharing any Message-ID (their own or one named in References) share one.

    That is the thread JWZ threading shows the reader, whatever was trimmed: 1993
    clients cut References from the front, so one thread's articles may name no
    common first ID, yet each chain still overlaps the next. Union-find over the
    IDs (union by size, path halving): linear in the number of IDs named.
    Threads are numbered 0, 1, 2... in order of their first article.
    """
    if len(references) != len(message_ids):
        raise ValueError("references and message_ids differ in length")
    slot: dict[str, int] = {}
    parent: list[int] = []
    size: list[int] = []
    own = [_id_slot(m, slot, parent, size) for m in message_ids]
    for i, refs in enumerate(references):
        for ref in refs:
            _union(own[i], _id_slot(ref, slot, parent, size), parent, size)
    numbered: dict[int, int] = {}
    return [numbered.setdefault(_find(o, parent), len(numbered)) for o in own]


def code_threads(own: Sequence[int], starts: Sequence[int], refs: Sequence[int], nodes: int,
                 links: Iterable[tuple[int, int]] = ()) -> list[int]:
    """``thread_codes`` on Message-ID codes (``nntp.columns.Columns``): the same numbers, no string hashed.

    Article i's own ID is code ``own[i]`` and the IDs its References name are
    ``refs[starts[i]:starts[i + 1]]``, every code below ``nodes``; ``links`` are
    further (article, code) pairs it names (an In-Reply-To). Codes stand for
    distinct IDs, so the union-find joins exactly what the string version joins
    and the threads come out numbered alike, in order of their first article.
    """
    n = len(own)
    _check_codes(own, starts, refs, nodes)
    parent = list(range(nodes))
    size = [1] * nodes
    for i in range(n):
        mine = own[i]
        for ref in refs[starts[i]:starts[i + 1]]:
            _union(mine, ref, parent, size)
    for i, ref in links:
        _union(own[i], ref, parent, size)
    numbered: dict[int, int] = {}
    return [numbered.setdefault(_find(o, parent), len(numbered)) for o in own]


def _check_codes(own: Sequence[int], starts: Sequence[int], refs: Sequence[int], nodes: int) -> None:
    """Codes outside the table or runs that do not fit would join the wrong IDs: refuse them, clearly."""
    if len(starts) != len(own) + 1 or (len(starts) and (starts[0] != 0 or starts[-1] != len(refs))):
        raise ValueError("reference starts do not fit the articles and their reference codes")
    if any(map(operator.gt, starts[:-1], starts[1:])):
        raise ValueError("reference starts go backwards")
    for column in (own, refs):
        if len(column) and (min(column) < 0 or max(column) >= nodes):
            raise ValueError("a Message-ID code outside the table")


def naming_codes(codes: Sequence[int], starts: Sequence[int] | None, wanted: Collection[int]) -> list[int]:
    """Articles naming a wanted code: with ``starts``, i whose ``codes[starts[i]:starts[i + 1]]`` hold one
    (References); without, i whose ``codes[i]`` is one (own Message-IDs). Ascending."""
    if starts is None:
        return where(map(wanted.__contains__, codes))
    hits = where(map(wanted.__contains__, codes))
    out: list[int] = []
    for at in hits:
        i = bisect.bisect_right(starts, at) - 1
        if not out or out[-1] != i:
            out.append(i)
    return out


def join_coded(blob: bytes, ends: Sequence[int], codes: Sequence[int] | None, starts: Sequence[int] | None) -> bytes:
    """Strings of a ``StringTable`` (``blob``, ``ends``) one line per article, straight from its bytes.

    Without ``starts``, line i is string ``codes[i]`` (every string in order without
    ``codes``); with it, line i is ``codes[starts[i]:starts[i + 1]]`` joined by spaces
    (References). The text scans of Message-ID, References and Xref read this
    instead of a decoded string per article; it equals ``join_lines`` of the
    decoded values when no string holds a line break or a lone surrogate (callers check).
    """
    def piece(code: int) -> bytes:
        return blob[ends[code - 1] if code else 0:ends[code]]

    if starts is None:
        return b"\n".join(map(piece, codes if codes is not None else range(len(ends))))
    assert codes is not None
    return b"\n".join(b" ".join(map(piece, codes[starts[i]:starts[i + 1]])) for i in range(len(starts) - 1))


def decode_coded(blob: bytes, ends: Sequence[int], codes: Sequence[int] | None) -> list[str]:
    """String ``codes[i]`` of the table for each i (every string without ``codes``), decoded as stored."""
    return [blob[ends[c - 1] if c else 0:ends[c]].decode("utf-8", "surrogatepass")
            for c in (codes if codes is not None else range(len(ends)))]


def find_strings(blob: bytes, ends: Sequence[int], wanted: Sequence[bytes]) -> list[int]:
    """The code of each wanted string in a ``StringTable`` (``blob``, ``ends``), -1 where absent; the first
    code when the table holds a string twice."""
    index: dict[bytes, int] = {}
    start = 0
    for code, end in enumerate(ends):
        index.setdefault(blob[start:end], code)
        start = end
    return [index.get(w, -1) for w in wanted]


def shared_codes(codes: Sequence[int]) -> list[int]:
    """``list(codes)`` with one int object per distinct code (the Columns' subject and author codes):
    150,000 separate ints would be 4 MB for a few thousand values."""
    if not len(codes) or min(codes) < 0:
        return list(codes)
    table = list(range(max(codes) + 1))
    return list(map(table.__getitem__, codes))


def stamp_days(stamps: Sequence[int]) -> list[int]:
    """``day_ordinals`` of whole-second UTC stamps (``Columns.stamps``): -1 for ``NO_DATE``."""
    base = _UNIX_DAY0
    return [s // 86400 + base if s != NO_DATE else -1 for s in stamps]


def _id_slot(message_id: str, slot: dict[str, int], parent: list[int], size: list[int]) -> int:
    """The union-find node of a Message-ID, made on first sight."""
    found = slot.get(message_id)
    if found is None:
        found = slot[message_id] = len(parent)
        parent.append(found)
        size.append(1)
    return found


def _find(node: int, parent: list[int]) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]  # path halving
        node = parent[node]
    return node


def _union(a: int, b: int, parent: list[int], size: list[int]) -> None:
    a, b = _find(a, parent), _find(b, parent)
    if a != b:
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]


def combine(major: Sequence[int], times: int, minor: Sequence[int]) -> list[int]:
    """``major[i] * times + minor[i]``: one integer per (thread, author) or (author, window) pair.

    The compiled kernels compute these keys as C integers and never build the list.
    """
    return list(map(operator.add, map(operator.mul, major, repeat(times)), minor))


NO_DATE = -(1 << 63)
"""The ``stamp`` of an article without a Date: before every real one."""
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_UNIX_DAY0 = 719163
"""``date(1970, 1, 1).toordinal()``."""
_MICROSECOND = timedelta(microseconds=1)


def stamp(when: datetime | int | None) -> int:
    """A Date as whole microseconds since 1970 (UTC), to sort by exactly as the dates compare.

    A naive date is taken as UTC; an article without a Date gets ``NO_DATE``. An
    int is a ``Columns`` stamp (whole seconds, ``NO_DATE`` for none): columns need
    no datetime per article to be ranked.
    """
    if when is None or when == NO_DATE:
        return NO_DATE
    if isinstance(when, int):
        return when * 1_000_000
    aware = when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when
    return (aware - _EPOCH) // _MICROSECOND


def counts_over(major: Sequence[int], times: int, minor: Sequence[int], limit: int) -> dict[int, int]:
    """How many times each ``combine``d key occurs, for the keys occurring more than ``limit`` times.

    Buckets over a cap, authors busy in a thread: the answer is a few thousand
    keys out of 150,000, so only those are handed back (in order of first appearance).
    """
    counts = Counter(combine(major, times, minor))
    return {key: count for key, count in counts.items() if count > limit}


def beyond(major: Sequence[int], times: int, minor: Sequence[int], full: Collection[int], limit: int,
           dates: Sequence[datetime | None] | Sequence[int], numbers: Sequence[int], message_ids: Sequence[str],
           scores: Sequence[int] | None = None) -> list[int]:
    """The members of each bucket in ``full`` past the first ``limit``, ascending.

    A bucket is the indices sharing a ``combine``d key. Its members are ranked earliest first
    (``stamp`` of the date, then article number, then Message-ID, then index), or with
    ``scores`` highest score first and earliest among equals: a total order, so
    which articles a cap keeps never depends on the order articles came in.
    """
    keys = combine(major, times, minor)
    buckets: dict[int, list[int]] = {}
    for i in indices_in(keys, full):
        buckets.setdefault(keys[i], []).append(i)
    over: list[int] = []
    for members in buckets.values():
        if len(members) <= limit:
            continue
        members.sort(key=message_ids.__getitem__)  # stable sorts, last key first
        members.sort(key=numbers.__getitem__)
        members.sort(key=lambda i: stamp(dates[i]))
        if scores is not None:
            members.sort(key=scores.__getitem__, reverse=True)  # reverse keeps equals in order
        over.extend(members[limit:])
    over.sort()
    return over
