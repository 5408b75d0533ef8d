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

from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from json.encoder import encode_basestring as enc

from cli.columnar import read_flags
from nntp.columns import NO_DATE, Columns
from store.ranges import RangeSet

Fields = tuple[int, str, str, str, str, int, int, str, str]
"""number, message_id, subject, from, date, lines, bytes, references, read: as the writers print them."""
_BOOL = ("false", "true")
_MINUTES = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECONDS = [f'{s:02d}+00:00"' for s in range(60)]


class ColumnTexts:
    """JSON texts of one Columns' fields by article index (a writer makes one per source it meets)."""

    __slots__ = ("source", "numbers", "subjects", "authors", "ids", "read", "_days")

    def __init__(self, source: Columns, read: RangeSet | None = None) -> None:
        self.source = source
        self.numbers = source.numbers
        self.subjects = [enc(s) for s in source.subjects]
        self.authors = [enc(a) for a in source.authors]
        self.ids = list(map(enc, source.ids.strings()))
        """Every Message-ID of the source (own and referenced), encoded, by code."""
        self.read = read_flags(source.numbers, read) if read is not None else bytearray(len(source))
        self._days: dict[int, str] = {}

    def fields(self, i: int, listed: Callable[[Sequence[str]], str]) -> Fields:
        """Article i's fields from number to read as JSON text (References as ``listed`` lays out a list)."""
        s = self.source
        refs, start, end = s.ref_codes, s.ref_starts[i], s.ref_starts[i + 1]
        ids = self.ids
        return (s.numbers[i], ids[s.id_codes[i]], self.subjects[s.subject_codes[i]],
                self.authors[s.author_codes[i]], self.date(s.stamps[i]), s.lines[i], s.sizes[i],
                listed([ids[c] for c in refs[start:end]]) if start != end else "[]", _BOOL[self.read[i]])

    def message_id(self, i: int) -> str:
        return self.ids[self.source.id_codes[i]]

    def date(self, stamp: int) -> str:
        """``"isoformat()"`` of the UTC datetime of ``stamp`` (whole seconds), or null."""
        if stamp == NO_DATE:
            return "null"
        day, second = divmod(stamp, 86400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = '"' + datetime.fromtimestamp(day * 86400, timezone.utc).isoformat()[:11]
        minute, second = divmod(second, 60)
        return prefix + _MINUTES[minute] + _SECONDS[second]


def texts_for(cache: dict[int, ColumnTexts], source: Columns, read: RangeSet | None) -> ColumnTexts:
    """The ColumnTexts of ``source``, made on first use (``cache`` is keyed by the source's id)."""
    texts = cache.get(id(source))
    if texts is None or texts.source is not source:
        texts = cache[id(source)] = ColumnTexts(source, read)
    return texts


def flat_list(items: Sequence[str]) -> str:
    """A JSON list of already-encoded strings on one line."""
    return "[" + ", ".join(items) + "]" if items else "[]"
