"""Read marks of the group being read: what the thread rows consult, and the writes for the store.

The thread view asks "is this article read?" only for the rows it draws, by a
binary search in the group's RangeSet, so 150,000 rows cost nothing until they
are on screen and a mark never rebuilds rows. n/p/N look for unread articles in a
view of the unread numbers (membership is a binary search in the sorted numbers
and one in the RangeSet; the count is kept as marks change), so scanning every
row for one far away still fits in a keypress, and 150,000 unread articles cost
no set of 150,000 numbers. The unread articles the killfile hides are counted apart
(``unread_hidden``, kept as marks change), so the status line reads both counts in
O(1). Every change is applied here at once (the UI thread owns this object) and
queued as an operation; the queue is drained on the session thread, in order, by
:meth:`ReadMarks.flush`, so a quick read / unread / read of one article ends in the
store as it ends on screen.
Pure Python: no textual, no rich.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from nntp.threads import Forest, ThreadNode
from app.nodes import with_children
from store.library import Library
from store.ranges import RangeSet
from store.readstate import MarkWriter
from store.visits import Visit

Operation = tuple[str, str, int | tuple[int, ...]]
"""("read" | "unread" | "through", group, article number), or ("read", group, numbers) for many at once."""


class ReadMarks:
    """The read marks of one group, with the unread and unread-hidden counts kept as marks change."""

    def __init__(self, group: str, read: RangeSet, numbers: Iterable[int], high: int = 0) -> None:
        self.group = group
        self.read = read
        listed = array("q", numbers)  # 8 bytes a number (a list of ints from Columns' array: 36)
        ascending = all(map(operator.lt, listed, islice(listed, 1, None)))  # the usual case: no set needed
        self._numbers = listed if ascending else array("q", sorted(set(listed)))
        self.high = max(high, self._numbers[-1] if self._numbers else 0)
        """Catching up marks everything up to here (the group's high-water mark)."""
        self._unread = len(self._numbers) - self._read_among(self._numbers)
        self._hidden: list[int] = []
        """The group's articles the killfile hides (sorted), from the last scoring: see ``set_hidden``."""
        self._unread_hidden = 0
        self.unread_numbers = UnreadNumbers(self)
        """The group's articles (as loaded) that are not read: what n/p/N look for."""
        self._pending: deque[Operation] = deque()

    def _read_among(self, numbers: Sequence[int]) -> int:
        """How many of these (sorted) numbers are read: a bisection per read range, not a test per article."""
        if not numbers:
            return 0
        return sum(bisect_right(numbers, high) - bisect_left(numbers, low)
                   for low, high in self.read.ranges() if high >= numbers[0] and low <= numbers[-1])

    @property
    def total(self) -> int:
        return len(self._numbers)

    @property
    def unread(self) -> int:
        """Unread articles of the group, hidden ones included."""
        return self._unread

    @property
    def unread_hidden(self) -> int:
        """Unread articles the killfile hides: not what is left to read, so the status line shows them apart."""
        return self._unread_hidden

    def set_hidden(self, numbers: Iterable[int]) -> None:
        """The articles the killfile hides now (the group was scored again): counted once here, then kept
        as marks change, instead of checking every hidden number against the marks at each refresh."""
        self._hidden = sorted({number for number in numbers if self._present(number)})
        self._unread_hidden = len(self._hidden) - self._read_among(self._hidden)

    def is_read(self, number: int) -> bool:
        return number in self.read

    def _present(self, number: int) -> bool:
        return _holds(self._numbers, number)

    def _count(self, number: int, change: int) -> None:
        """``number`` turned read (-1) or unread (+1): the counts follow, if it is one of the group's."""
        if self._present(number):
            self._unread += change
            if _holds(self._hidden, number):
                self._unread_hidden += change

    def mark_read(self, number: int) -> bool:
        """-> whether anything changed (the article was unread)."""
        if number in self.read:
            return False
        self.read.add(number)
        self._count(number, -1)
        self._pending.append(("read", self.group, number))
        return True

    def mark_all_read(self, numbers: Iterable[int]) -> int:
        """Many articles read at once (the killed ones, after scoring), queued as one write; -> how many
        were unread. One store transaction, not one per article: a kill can take thousands."""
        fresh = tuple(sorted({number for number in numbers if number not in self.read}))
        for number in fresh:
            self.read.add(number)
            self._count(number, -1)
        if fresh:
            self._pending.append(("read", self.group, fresh))
        return len(fresh)

    def mark_crossposts_read(self, xref: str) -> int:
        """A read article's copies in the other groups of its Xref header are read too (as slrn and
        tin do), so they do not come back unread there; -> how many were queued."""
        others = [(group, number) for group, number in xref_targets(xref) if group != self.group]
        self._pending.extend(("read", group, number) for group, number in others)
        return len(others)

    def mark_unread(self, number: int) -> bool:
        if number not in self.read:
            return False
        self.read.remove(number)
        self._count(number, +1)
        self._pending.append(("unread", self.group, number))
        return True

    def toggle(self, number: int) -> bool:
        """Flip one article; -> True if it is read now."""
        if self.mark_unread(number):
            return False
        return self.mark_read(number)

    def catch_up(self) -> int:
        """Everything up to ``high`` is read; -> how many articles that marked."""
        marked = self.unread
        if self.high:
            self.read.add_range(1, self.high)
            self._pending.append(("through", self.group, self.high))
        self._unread = len(self._numbers) - self._read_among(self._numbers)
        self._unread_hidden = len(self._hidden) - self._read_among(self._hidden)
        return marked - self._unread

    def add_articles(self, numbers: Iterable[int], high: int = 0) -> int:
        """Articles that arrived after the group was entered (the thread list reloaded after a post):
        unread unless already marked read; -> how many are new. New articles get numbers above every
        known one, so only those are looked at (one pass, no set of 150,000 numbers)."""
        last = self._numbers[-1] if self._numbers else 0
        new = sorted({number for number in numbers if number > last})
        self._numbers.extend(new)
        self._unread += len(new) - self._read_among(new)
        self.high = max(self.high, high, new[-1] if new else 0)
        return len(new)

    def snapshot(self) -> RangeSet:
        """A copy of the read set, for a worker thread to filter rows with."""
        return RangeSet(self.read.ranges())

    def flush(self, state: MarkWriter) -> int:
        """Write the queued changes, oldest first (session thread only); -> how many."""
        done = 0
        while self._pending:
            kind, group, number = self._pending.popleft()
            if isinstance(number, tuple):
                state.mark_read(group, number)
            elif kind == "read":
                state.mark_read(group, (number,))
            elif kind == "unread":
                state.mark_unread(group, (number,))
            else:
                state.mark_through(group, number)
            done += 1
        return done


class UnreadNumbers:
    """The unread articles of a ReadMarks, as a read-only set-like view (nothing copied)."""

    def __init__(self, marks: ReadMarks) -> None:
        self._marks = marks

    def __contains__(self, number: object) -> bool:
        marks = self._marks
        return isinstance(number, int) and marks._present(number) and number not in marks.read

    def __len__(self) -> int:
        return self._marks.unread

    def __iter__(self) -> Iterator[int]:
        read = self._marks.read
        return (number for number in self._marks._numbers if number not in read)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (set, frozenset)):
            return set(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # unhashable, as set is; typeshed types object.__hash__ as a method

    def __repr__(self) -> str:
        return f"UnreadNumbers({len(self)} of {self._marks.total})"


def prune_read(roots: Iterable[ThreadNode], read: RangeSet) -> Sequence[ThreadNode]:
    """Only the threads with unread articles, and in them only the unread articles and their ancestors.

    A read parent of an unread reply stays (with its article) so the reply keeps
    its context and the tree its shape; whole read threads go. A ``Forest`` gives
    a Forest of the slots kept: no node made.
    """
    if isinstance(roots, Forest):
        return roots.subset(bytearray(number not in read for number in roots.source.numbers))
    pruned: list[ThreadNode] = []
    for root in roots:
        kept: dict[int, ThreadNode] = {}
        for _depth, node in reversed(list(root.walk())):
            children = tuple(kept[id(child)] for child in node.children if id(child) in kept)
            number = node.number
            if (number is not None and number not in read) or children:
                kept[id(node)] = with_children(node, children)
        if id(root) in kept:
            pruned.append(kept[id(root)])
    return pruned


def begin_reading(library: Library, group: str, high: int) -> tuple[RangeSet, Visit | None]:
    """Entering ``group`` (session thread): its read marks and the previous visit; this visit is
    remembered (with ``high``) and the group is no longer flagged new."""
    read = library.read(group)
    previous = library.begin_visit(group, high)
    library.mark_groups_seen([group])
    return read, previous


def _holds(numbers: Sequence[int], number: int) -> bool:
    """Whether the sorted ``numbers`` hold ``number`` (a bisection: no set of 150,000 numbers)."""
    index = bisect_left(numbers, number)
    return index < len(numbers) and numbers[index] == number


def xref_targets(xref: str) -> list[tuple[str, int]]:
    """``"news.example.org a.b:12 c.d:7"`` -> [("a.b", 12), ("c.d", 7)]; malformed items are skipped
    (the header comes from the server, and a bad item must not stop reading)."""
    targets: list[tuple[str, int]] = []
    for item in xref.split()[1:]:
        group, sep, number = item.rpartition(":")
        if sep and group and number.isdigit():
            targets.append((group, int(number)))
    return targets
