"""The JSON text of each field of a columnar group, made once per distinct value (nntp/columns.py).

The streamed writers (cli/threads_json.py, cli/score_json.py) fill one format
per article. From records, each article costs three ``encode_basestring`` calls,
a ``datetime.isoformat`` and a RangeSet lookup. From ``Columns`` the same texts
come from tables: a subject or author is encoded once per distinct value, a
Message-ID once however many References name it, a date from a per-day prefix
and the time of day, and the read flags in one pass over the numbers. What comes
out is byte for byte what the record path prints for the same article.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from json.encoder import encode_basestring as enc

from cli.columnar import read_flags
from nntp.columns import NO_DATE, Columns, StringTable
from store.ranges import RangeSet

Fields = tuple[int, str, str, str, str, int, int, str, str]
"""number, message_id, subject, from, date, lines, bytes, references, read: as the writers print them."""
_BOOL = ("false", "true")
_MINUTES = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f'{s:02d}+00:00"' for s in range(60)]


class ColumnTexts:
    """JSON texts of one Columns' fields by article index (a writer makes one per source it meets)."""

    __slots__ = ("source", "numbers", "ids", "fields", "date")

    def __init__(self, source: Columns, read: RangeSet | None = None) -> None:
        self.source = source
        self.numbers = source.numbers
        self.ids = list(map(enc, _decoded(source.ids)))
        """Every Message-ID of the source (own and referenced), encoded, by code."""
        flags = read_flags(source.numbers, read) if read is not None else bytearray(len(source))
        self.date = _DateTexts().text
        """``"isoformat()"`` of the UTC datetime of a stamp (whole seconds), or null."""
        self.fields = _reader(source, self.ids, flags, self.date)
        """Article i's fields from number to read as JSON text (References laid out by a ``listed``)."""

    def message_id(self, i: int) -> str:
        return self.ids[self.source.id_codes[i]]


def _decoded(table: StringTable) -> Iterator[str]:
    """A table's strings one at a time (``strings()`` would hold them all beside their encoded copies)."""
    blob, start = table.blob, 0
    if len(blob) != (table.ends[-1] if table.ends else 0):  # still being filled: strings() joins it first
        yield from table.strings()
        return
    for end in table.ends:
        yield blob[start:end].decode("utf-8", "surrogatepass")
        start = end


def _reader(source: Columns, ids: list[str], read: bytearray,
            date: Callable[[int], str]) -> Callable[[int, Callable[[Sequence[str]], str]], Fields]:
    """``fields(i, listed)`` over the source's arrays, held by the closure (the writers' inner loop)."""
    numbers, id_codes, stamps, lines, sizes = source.numbers, source.id_codes, source.stamps, source.lines, source.sizes
    subject_codes, subjects = source.subject_codes, [enc(s) for s in source.subjects]
    author_codes, authors = source.author_codes, [enc(a) for a in source.authors]
    refs, starts, boolean = source.ref_codes, source.ref_starts, _BOOL

    def fields(i: int, listed: Callable[[Sequence[str]], str]) -> Fields:
        start, end = starts[i], starts[i + 1]
        return (numbers[i], ids[id_codes[i]], subjects[subject_codes[i]], authors[author_codes[i]], date(stamps[i]),
                lines[i], sizes[i], listed([ids[c] for c in refs[start:end]]) if start != end else "[]",
                boolean[read[i]])

    return fields


class _DateTexts:
    """Dates as JSON text from stamps: a prefix per day (made once) and the time of day from two tables."""

    __slots__ = ("days",)

    def __init__(self) -> None:
        self.days: dict[int, str] = {}

    def text(self, stamp: int) -> str:
        if stamp == NO_DATE:
            return "null"
        day, second = divmod(stamp, 86400)
        prefix = self.days.get(day)
        if prefix is None:
            prefix = self.days[day] = '"' + datetime.fromtimestamp(day * 86400, timezone.utc).isoformat()[:11]
        return prefix + _MINUTES[second // 60] + _SECONDS[second % 60]


def texts_for(cache: dict[int, ColumnTexts], source: Columns, read: RangeSet | None) -> ColumnTexts:
    """The ColumnTexts of ``source``, made on first use (``cache`` is keyed by the source's id)."""
    texts = cache.get(id(source))
    if texts is None or texts.source is not source:
        texts = cache[id(source)] = ColumnTexts(source, read)
    return texts


def flat_list(items: Sequence[str]) -> str:
    """A JSON list of already-encoded strings on one line."""
    return "[" + ", ".join(items) + "]" if items else "[]"
