"""Compiled text conditions: each header of each article is scanned once, whatever the rule count.

All substring / exact / regex tests on one header become
  1. one RE2 alternation run over every value joined by newlines (one linear
     pass in C over the whole group), which finds the few lines that could
     match anything; then
  2. one RE2 ``Set`` match on each of those lines, which says exactly which
     tests matched.
A pattern that cannot take part in the joined pass (it uses ``\\A``/``\\z`` or
turns multi-line mode off) just makes every line a candidate: slower, never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from nntp.columns import StringTable

from killfile import regex
from killfile.kernels import as_list, codes, count_newlines, gather_codes, join_coded, join_lines, join_references
from killfile.model import Leaf

_UNJOINABLE = re.compile(r"\\[Az]|\(\?[a-zA-Z]*-")
"""Anchors that mean "start/end of the value": wrong once values are joined by newlines."""


UNIQUE = frozenset({"message-id", "references", "xref", "body", "parent", "date"})
"""Headers whose values are (nearly) all different: de-duplicating them would only cost a pass."""


def leaf_pattern(leaf: Leaf) -> str:
    """The RE2 pattern of a text leaf, case flag included."""
    text = str(leaf.value)
    if leaf.kind == "contains":
        body = regex.literal(text)
    elif leaf.kind == "equals":
        body = "^" + regex.literal(text) + "$"
    else:
        body = text
    return regex.with_case(body, leaf.case)


class TextMatcher:
    """Every text leaf on one header, compiled once per rule set."""

    def __init__(self, header: str, leaves: Sequence[Leaf]) -> None:
        self.header = header
        patterns: dict[str, list[Leaf]] = {}
        for leaf in leaves:
            patterns.setdefault(leaf_pattern(leaf), []).append(leaf)
        self.patterns = list(patterns)
        self.leaves_of = [patterns[p] for p in self.patterns]
        re2 = regex.engine()
        self._set = re2.Set.SearchSet(regex.options())
        for pattern in self.patterns:
            self._set.Add(pattern)
        self._set.Compile()
        self._match = self._set._set.Match
        joinable = header != "body" and not any(_UNJOINABLE.search(p) for p in self.patterns)
        combined = "(?m)" + "|".join(f"(?:{p})" for p in self.patterns)
        self._prefilter = re2.compile(combined, regex.options())._regexp if joinable else None

    def scan(self, values: Sequence[str], indices: Sequence[int] | None = None) -> dict[Leaf, set[int]]:
        """Which articles each leaf matches; ``indices[k]`` is the article of ``values[k]``.

        Subjects and authors repeat a great deal, so only distinct values are
        searched (``scan_coded``); one pass over the codes then finds the articles
        carrying a matching value.
        """
        if self.header in UNIQUE:
            return self._scan_unique(values, indices, self._no_hits())
        value_codes, distinct = codes(as_list(values))
        hits = self.scan_coded(value_codes, distinct)
        if indices is not None:
            hits = {leaf: {indices[k] for k in found} for leaf, found in hits.items()}
        return hits

    def scan_coded(self, value_codes: list[int], distinct: Sequence[str]) -> dict[Leaf, set[int]]:
        """``scan`` of values given as (code of each article's value, the distinct values)."""
        hits = self._no_hits()
        matched: list[tuple[int, ...] | None] = [None] * len(distinct)
        for k in self._candidates(distinct):
            found = self._match(_one_line(distinct[k]).encode("utf-8", "replace"))
            if found:
                matched[k] = tuple(found)
        for patterns, articles in gather_codes(value_codes, matched).items():
            for pattern_index in patterns:
                for leaf in self.leaves_of[pattern_index]:
                    hits[leaf].update(articles)
        return hits

    def _no_hits(self) -> dict[Leaf, set[int]]:
        return {leaf: set() for group in self.leaves_of for leaf in group}

    def _scan_unique(self, values: Sequence[str], indices: Sequence[int] | None,
                     hits: dict[Leaf, set[int]]) -> dict[Leaf, set[int]]:
        """Headers whose values rarely repeat: no de-duplication pass, candidates map straight back."""
        flatten = _one_line if self.header != "body" else str  # a body keeps its lines for (?m)^
        for k in self._candidates(values):
            found = self._match(flatten(values[k]).encode("utf-8", "replace"))
            for pattern_index in found or ():
                for leaf in self.leaves_of[pattern_index]:
                    hits[leaf].add(indices[k] if indices is not None else k)
        return hits

    def _candidates(self, values: Sequence[str]) -> list[int]:
        """Line numbers where the joined alternation finds a match (a superset of the true hits)."""
        if self._prefilter is None:
            return list(range(len(values)))
        big = values.joined() if isinstance(values, (ReferenceTexts, CodedTexts)) else join_lines(as_list(values))
        search = self._prefilter.Match
        unanchored = regex.engine()._Anchor.UNANCHORED
        end = len(big)
        out: list[int] = []
        pos = last = line = 0
        while pos <= end:
            start = search(unanchored, big, pos, end)[0][0]
            if start < 0:
                break
            line += count_newlines(big, last, start)
            last = start
            out.append(line)
            newline = big.find(b"\n", start)
            if newline < 0:
                break
            pos = newline + 1
        return out


class ReferenceTexts(Sequence[str]):
    """Each article's References as header text, built only for the lines a scan looks at.

    A References scan reads every article's Message-IDs once, joined straight
    into one buffer (``join_references``); only candidate lines need their text.
    """

    def __init__(self, references: Sequence[tuple[str, ...]]) -> None:
        self.references = as_list(references)

    def __len__(self) -> int:
        return len(self.references)

    def __getitem__(self, k: int) -> str:  # type: ignore[override]  # Sequence's also takes slices; none come here
        return " ".join(self.references[k])

    def joined(self) -> bytes:
        return join_references(self.references)


class CodedTexts(Sequence[str]):
    """A header's text per article from a ``StringTable`` of ``nntp.columns.Columns``, joined for a scan
    straight from the table's bytes (``kernels.join_coded``): no string per article.

    Line i is ``table[codes[i]]`` (Message-IDs), ``table[i]`` without codes (Xref),
    or with ``starts`` the codes ``codes[starts[i]:starts[i + 1]]`` joined by spaces
    (References). Only candidate lines are decoded.
    """

    def __init__(self, table: StringTable, codes: Sequence[int] | None = None,
                 starts: Sequence[int] | None = None) -> None:
        self.table, self.codes, self.starts = table, codes, starts

    def __len__(self) -> int:
        if self.starts is not None:
            return len(self.starts) - 1
        return len(self.codes) if self.codes is not None else len(self.table)

    def __getitem__(self, k: int) -> str:  # type: ignore[override]  # as ReferenceTexts: no slices come here
        table, codes, starts = self.table, self.codes, self.starts
        if starts is not None:
            assert codes is not None
            return " ".join(table[c] for c in codes[starts[k]:starts[k + 1]])
        return table[codes[k]] if codes is not None else table[k]

    def joined(self) -> bytes:
        """``join_lines`` of the lines; from the bytes unless a string holds a line break or a lone surrogate
        (which ``join_lines`` rewrites), then from the decoded lines."""
        blob = self.table.blob
        if b"\n" in blob or b"\r" in blob or (b"\xed" in blob and _SURROGATE.search(blob)):
            return join_lines([self[k] for k in range(len(self))])
        return join_coded(blob, self.table.ends, self.codes, self.starts)


_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
"""A lone surrogate as ``surrogatepass`` stores it in a StringTable."""


def _one_line(value: str) -> str:
    if "\n" in value or "\r" in value:
        return value.replace("\r", " ").replace("\n", " ")
    return value
