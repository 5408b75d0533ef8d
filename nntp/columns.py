"""A group's overviews as columns: per-field arrays and string tables, one Python object per column.

A 150,000-article group held as ``Overview`` records costs ~450 bytes an
article (a tuple, a datetime, a References tuple, Message-ID and Xref strings):
~67 MB, most of the reader's memory. Here the same records are a handful of
arrays: numbers, dates (whole seconds, UTC), byte and line counts; subjects and
authors as codes into tables of the distinct values; every Message-ID (an
article's own and those its References name) as a code into one table of
distinct IDs held as UTF-8 bytes; References as runs of codes. Threading,
scoring and the JSON writers read the columns; an ``Overview`` is made only when
one is asked for (``columns[i]``), so everything written for records keeps
working on a ``Columns``, which is a ``Sequence[Overview]``.

The integer codes are what make the rest cheap: an article's own ID and the IDs
its References name are small integers in one space, so threading and the
thread identity work on integers, never hashing strings.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import overload

from nntp.models import Overview

NO_DATE = -(2**63)
"""The stamp of an article without a readable Date."""
_UTC = timezone.utc
_stamp = datetime.fromtimestamp
_new = tuple.__new__


class StringTable:
    """Distinct strings as one UTF-8 blob and their end offsets: ~40 bytes a Message-ID instead of ~90.

    ``code(s)`` gives a string its number while the table is being filled (the
    lookup dict exists only then, see ``freeze``); ``self[code]`` decodes one.
    Strings that are not valid UTF-8 on the way in (lone surrogates from a
    hostile header) are kept with ``surrogatepass`` and come back unchanged.
    """

    __slots__ = ("blob", "ends", "_codes", "_parts")

    def __init__(self, blob: bytes = b"", ends: array[int] | None = None) -> None:
        self.blob = blob
        self.ends: array[int] = ends if ends is not None else array("q")
        self._codes: dict[str, int] | None = None
        self._parts: list[bytes] | None = None

    def __len__(self) -> int:
        return len(self.ends)

    def __getitem__(self, code: int) -> str:
        start = self.ends[code - 1] if code else 0
        return self.blob[start:self.ends[code]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        return iter(self.strings())

    def strings(self) -> list[str]:
        """Every string in code order (one decode, one split: what bulk readers want)."""
        if self._parts is not None:
            self.freeze()
        text, ends, out, start = self.blob, self.ends, [], 0
        for end in ends:
            out.append(text[start:end].decode("utf-8", "surrogatepass"))
            start = end
        return out

    def code(self, value: str) -> int:
        """The code of ``value``, adding it if new (only before ``freeze``)."""
        if self._codes is None:
            self._codes = {s: i for i, s in enumerate(self.strings())}
            self._parts = [self.blob]
        found = self._codes.get(value)
        if found is None:
            data = value.encode("utf-8", "surrogatepass")
            assert self._parts is not None
            self._parts.append(data)
            found = self._codes[value] = len(self.ends)
            self.ends.append((self.ends[-1] if self.ends else 0) + len(data))
        return found

    def find(self, value: str) -> int | None:
        """The code of ``value`` if the table holds it (builds the lookup once)."""
        if self._codes is None:
            self._codes = {s: i for i, s in enumerate(self.strings())}
        return self._codes.get(value)

    def freeze(self) -> None:
        """Done adding: join the blob and drop the lookup dict (the bulk of a table's memory)."""
        if self._parts is not None:
            self.blob = b"".join(self._parts)
        self._parts = None
        self._codes = None


class Columns(Sequence[Overview]):
    """A group's overviews, column-wise. Index i is the same article in every column.

    Columns are filled once (``ColumnsBuilder``, ``from_records``, the OVER
    kernels, the store) and then only read; a changed set of articles is a new
    ``Columns`` (``take``, ``concat``).
    """

    FIELDS = ("numbers", "stamps", "sizes", "lines", "subject_codes", "subjects", "author_codes", "authors",
              "id_codes", "ids", "ref_starts", "ref_codes", "xrefs", "extras")
    """The constructor's arguments, in order (a store remembers the group a reader holds weakly: ``__weakref__``)."""
    __slots__ = (*FIELDS, "__weakref__")

    def __init__(self, numbers: array[int], stamps: array[int], sizes: array[int], lines: array[int],
                 subject_codes: array[int], subjects: list[str], author_codes: array[int], authors: list[str],
                 id_codes: array[int], ids: StringTable, ref_starts: array[int], ref_codes: array[int],
                 xrefs: StringTable, extras: dict[int, tuple[tuple[str, str], ...]] | None = None) -> None:
        self.numbers, self.stamps, self.sizes, self.lines = numbers, stamps, sizes, lines
        """Article numbers; dates as whole seconds since the epoch (``NO_DATE``: none); Bytes; Lines."""
        self.subject_codes, self.subjects = subject_codes, subjects
        """Each article's Subject as a code into ``subjects`` (the distinct Subjects)."""
        self.author_codes, self.authors = author_codes, authors
        self.id_codes, self.ids = id_codes, ids
        """Each article's own Message-ID as a code into ``ids``, the table References share."""
        self.ref_starts, self.ref_codes = ref_starts, ref_codes
        """Article i's References are ``ids[c]`` for c in ``ref_codes[ref_starts[i]:ref_starts[i + 1]]``."""
        self.xrefs = xrefs
        """Xref of article i is ``xrefs[i]`` (one entry per article, not a distinct table)."""
        self.extras = extras or {}
        """Further OVERVIEW.FMT fields, only for the (rare) articles that have any."""

    # -- the Sequence[Overview] face ------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> Overview: ...
    @overload
    def __getitem__(self, index: slice) -> Columns: ...
    def __getitem__(self, index: int | slice) -> Overview | Columns:
        if isinstance(index, slice):
            return self.take(range(len(self))[index])
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("article index out of range")
        return self.record(index)

    def __iter__(self) -> Iterator[Overview]:
        return map(self.record, range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Columns, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-by-contract containers are unhashable, like list

    def __repr__(self) -> str:
        return f"Columns({len(self)} articles)"

    def record(self, i: int) -> Overview:
        """Article i as an ``Overview`` (made now; nothing keeps it)."""
        return _new(Overview, (self.numbers[i], self.subjects[self.subject_codes[i]],
                               self.authors[self.author_codes[i]], self.date(i), self.ids[self.id_codes[i]],
                               self.references(i), self.sizes[i], self.lines[i], self.xrefs[i],
                               self.extras.get(i, ())))

    # -- one field of one article ----------------------------------------------------------------
    def number(self, i: int) -> int:
        return self.numbers[i]

    def subject(self, i: int) -> str:
        return self.subjects[self.subject_codes[i]]

    def author(self, i: int) -> str:
        return self.authors[self.author_codes[i]]

    def message_id(self, i: int) -> str:
        return self.ids[self.id_codes[i]]

    def date(self, i: int) -> datetime | None:
        stamp = self.stamps[i]
        return None if stamp == NO_DATE else _stamp(stamp, _UTC)

    def references(self, i: int) -> tuple[str, ...]:
        ids = self.ids
        return tuple(ids[c] for c in self.ref_codes[self.ref_starts[i]:self.ref_starts[i + 1]])

    def reference_codes(self, i: int) -> array[int]:
        return self.ref_codes[self.ref_starts[i]:self.ref_starts[i + 1]]

    # -- whole columns, for bulk readers ----------------------------------------------------------
    def subject_column(self) -> list[str]:
        table = self.subjects
        return [table[c] for c in self.subject_codes]

    def author_column(self) -> list[str]:
        table = self.authors
        return [table[c] for c in self.author_codes]

    def message_id_column(self) -> list[str]:
        table = self.ids.strings()
        return [table[c] for c in self.id_codes]

    def references_column(self) -> list[tuple[str, ...]]:
        table, codes, starts = self.ids.strings(), self.ref_codes, self.ref_starts
        empty: tuple[str, ...] = ()
        return [tuple([table[c] for c in codes[starts[i]:starts[i + 1]]]) if starts[i] != starts[i + 1] else empty
                for i in range(len(self))]

    def date_column(self) -> list[datetime | None]:
        return [None if s == NO_DATE else _stamp(s, _UTC) for s in self.stamps]

    # -- new Columns from these -------------------------------------------------------------------
    def take(self, indices: Iterable[int]) -> Columns:
        """The articles at ``indices``, in that order, as new Columns (the string tables are shared)."""
        picked = list(indices)
        starts, codes = array("q", [0]), array("i")
        for i in picked:
            codes.extend(self.ref_codes[self.ref_starts[i]:self.ref_starts[i + 1]])
            starts.append(len(codes))
        xrefs = _picked_strings(self.xrefs, picked)
        extras = {k: self.extras[i] for k, i in enumerate(picked) if i in self.extras}
        return Columns(_picked(self.numbers, picked), _picked(self.stamps, picked), _picked(self.sizes, picked),
                       _picked(self.lines, picked), _picked(self.subject_codes, picked), self.subjects,
                       _picked(self.author_codes, picked), self.authors, _picked(self.id_codes, picked), self.ids,
                       starts, codes, xrefs, extras)


def concat(parts: Sequence[Columns]) -> Columns:
    """Several Columns one after another, as one (their tables merged, codes renumbered)."""
    if len(parts) == 1:
        return parts[0]
    subjects: dict[str, int] = {}
    authors: dict[str, int] = {}
    ids = StringTable()
    out = [array("q") for _ in range(4)] + [array("i") for _ in range(3)]
    starts, refs, xref_parts, xref_ends = array("q", [0]), array("i"), [], array("q")
    extras: dict[int, tuple[tuple[str, str], ...]] = {}
    for part in parts:
        base = len(out[0])
        extras.update({base + i: e for i, e in part.extras.items()})
        for column, source in zip(out, (part.numbers, part.stamps, part.sizes, part.lines)):
            column.extend(source)
        out[4].extend(_recoded(part.subject_codes, [subjects.setdefault(s, len(subjects)) for s in part.subjects]))
        out[5].extend(_recoded(part.author_codes, [authors.setdefault(a, len(authors)) for a in part.authors]))
        id_map = [ids.code(m) for m in part.ids.strings()]
        out[6].extend(_recoded(part.id_codes, id_map))
        refs.extend(_recoded(part.ref_codes, id_map))
        top = starts[-1]
        starts.extend(top + s for s in part.ref_starts[1:])
        at = xref_ends[-1] if xref_ends else 0
        xref_ends.extend(at + e for e in part.xrefs.ends)
        xref_parts.append(part.xrefs.blob)
    ids.freeze()
    return Columns(out[0], out[1], out[2], out[3], out[4], list(subjects), out[5], list(authors), out[6], ids,
                   starts, refs, StringTable(b"".join(xref_parts), xref_ends), extras)


def _recoded(codes: array[int], mapping: list[int]) -> array[int]:
    return array("i", [mapping[c] for c in codes])


def _picked(column: array[int], indices: list[int]) -> array[int]:
    return array(column.typecode, [column[i] for i in indices])


def _picked_strings(table: StringTable, indices: list[int]) -> StringTable:
    ends, blob, parts, at = table.ends, table.blob, [], 0
    out = array("q")
    for i in indices:
        start = ends[i - 1] if i else 0
        parts.append(blob[start:ends[i]])
        at += ends[i] - start
        out.append(at)
    return StringTable(b"".join(parts), out)


class ColumnsBuilder:
    """Fills columns article by article: the pure-Python path (the compiled kernels fill the same arrays)."""

    def __init__(self) -> None:
        self.numbers, self.stamps, self.sizes, self.lines = array("q"), array("q"), array("q"), array("q")
        self.subject_codes, self.author_codes, self.id_codes = array("i"), array("i"), array("i")
        self._subjects: dict[str, int] = {}
        self._authors: dict[str, int] = {}
        self.ids, self.xrefs = StringTable(), StringTable()
        self.ref_starts, self.ref_codes = array("q", [0]), array("i")
        self.extras: dict[int, tuple[tuple[str, str], ...]] = {}
        self._xref_parts: list[bytes] = []

    def add(self, o: Overview) -> None:
        if o.extra:
            self.extras[len(self.numbers)] = o.extra
        self.numbers.append(o.number)
        self.stamps.append(int(o.date.timestamp()) if o.date is not None else NO_DATE)
        self.sizes.append(o.bytes)
        self.lines.append(o.lines)
        self.subject_codes.append(self._subjects.setdefault(o.subject, len(self._subjects)))
        self.author_codes.append(self._authors.setdefault(o.author, len(self._authors)))
        code = self.ids.code
        self.id_codes.append(code(o.message_id))
        self.ref_codes.extend([code(r) for r in o.references])
        self.ref_starts.append(len(self.ref_codes))
        data = o.xref.encode("utf-8", "surrogatepass")
        self._xref_parts.append(data)
        ends = self.xrefs.ends
        ends.append((ends[-1] if ends else 0) + len(data))

    def build(self) -> Columns:
        self.ids.freeze()
        self.xrefs.blob = b"".join(self._xref_parts)
        intern = sys.intern
        return Columns(self.numbers, self.stamps, self.sizes, self.lines,
                       self.subject_codes, [intern(s) for s in self._subjects], self.author_codes,
                       [intern(a) for a in self._authors], self.id_codes, self.ids, self.ref_starts,
                       self.ref_codes, self.xrefs, self.extras)


def from_records(records: Iterable[Overview]) -> Columns:
    """Records -> Columns (dates to whole seconds, as the store keeps them)."""
    builder = ColumnsBuilder()
    for record in records:
        builder.add(record)
    return builder.build()


def as_columns(records: Sequence[Overview]) -> Columns:
    """``records`` as Columns: itself when it already is."""
    return records if isinstance(records, Columns) else from_records(records)
