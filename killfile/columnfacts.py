"""``Facts`` read straight from ``nntp.columns.Columns``: no ``Overview`` per article on a scoring run.

Records cost the engine a pass per field (and the records themselves); columns
already are the per-field arrays the engine wants. Subjects and authors come
coded, numbers and dates are arrays of C integers, and every Message-ID (an
article's own and those its References name) is an integer code into one
table, so thread identity, parents and thread rules work on integers and the
Message-ID strings are decoded only when a rule or a cap needs them.

Every answer is the one ``Facts`` gives on ``list(columns)``: the tests score
both ways and compare (tests/killfile/test_columns_scoring.py). That rests on
the Message-ID table holding distinct strings, which every builder of Columns
guarantees (one code per distinct ID).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from itertools import accumulate, compress
from datetime import datetime
from functools import cached_property
from typing import Any

from nntp.columns import NO_DATE, Columns, StringTable

from killfile.facts import Facts, reply_ids
from killfile.kernels import code_threads, decode_coded, find_strings, naming_codes, shared_codes, stamp_days
from killfile.matchers import CodedTexts

class ColumnFacts(Facts):
    """``Facts`` over ``Columns``: the same properties, read from the arrays."""

    def __init__(self, articles: Sequence[Any]) -> None:
        assert isinstance(articles, Columns)  # Facts.__new__ sends only Columns here
        super().__init__(articles)
        self.columns = articles

    # -- overview fields --------------------------------------------------------------------------
    @cached_property
    def subjects(self) -> list[str]:
        return self.columns.subject_column()

    @cached_property
    def authors(self) -> list[str]:
        return self.columns.author_column()

    @cached_property
    def message_ids(self) -> list[str]:
        table = self.columns.ids
        return decode_coded(table.blob, table.ends, self.columns.id_codes)

    @cached_property
    def references(self) -> list[tuple[str, ...]]:
        """As strings: only the rules that read References as text, plugins and thread roots want them."""
        return self.columns.references_column()

    @cached_property
    def subject_codes(self) -> tuple[list[int], list[str]]:
        return shared_codes(self.columns.subject_codes), self.columns.subjects

    @cached_property
    def author_codes(self) -> tuple[list[int], list[str]]:
        return shared_codes(self.columns.author_codes), self.columns.authors

    def subject(self, i: int) -> str:
        return self.columns.subject(i)

    @cached_property
    def dates(self) -> list[datetime | None]:
        return self.columns.date_column()

    def date(self, i: int) -> datetime | None:
        return self.columns.date(i)

    @property
    def date_keys(self) -> Sequence[int]:
        """The whole-second stamps: ``kernels.beyond`` ranks them as it ranks the dates they stand for."""
        return self.columns.stamps

    @property
    def number_keys(self) -> Sequence[int]:
        return self.columns.numbers

    @property
    def tie_ids(self) -> Sequence[str]:
        """The Message-IDs, decoded only when a cap's ranking comes to a tie that needs them."""
        return CodedTexts(self.columns.ids, self.columns.id_codes)

    @cached_property
    def numbers(self) -> list[int]:
        return self.columns.numbers.tolist()

    @cached_property
    def lines(self) -> list[int]:
        return self.columns.lines.tolist()

    @cached_property
    def sizes(self) -> list[int]:
        return self.columns.sizes.tolist()

    @cached_property
    def xrefs(self) -> list[str]:
        table = self.columns.xrefs
        return decode_coded(table.blob, table.ends, None)

    def texts(self, header: str) -> Sequence[str] | None:
        """Message-ID, References and Xref scans read the string tables' bytes (``matchers.CodedTexts``)."""
        c = self.columns
        if header == "message-id":
            return CodedTexts(c.ids, c.id_codes)
        if header == "references":
            return CodedTexts(c.ids, c.ref_codes, c.ref_starts)
        if header == "xref":
            return CodedTexts(c.xrefs)
        if header == "parent":  # the last reference, as a run of one code (none: an empty line)
            starts, refs = c.ref_starts, c.ref_codes
            named = [starts[i + 1] > starts[i] for i in range(len(c))]
            last = array("i", [refs[starts[i + 1] - 1] for i in compress(range(len(c)), named)])
            return CodedTexts(c.ids, last, array("q", accumulate(named, initial=0)))
        return None

    @cached_property
    def extras(self) -> dict[int, tuple[tuple[str, str], ...]]:
        return {i: extra for i, extra in self.columns.extras.items() if extra}

    @cached_property
    def utc_days(self) -> list[int]:
        return stamp_days(self.columns.stamps)

    @cached_property
    def timestamps(self) -> list[float | None]:
        return [float(s) if s != NO_DATE else None for s in self.columns.stamps]

    # -- Message-IDs as codes -----------------------------------------------------------------------
    def keys_of(self, message_ids: set[str]) -> dict[Any, str]:
        return find_codes(self.columns.ids, message_ids)

    @property
    def own_keys(self) -> Sequence[Any]:
        return self.columns.id_codes

    def reference_keys(self, i: int) -> Sequence[Any]:
        return self.columns.reference_codes(i)

    def having(self, keys: set[Any]) -> list[int]:
        return naming_codes(self.columns.id_codes, None, keys)

    def naming(self, keys: set[Any]) -> list[int]:
        return naming_codes(self.columns.ref_codes, self.columns.ref_starts, keys)

    def without_references(self, indices: Sequence[int]) -> list[int]:
        starts = self.columns.ref_starts
        return [i for i in indices if starts[i] == starts[i + 1]]

    @cached_property
    def thread_ids(self) -> list[int]:
        """``Facts.thread_ids`` by union-find on the ID codes (``kernels.code_threads``): no string hashed."""
        c = self.columns
        named = {i: reply_ids(extra) for i, extra in self.extras.items()}
        codes = {m: k for k, m in find_codes(c.ids, {m for ids in named.values() for m in ids}).items()}
        nodes = len(c.ids)
        for ids in named.values():  # an ID only an In-Reply-To names gets a code past the table's
            for m in ids:
                if m not in codes:
                    codes[m] = nodes
                    nodes += 1
        links = [(i, codes[m]) for i, ids in named.items() for m in ids]
        return code_threads(c.id_codes, c.ref_starts, c.ref_codes, nodes, links)

    @cached_property
    def parents(self) -> list[int]:
        """``Facts.parents`` on codes: the nearest ancestor present, last reference first, or -1."""
        c = self.columns
        index_of = [-1] * len(c.ids)
        for i in self.by_id.values():  # the article each Message-ID stands for (duplicates settled there)
            index_of[c.id_codes[i]] = i
        starts, refs, own = c.ref_starts, c.ref_codes, c.id_codes
        out = []
        for i in range(len(c)):
            start, end = starts[i], starts[i + 1]
            found = index_of[refs[end - 1]] if end > start else -1
            if end > start and (found < 0 or found == i):
                found = next((index_of[r] for r in reversed(refs[start:end]) if index_of[r] >= 0 and r != own[i]), -1)
            out.append(found)
        return out


def find_codes(table: StringTable, values: Iterable[str]) -> dict[int, str]:
    """Code -> value for those of ``values`` the table holds (``kernels.find_strings``: one pass over its
    bytes), without a lookup of the whole table: a dict of 175,000 IDs would cost 10 MB and a decode of each."""
    wanted = sorted(set(values))
    found = find_strings(table.blob, table.ends, [v.encode("utf-8", "surrogatepass") for v in wanted])
    return {code: value for code, value in zip(found, wanted) if code >= 0}
