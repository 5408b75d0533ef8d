"""Threading by Jamie Zawinski's algorithm (https://www.jwz.org/doc/threading.html).

References decide the tree (the overview's References, or In-Reply-To when a
source has no References); a Message-ID named but not present becomes a dummy
container. Duplicate Message-IDs are kept as separate articles, reference loops
are broken, and nothing recurses, so a hostile 100,000-deep chain is harmless.
Grouping roots by subject is optional and off by default.

JWZ runs on integers: every Message-ID (an article's own and those its
References name) is a code, and the containers are arrays indexed by code, so
a big group threads without hashing a string per reference or making one
container object per Message-ID. ``Columns`` come with those codes; records are
given them first. The algorithm is nntp/jwz_pure.py's ``layout`` (compiled in
nntp/_threading.pyx, same answers); it lays the forest out as two arrays, and
only the finished trees are objects: one ``ThreadNode`` per article, which in
columns mode holds (source, index) rather than a record.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right

import os
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from itertools import accumulate, chain, count
from operator import attrgetter
from types import EllipsisType
from typing import Any, overload

from nntp.columns import Columns
from nntp.gcpause import gc_paused
from nntp.jwz_pure import forest_shape as _pure_shape
from nntp.jwz_pure import slot_threads as _pure_slot_threads
from nntp.jwz_pure import subset_layout as _pure_subset
from nntp.jwz_pure import layout, normalize_subject
from nntp.memtrim import give_back
from nntp.models import Overview

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_MESSAGE_ID, _REFERENCES, _DATE, _NUMBER = (attrgetter(name) for name in ("message_id", "references", "date", "number"))

_compiled: Callable[..., tuple[array[int], array[int]]] | None
_compiled_nodes: Callable[..., list[ThreadNode]] | None
_shape: Callable[[array[int]], tuple[array[int], array[int], array[int], array[int]]]
_subset: Callable[[array[int], array[int], bytes | bytearray], tuple[array[int], array[int]]]
_slot_threads: Callable[[array[int], array[int], array[int], int, int], tuple[array[int], array[int], array[int]]]
try:
    if os.environ.get("PITH_PURE_KERNELS"):
        raise ImportError("PITH_PURE_KERNELS is set")
    from nntp._threading import build_nodes as _built_nodes
    from nntp._threading import forest_shape as _compiled_shape
    from nntp._threading import layout as _compiled_layout
    from nntp._threading import slot_threads as _compiled_slot_threads
    from nntp._threading import subset_layout as _compiled_subset
except ImportError:  # not built (no compiler at install time): nntp.jwz_pure's layout, same answers
    _compiled = _compiled_nodes = None
    _shape, _subset, _slot_threads = _pure_shape, _pure_subset, _pure_slot_threads
else:
    _compiled, _compiled_nodes = _compiled_layout, _built_nodes
    _shape, _subset, _slot_threads = _compiled_shape, _compiled_subset, _compiled_slot_threads
COMPILED = _compiled is not None
"""Whether threading without subject grouping runs the compiled layout (nntp/_threading.pyx)."""


class ThreadNode:
    """A node of a finished thread tree; its article is None for a dummy (missing) parent.

    Two modes behind one face. Record mode (``ThreadNode(article, message_id)``)
    holds the record, as trees always did. Columns mode (``ThreadNode.at(source,
    index)``) holds the group's ``Columns`` and the article's index in them, so a
    threaded 150,000-article group holds no record per article; ``article``
    builds one on each access (loops should read ``source``/``index``/``number``).
    The two slots ``_held`` and ``_key`` are (record, Message-ID) in record mode
    and (Columns, index) in columns mode: an int key is what says which.
    Treat nodes as immutable (``_replace`` derives a changed copy); ``children``
    is a tuple in date order.
    """

    __slots__ = ("_held", "_key", "children", "parent")

    def __init__(self, article: Overview | None, message_id: str, children: tuple[ThreadNode, ...] = ()) -> None:
        # Any, not Overview | Columns | None and str | int: the properties below run ~10 times per article on
        # entry, and typing.cast is a call each time; the key's type (int: columns mode) says what is held.
        self._held: Any = article
        self._key: Any = message_id
        self.children: tuple[ThreadNode, ...] = children
        self.parent: ThreadNode | None = None
        """Always None in a finished tree (kept for the API; threading keeps parents in arrays)."""

    @classmethod
    def at(cls, source: Columns, index: int, children: tuple[ThreadNode, ...] = ()) -> ThreadNode:
        """The node of article ``index`` of ``source`` (columns mode)."""
        node = _new_node(cls)
        node._held, node._key, node.children, node.parent = source, index, children, None
        return node

    @property
    def source(self) -> Columns | None:
        """The Columns of a columns-mode article node, else None (record mode, dummies)."""
        return self._held if type(self._key) is int else None

    @property
    def index(self) -> int:
        """The article's index in ``source``; -1 for record-mode nodes and dummies."""
        key = self._key
        return key if type(key) is int else -1

    @property
    def article(self) -> Overview | None:
        """The record (columns mode: built now, kept by nobody); None for a dummy."""
        key = self._key
        if type(key) is int:
            return self._held.record(key)
        return self._held

    @property
    def message_id(self) -> str:
        key = self._key
        return self._held.message_id(key) if type(key) is int else key

    @property
    def number(self) -> int | None:
        """The article's number, None for a dummy: cheap in both modes."""
        key, held = self._key, self._held
        if type(key) is int:
            return held.numbers[key]
        return held.number if held is not None else None

    def __repr__(self) -> str:
        return f"ThreadNode({self.number}, {self.message_id!r}, {len(self.children)} children)"

    def __eq__(self, other: object) -> bool:
        """Trees compare by content, whatever their modes (iteratively: any depth)."""
        if not isinstance(other, ThreadNode):
            return NotImplemented
        pairs = [(self, other)]
        while pairs:
            a, b = pairs.pop()
            if a is b:
                continue
            same_slot = a._held is b._held and a._key == b._key
            if len(a.children) != len(b.children) or not same_slot and (
                    a.message_id != b.message_id or a.article != b.article):
                return False
            pairs.extend(zip(a.children, b.children))
        return True

    def __hash__(self) -> int:
        return hash((self.number, self.message_id, len(self.children)))

    def _replace(self, *, article: Overview | None | EllipsisType = ..., children: tuple[ThreadNode, ...] | None = None,
                 message_id: str | None = None) -> ThreadNode:
        """A copy with some fields changed (the NamedTuple idiom this class replaced), in the same mode when it can."""
        kids = tuple(self.children) if children is None else children
        key = self._key
        if type(key) is int and isinstance(article, EllipsisType) and message_id is None:
            return ThreadNode.at(self._held, key, kids)
        return ThreadNode(self.article if isinstance(article, EllipsisType) else article,
                          self.message_id if message_id is None else message_id, kids)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, ThreadNode]]:
        """Depth-first (depth, node) pairs, this node first; iterative, any depth."""
        stack: list[tuple[int, ThreadNode]] = [(depth, self)]
        while stack:
            level, node = stack.pop()
            yield level, node
            stack.extend((level + 1, child) for child in reversed(node.children))

    def articles(self) -> Iterator[Overview]:
        """Every real article in this subtree, depth-first (columns mode builds each record)."""
        for _, node in self.walk():
            article = node.article
            if article is not None:
                yield article


_new_node = object.__new__


@overload
def thread(articles: Columns, by_subject: bool = False) -> Forest: ...  # type: ignore[overload-overlap]
# (Columns is an Iterable[Overview] too: the first overload wins for it, as intended)
@overload
def thread(articles: Iterable[Overview], by_subject: bool = False) -> list[ThreadNode]: ...
def thread(articles: Iterable[Overview] | Columns, by_subject: bool = False) -> Forest | list[ThreadNode]:
    """Build thread trees; roots and children ordered by date, then article number.

    Given ``Columns``, the trees are a ``Forest``: arrays, with the nodes of a
    thread made when it is asked for; the trees and their order are those the
    records of ``list(articles)`` give.
    """
    facts: _Facts = _ColumnFacts(articles) if isinstance(articles, Columns) else _RecordFacts(list(articles))
    with gc_paused():
        if by_subject or _compiled is None:
            items, counts = layout(facts.own, facts.starts, facts.refs, facts.codes, facts.dates, facts.numbers,
                                   facts.subject if by_subject else None)
        else:
            items, counts = _compiled(facts.own, facts.starts, facts.refs, facts.codes, facts.dates, facts.numbers)
        roots = Forest(facts, items, counts) if isinstance(facts, _ColumnFacts) else facts.nodes(items, counts)
    give_back(len(items))  # the arrays' pages, and those entering the group freed
    return roots


class Forest(Sequence[ThreadNode]):
    """The threads of a ``Columns``, kept as the layout's arrays: a thread's nodes are made when it is asked for.

    A node object per article costs ~116 bytes (local.huge: 116 MB); these arrays
    cost 24 bytes a slot. A *slot* is a place in the preorder layout: an article
    (``items[slot]`` >= 0, its index in ``source``) or a missing one (``~items[slot]``
    is its Message-ID code). Slots are in the order the thread view lists them,
    so the view draws rows straight from them (app/rows.py). ``forest[p]`` makes
    thread p's nodes anew on each access: compare nodes by value, not identity.
    """

    def __init__(self, facts: _ColumnFacts, items: array[int], counts: array[int]) -> None:
        self._facts = facts
        self.items = items
        self.parents, self.ends, self.depths, self.starts = _shape(counts)
        # the counts are not kept (4 bytes a slot): a thread's are counted again from the parents when made
        """Each slot's parent slot (-1: a root), the slot past its subtree, its depth; every root's slot and
        then the number of slots."""

    @property
    def source(self) -> Columns:
        return self._facts.source

    def __len__(self) -> int:
        return len(self.starts) - 1

    @overload
    def __getitem__(self, position: int) -> ThreadNode: ...
    @overload
    def __getitem__(self, position: slice) -> list[ThreadNode]: ...
    def __getitem__(self, position: int | slice) -> ThreadNode | list[ThreadNode]:
        if isinstance(position, slice):
            return [self.root(p) for p in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("thread position out of range")
        return self.root(position)

    def __eq__(self, other: object) -> bool:
        """Equal to the trees (a list, another Forest) it makes, by value."""
        if not isinstance(other, (Forest, list)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    def root(self, position: int) -> ThreadNode:
        """Thread ``position``'s tree, its nodes made now."""
        start, stop = self.starts[position], self.starts[position + 1]
        counts, parents = array("i", [0]) * (stop - start), self.parents
        for slot in range(start + 1, stop):
            counts[parents[slot] - start] += 1
        return self._facts.nodes(self.items[start:stop], counts)[0]

    def slot_id(self, slot: int) -> str:
        """The Message-ID of the article (or missing article) at ``slot``."""
        item, source = self.items[slot], self.source
        return source.message_id(item) if item >= 0 else source.ids[~item]

    def root_id(self, position: int) -> str:
        return self.slot_id(self.starts[position])

    def subset(self, wanted: bytes | bytearray) -> Forest:
        """The forest of the articles ``wanted`` (a flag per index of ``source``) and their ancestors, in the
        same order, each pruned thread drawn as its nodes would be pruned (a kept missing article keeps only
        its kept replies)."""
        items, counts = _subset(self.items, self.parents, wanted)
        return Forest(self._facts, items, counts)

    def slot_threads(self) -> tuple[array[int], array[int], array[int]]:
        """Each article's thread position by index, by Message-ID code (-1: none), and the missing articles'
        (code, position) pairs one after another: what a root index is built from, no node made."""
        source = self.source
        return _slot_threads(self.items, self.starts, source.id_codes, len(source), len(source.ids))

    def thread_at(self, slot: int) -> int:
        """The position of the thread holding ``slot``."""
        return bisect_right(self.starts, slot) - 1


def _build(facts: _Facts, items: array[int], counts: array[int]) -> list[ThreadNode]:
    """Nodes from the preorder layout, bottom-up (a node's children are made before it): no recursion."""
    stack: list[ThreadNode] = []
    node, dummy, empty = facts.node, facts.dummy, ()
    for item, many in zip(reversed(items), reversed(counts)):
        if many:
            children = tuple(stack[:-many - 1:-1])
            del stack[-many:]
        else:
            children = empty
        stack.append(node(item, children) if item >= 0 else dummy(~item, children))
    stack.reverse()
    return stack


class _Facts(ABC):
    """What threading reads of the articles: codes, (date, number) keys, subjects, and how to make a node."""

    own: array[int]
    """Each article's own Message-ID code."""
    starts: array[int]
    refs: array[int]
    """Article i's References are the codes ``refs[starts[i]:starts[i + 1]]``."""
    codes: int
    """How many codes there are (the size of the container arrays)."""
    dates: array[int]
    """Each article's date as an int that sorts as the date does (NO_DATE: none, sorting as the epoch)."""
    numbers: array[int]

    @abstractmethod
    def subject(self, i: int) -> str:
        """Article i's normalized subject."""

    def nodes(self, items: array[int], counts: array[int]) -> list[ThreadNode]:
        """The finished trees of a layout."""
        return _build(self, items, counts)

    @abstractmethod
    def node(self, i: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        """The node of article i (a record's, or a columns-mode one)."""

    @abstractmethod
    def dummy(self, code: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        """The node of a Message-ID named but not present."""


class _RecordFacts(_Facts):
    """Records, their Message-IDs given codes by a dict (how they are numbered does not matter: the layout keeps
    its own order of appearance), their dates as exact microseconds since the epoch."""

    def __init__(self, records: list[Overview]) -> None:
        self.records = records
        codes: defaultdict[str, int] = defaultdict(count().__next__)  # a new Message-ID gets the next code
        self.own = array("i", map(codes.__getitem__, map(_MESSAGE_ID, records)))
        references = list(map(_REFERENCES, records))
        self.refs = array("i", map(codes.__getitem__, chain.from_iterable(references)))
        self.starts = array("q", accumulate(map(len, references), initial=0))
        self.strings = list(codes)
        self.codes = len(codes)
        self.dates = array("q", map(_microseconds, map(_DATE, records)))
        self.numbers = array("q", map(_NUMBER, records))

    def subject(self, i: int) -> str:
        return normalize_subject(self.records[i].subject)

    def nodes(self, items: array[int], counts: array[int]) -> list[ThreadNode]:
        if _compiled_nodes is None:
            return _build(self, items, counts)
        return _compiled_nodes(ThreadNode, None, items, counts, self.dummy, self.records)

    def node(self, i: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        record = self.records[i]
        return ThreadNode(record, record.message_id, children)

    def dummy(self, code: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        return ThreadNode(None, self.strings[code], children)


def _microseconds(date: datetime | None) -> int:
    """Microseconds since the epoch (exact, so they order as the datetimes do); a naive date is taken as UTC."""
    if date is None:
        return 0
    return ((date if date.tzinfo is not None else date.replace(tzinfo=timezone.utc)) - _EPOCH) // _MICROSECOND


class _ColumnFacts(_Facts):
    """Columns: the codes and dates (whole seconds) are theirs; subjects normalized once per distinct subject."""

    def __init__(self, source: Columns) -> None:
        self.source = source
        self.own, self.starts, self.refs = source.id_codes, source.ref_starts, source.ref_codes
        self.codes = len(source.ids)
        self.dates, self.numbers = source.stamps, source.numbers
        self._subjects: dict[int, str] = {}

    def subject(self, i: int) -> str:
        code = self.source.subject_codes[i]
        found = self._subjects.get(code)
        if found is None:
            found = self._subjects[code] = normalize_subject(self.source.subjects[code])
        return found

    def nodes(self, items: array[int], counts: array[int]) -> list[ThreadNode]:
        """Compiled when it can be: the nodes are most of threading's time once the layout is compiled."""
        if _compiled_nodes is None:
            return _build(self, items, counts)
        return _compiled_nodes(ThreadNode, self.source, items, counts, self.dummy)

    def node(self, i: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        node = _new_node(ThreadNode)
        node._held, node._key, node.children, node.parent = self.source, i, children, None
        return node

    def dummy(self, code: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        return ThreadNode(None, self.source.ids[code], children)


def count_articles(roots: Iterable[ThreadNode]) -> int:
    """How many real articles the trees hold (no record built in columns mode)."""
    return sum(1 for root in roots for _, node in root.walk() if node.number is not None)

