"""JWZ on integer Message-ID codes, in Python: the reference ``layout`` that nntp/_threading.pyx compiles.

Every Message-ID (an article's own and those its References name) is a code,
and JWZ's containers are arrays indexed by code (past the codes: duplicate
articles), so threading hashes no string per reference and makes no object per
Message-ID. ``layout`` gives the threaded forest in preorder as two arrays, which
nntp.threads turns into nodes: ``items`` (an article index, or ``~code`` for a
dummy) and ``counts`` (how many children follow each). Subject grouping lives
only here; without it the compiled layout gives the same arrays
(tests/nntp/test_threads_columns.py compares them on random forests).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Sequence
from itertools import islice
from typing import cast

NO_DATE = -(2**63)
"""A date key meaning no date (nntp.columns.NO_DATE): it sorts as the epoch."""
_NUMBER_BIAS = 2**63
"""Added to an article number in a sort key, so any signed 64-bit number sorts below the next second."""
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def normalize_subject(subject: str) -> str:
    """Subject without reply prefixes (Re:, AW:, Re[2]:), case-folded, for grouping."""
    return _REPLY_PREFIX.sub("", subject).strip().casefold()


def layout(own: Sequence[int], starts: Sequence[int], refs: Sequence[int], codes: int, dates: Sequence[int],
           numbers: Sequence[int], subject: Callable[[int], str] | None = None) -> tuple[array[int], array[int]]:
    """(items, counts) of the threaded forest in preorder; ``subject(i)`` (normalized) groups roots by subject.

    Article i's own Message-ID code is ``own[i]``, its References' codes are
    ``refs[starts[i]:starts[i + 1]]``; codes run below ``codes``. Children and
    roots sort by (``dates[i]``, ``numbers[i]``), ``NO_DATE`` as 0.
    """
    forest = _Forest(own, starts, refs, codes, dates, numbers)
    return forest.emit(forest.roots(subject))


_UNSEEN = -2
"""``art`` of a code no article has named yet (no container)."""
_DUMMY = -1
"""``art`` of a container named only by References (and ``par`` of a container without parent)."""


class _Forest:
    """JWZ's containers as arrays indexed by container: a code, or past the codes a duplicate article.

    ``art[c]`` is the article index (or _DUMMY/_UNSEEN), ``par[c]`` the parent
    container (or -1), ``kids[c]`` the children in the order they arrived (None
    until one does); ``order`` lists containers as they were made, which is the
    order roots come in before sorting.
    """

    def __init__(self, own: Sequence[int], starts: Sequence[int], refs: Sequence[int], codes: int,
                 dates: Sequence[int], numbers: Sequence[int]) -> None:
        self.dates, self.numbers = dates, numbers
        self.art = array("i", [_UNSEEN]) * codes
        self.par = array("i", [-1]) * codes
        self.kids: list[list[int] | None] = [None] * codes
        self.order: list[int] = []
        self._link_all(own, starts, refs)

    def key(self, article: int) -> int:
        """Article's (date, number) as one int (-1: no article, the epoch and number 0)."""
        if article < 0:
            return _NUMBER_BIAS
        date = self.dates[article]
        return ((0 if date == NO_DATE else date) << 64) + self.numbers[article] + _NUMBER_BIAS

    def _link_all(self, own_codes: Sequence[int], starts: Sequence[int], refs: Sequence[int]) -> None:
        """JWZ's first pass: each article's References chain, then its own parent (its References win)."""
        art, par, kids, order = self.art, self.par, self.kids, self.order
        for i, (own, start, end) in enumerate(zip(own_codes, starts, islice(starts, 1, None))):
            held = art[own]
            if held < 0:
                if held == _UNSEEN:
                    order.append(own)
                art[own] = i
                box = own
            else:  # a duplicate Message-ID: keep both articles, the later one as its own container
                box = len(art)
                art.append(i)
                par.append(-1)
                kids.append(None)
                order.append(box)
            parent = -1
            for k in range(start, end):
                ref = refs[k]
                if ref == own:
                    continue
                if art[ref] == _UNSEEN:
                    art[ref] = _DUMMY
                    order.append(ref)
                    if parent >= 0:
                        self._adopt(ref, parent)
                elif parent >= 0 and par[ref] < 0 and not self._reaches(ref, parent):
                    self._adopt(ref, parent)
                parent = ref
            if parent >= 0 and self._reaches(box, parent):
                parent = -1
            old = par[box]
            if old != parent:
                if old >= 0:
                    cast("list[int]", kids[old]).remove(box)
                    par[box] = -1
                if parent >= 0:
                    self._adopt(box, parent)

    def _adopt(self, child: int, parent: int) -> None:
        self.par[child] = parent
        siblings = self.kids[parent]
        if siblings is None:
            self.kids[parent] = [child]
        else:
            siblings.append(child)

    def _reaches(self, ancestor: int, node: int) -> bool:
        """True if ``ancestor`` is ``node`` or one of its ancestors (linking would loop).

        A container without children can only be ``node`` itself, never above it: that
        shortcut keeps in-order deep chains linear instead of walking every ancestor.
        """
        if not self.kids[ancestor]:
            return ancestor == node
        par = self.par
        while node >= 0:
            if node == ancestor:
                return True
            node = par[node]
        return False

    def roots(self, subject: Callable[[int], str] | None) -> list[int]:
        """The pruned (and optionally subject-grouped) roots, each subtree sorted, roots in their final order."""
        par = self.par
        roots = self._prune([c for c in self.order if par[c] < 0])
        if subject is not None:
            roots = self._group_by_subject(roots, subject)
        for root in roots:
            self._sort_below(root)
        roots.sort(key=self._first_key)
        return roots

    def _prune(self, roots: list[int]) -> list[int]:
        """Drop empty dummies, splice non-root dummies, promote a lone child of a dummy root."""
        art, kids, result = self.art, self.kids, []
        for root in roots:
            self._splice_dummies(root)
            below = kids[root]
            if art[root] < 0 and not below:
                continue
            if art[root] < 0 and below is not None and len(below) == 1:
                result.append(below[0])
            else:
                result.append(root)
        return result

    def _splice_dummies(self, root: int) -> None:
        """Replace each dummy below the root by its children (iteratively)."""
        art, kids, stack = self.art, self.kids, [root]
        while stack:
            below = kids[stack.pop()]
            if below:
                for child in below:
                    if art[child] < 0:
                        below[:] = self._expanded(below)
                        break
                stack.extend(below)

    def _expanded(self, below: list[int]) -> list[int]:
        art, kids, out = self.art, self.kids, []
        pending = below[::-1]
        while pending:
            child = pending.pop()
            if art[child] < 0:
                pending.extend(reversed(kids[child] or ()))
            else:
                out.append(child)
        return out

    def _group_by_subject(self, roots: list[int], subject: Callable[[int], str]) -> list[int]:
        """Attach roots whose normalised subject matches an earlier root below that root."""
        art, kids = self.art, self.kids
        first: dict[str, int] = {}
        kept: list[int] = []
        for root in sorted(roots, key=self._container_key):
            below = kids[root]
            article = art[root] if art[root] >= 0 else (art[below[0]] if below else -1)
            title = subject(article) if article >= 0 else ""
            owner = first.get(title) if title else None
            if owner is None or art[owner] < 0:
                if title:
                    first.setdefault(title, root)
                kept.append(root)
                continue
            self._adopt(root, owner)
        return kept

    def _container_key(self, box: int) -> int:
        """A container's date key: its article's, or a dummy's first child's (as they stand now)."""
        article = self.art[box]
        if article < 0:
            below = self.kids[box]
            article = self.art[below[0]] if below else -1
        return self.key(article)

    def _sort_below(self, root: int) -> None:
        """Sort every container's children by date, top-down (a dummy's key reads its children unsorted)."""
        kids, key, stack = self.kids, self._container_key, [root]
        while stack:
            below = kids[stack.pop()]
            if below:
                if len(below) > 1:
                    below.sort(key=key)
                stack.extend(below)

    def _first_key(self, root: int) -> int:
        """A root's key: its article's, or for a dummy the first article depth-first below it."""
        art, kids, box = self.art, self.kids, root
        while art[box] < 0:
            below = kids[box]
            if not below:
                return self.key(-1)
            box = below[0]
        return self.key(art[box])

    def emit(self, roots: list[int]) -> tuple[array[int], array[int]]:
        """The forest in preorder: ``items`` (article index, or ~code for a dummy) and ``counts`` of children."""
        art, kids = self.art, self.kids
        items, counts = array("i"), array("i")
        for root in roots:
            stack = [root]
            while stack:
                box = stack.pop()
                below = kids[box]
                items.append(art[box] if art[box] >= 0 else ~box)
                counts.append(len(below) if below else 0)
                if below:
                    stack.extend(reversed(below))
        return items, counts


def forest_shape(counts: Sequence[int]) -> tuple[array[int], array[int], array[int], array[int]]:
    """(parents, ends, depths, roots) of a preorder layout: each slot's parent slot (-1 for a root), the slot
    just past its subtree, its depth, and the slots of the roots followed by the layout's length (what
    nntp/_threading.pyx's ``forest_shape`` computes at C speed)."""
    n = len(counts)
    parents, ends, depths = array("i", [-1]) * n, array("i", [0]) * n, array("i", [0]) * n
    roots = array("i")
    stack: list[list[int]] = []  # [slot, children it still awaits]
    for s in range(n):
        while stack and stack[-1][1] == 0:
            ends[stack.pop()[0]] = s
        if stack:
            stack[-1][1] -= 1
            parents[s], depths[s] = stack[-1][0], len(stack)
        else:
            roots.append(s)
        if counts[s] < 0:
            raise ValueError("threading: a layout with a negative child count")
        stack.append([s, counts[s]])
    for slot, _ in stack:
        ends[slot] = n
    roots.append(n)
    return parents, ends, depths, roots


def subset_layout(items: Sequence[int], parents: Sequence[int],
                  wanted: bytes | bytearray) -> tuple[array[int], array[int]]:
    """(items, counts) of the layout keeping the slots of the articles ``wanted`` (a flag per article index)
    and their ancestors, in the same order (what nntp/_threading.pyx's ``subset_layout`` computes)."""
    n = len(items)
    keep = bytearray(n)
    for s, item in enumerate(items):
        if item >= len(wanted) or parents[s] >= s:
            raise ValueError("threading: a slot names an article or parent out of range")
        keep[s] = item >= 0 and wanted[item] != 0
    for s in range(n - 1, -1, -1):
        if keep[s] and parents[s] >= 0:
            keep[parents[s]] = 1
    renumbered, kept = array("i", [0]) * n, 0
    for s in range(n):
        if keep[s]:
            renumbered[s], kept = kept, kept + 1
    out_items, out_counts = array("i", [0]) * kept, array("i", [0]) * kept
    for s in range(n):
        if keep[s]:
            out_items[renumbered[s]] = items[s]
            if parents[s] >= 0:
                out_counts[renumbered[parents[s]]] += 1
    return out_items, out_counts


def slot_threads(items: Sequence[int], starts: Sequence[int], id_codes: Sequence[int], articles: int,
                 codes: int) -> tuple[array[int], array[int], array[int]]:
    """Each slot's thread: by article index, by Message-ID code (-1: none), and the missing articles' (code,
    thread) pairs one after another (what nntp/_threading.pyx's ``slot_threads`` computes)."""
    thread_at, by_code, missing = array("i", [-1]) * articles, array("i", [-1]) * codes, array("i")
    for position in range(len(starts) - 1):
        for item in items[starts[position]:starts[position + 1]]:
            if item >= 0:
                thread_at[item] = position
                by_code[id_codes[item]] = position
            else:
                missing.extend((~item, position))
    return thread_at, by_code, missing
