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
given them first. Only the finished trees are objects: one ``ThreadNode`` per
article, which in columns mode holds (source, index) rather than a record.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from itertools import islice
from types import EllipsisType
from typing import Any, cast

from nntp.columns import NO_DATE, Columns
from nntp.gcpause import gc_paused
from nntp.memtrim import give_back
from nntp.models import Overview

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_NUMBER_BIAS = 2**63
"""Added to an article number in a columns sort key, so any signed 64-bit number sorts below the next second."""


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
        self._held: Overview | Columns | None = article
        self._key: str | int = message_id
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
        return cast(Columns, self._held) if type(self._key) is int else None

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
            return cast(Columns, self._held).record(key)
        return cast("Overview | None", self._held)

    @property
    def message_id(self) -> str:
        key = self._key
        return cast(Columns, self._held).message_id(key) if type(key) is int else cast(str, key)

    @property
    def number(self) -> int | None:
        """The article's number, None for a dummy: cheap in both modes."""
        key, held = self._key, self._held
        if type(key) is int:
            return cast(Columns, held).numbers[key]
        return cast(Overview, held).number if held is not None else None

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
            return ThreadNode.at(cast(Columns, self._held), key, kids)
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


def normalize_subject(subject: str) -> str:
    """Subject without reply prefixes (Re:, AW:, Re[2]:), case-folded, for grouping."""
    return _REPLY_PREFIX.sub("", subject).strip().casefold()


def thread(articles: Iterable[Overview] | Columns, by_subject: bool = False) -> list[ThreadNode]:
    """Build thread trees; roots and children ordered by date, then article number.

    Given ``Columns``, the nodes are in columns mode; the trees and their order
    are those the records of ``list(articles)`` give.
    """
    facts: _Facts = _ColumnFacts(articles) if isinstance(articles, Columns) else _RecordFacts(list(articles))
    with gc_paused():
        forest = _Forest(facts)
        roots = forest.roots(by_subject)
        built = [forest.build(root) for root in roots]
        containers = len(forest.art)
        del forest
    give_back(containers)  # the arrays' pages, and those entering the group freed
    return built


class _Facts:
    """What threading reads of the articles: codes, sort keys, subjects, and how to make a node."""

    own: Sequence[int]
    """Each article's own Message-ID code."""
    starts: Sequence[int]
    refs: Sequence[int]
    """Article i's References are the codes ``refs[starts[i]:starts[i + 1]]``."""
    codes: int
    """How many codes there are (the size of the container arrays)."""
    zero: Any
    """The sort key of (no date, number 0): what a container without any article sorts as."""

    def key(self, i: int) -> Any:
        """Article i's sort key: (date, number), no date sorting as the epoch."""
        raise NotImplementedError

    def subject(self, i: int) -> str:
        """Article i's normalized subject."""
        raise NotImplementedError

    def node(self, i: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        raise NotImplementedError

    def dummy(self, code: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        raise NotImplementedError


class _RecordFacts(_Facts):
    """Records, given codes by a dict of their Message-IDs in order of appearance."""

    def __init__(self, records: list[Overview]) -> None:
        self.records = records
        codes: dict[str, int] = {}
        code = codes.setdefault
        self.own, self.starts, self.refs = array("i"), array("q", [0]), array("i")
        for record in records:
            self.own.append(code(record.message_id, len(codes)))
            self.refs.extend([code(ref, len(codes)) for ref in record.references])
            self.starts.append(len(self.refs))
        self.strings = list(codes)
        self.codes = len(codes)
        self.zero = (_EPOCH, 0)

    def key(self, i: int) -> tuple[datetime, int]:
        record = self.records[i]
        return (record.date or _EPOCH, record.number)

    def subject(self, i: int) -> str:
        return normalize_subject(self.records[i].subject)

    def node(self, i: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        record = self.records[i]
        return ThreadNode(record, record.message_id, children)

    def dummy(self, code: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        return ThreadNode(None, self.strings[code], children)


class _ColumnFacts(_Facts):
    """Columns: the codes are theirs; keys are (seconds << 64) + biased number, one int compare."""

    def __init__(self, source: Columns) -> None:
        self.source = source
        self.own, self.starts, self.refs = source.id_codes, source.ref_starts, source.ref_codes
        self.codes = len(source.ids)
        self.zero = _NUMBER_BIAS
        self._subjects: dict[int, str] = {}

    def key(self, i: int) -> int:
        stamp = self.source.stamps[i]
        return ((0 if stamp == NO_DATE else stamp) << 64) + self.source.numbers[i] + _NUMBER_BIAS

    def subject(self, i: int) -> str:
        code = self.source.subject_codes[i]
        found = self._subjects.get(code)
        if found is None:
            found = self._subjects[code] = normalize_subject(self.source.subjects[code])
        return found

    def node(self, i: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        return ThreadNode.at(self.source, i, children)

    def dummy(self, code: int, children: tuple[ThreadNode, ...]) -> ThreadNode:
        return ThreadNode(None, self.source.ids[code], children)


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

    def __init__(self, facts: _Facts) -> None:
        self.facts = facts
        self.art = array("i", [_UNSEEN]) * facts.codes
        self.par = array("i", [-1]) * facts.codes
        self.kids: list[list[int] | None] = [None] * facts.codes
        self.order: list[int] = []
        self._link_all()

    def _link_all(self) -> None:
        """JWZ's first pass: each article's References chain, then its own parent (its References win)."""
        facts, art, par, kids, order = self.facts, self.art, self.par, self.kids, self.order
        refs, starts = facts.refs, facts.starts
        for i, (own, start, end) in enumerate(zip(facts.own, starts, islice(starts, 1, None))):
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

    def roots(self, by_subject: bool) -> list[int]:
        """The pruned (and optionally subject-grouped) roots, each subtree sorted, roots in their final order."""
        par = self.par
        roots = self._prune([c for c in self.order if par[c] < 0])
        if by_subject:
            roots = self._group_by_subject(roots)
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

    def _group_by_subject(self, roots: list[int]) -> list[int]:
        """Attach roots whose normalised subject matches an earlier root below that root."""
        art, kids, subject = self.art, self.kids, self.facts.subject
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

    def _container_key(self, box: int) -> Any:
        """A container's date key: its article's, or a dummy's first child's (as they stand now)."""
        article = self.art[box]
        if article < 0:
            below = self.kids[box]
            article = self.art[below[0]] if below else -1
        return self.facts.key(article) if article >= 0 else self.facts.zero

    def _sort_below(self, root: int) -> None:
        """Sort every container's children by date, top-down (a dummy's key reads its children unsorted)."""
        kids, key, stack = self.kids, self._container_key, [root]
        while stack:
            below = kids[stack.pop()]
            if below:
                if len(below) > 1:
                    below.sort(key=key)
                stack.extend(below)

    def _first_key(self, root: int) -> Any:
        """A root's key: its article's, or for a dummy the first article depth-first below it."""
        art, kids, box = self.art, self.kids, root
        while art[box] < 0:
            below = kids[box]
            if not below:
                return self.facts.zero
            box = below[0]
        return self.facts.key(art[box])

    def build(self, root: int) -> ThreadNode:
        """The finished tree of ``root``: nodes made bottom-up, so no recursion and no parent links."""
        art, kids, facts = self.art, self.kids, self.facts
        order = [root]
        for box in order:
            below = kids[box]
            if below:
                order.extend(below)
        made: dict[int, ThreadNode] = {}
        for box in reversed(order):
            below = kids[box]
            children = tuple([made.pop(child) for child in below]) if below else ()
            article = art[box]
            made[box] = facts.node(article, children) if article >= 0 else facts.dummy(box, children)
        return made.pop(root)


def count_articles(roots: Iterable[ThreadNode]) -> int:
    """How many real articles the trees hold (no record built in columns mode)."""
    return sum(1 for root in roots for _, node in root.walk() if node.number is not None)

