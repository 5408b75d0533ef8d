"""The record-path JWZ threading as it stood before it ran on integer codes (nntp/threads.py at 75e9ee1).

Kept verbatim (only renamed) as the oracle the property tests hold the integer
threading to, in both modes: same trees, same order, same dummies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from types import EllipsisType

from nntp.gcpause import gc_paused
from nntp.models import Overview

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


class OracleNode:
    """A node of a thread tree; ``article`` is None for a dummy (missing) parent.

    One slotted object per article is both JWZ's mutable container while
    threading and the finished node afterwards: a big group makes 150,000, and a
    second, frozen copy of the tree would double the threading's peak memory.
    Once ``thread`` returns, treat nodes as immutable (``_replace`` derives a
    changed copy); ``children`` is then a tuple in date order.
    """

    __slots__ = ("article", "message_id", "children", "parent")

    def __init__(self, article: Overview | None, message_id: str, children: tuple[OracleNode, ...] = ()) -> None:
        self.article = article
        self.message_id = message_id
        self.children: tuple[OracleNode, ...] | list[OracleNode] = children
        """A list only while threading (and only once a child arrives); a tuple afterwards."""
        self.parent: OracleNode | None = None
        """Set only while threading; None in a finished tree (no cycles for the collector)."""

    def __repr__(self) -> str:
        number = self.article.number if self.article is not None else None
        return f"OracleNode({number}, {self.message_id!r}, {len(self.children)} children)"

    def __eq__(self, other: object) -> bool:
        """Trees compare by content, as the NamedTuple did (iteratively: any depth)."""
        if not isinstance(other, OracleNode):
            return NotImplemented
        pairs = [(self, other)]
        while pairs:
            a, b = pairs.pop()
            if a is b:
                continue
            if a.article != b.article or a.message_id != b.message_id or len(a.children) != len(b.children):
                return False
            pairs.extend(zip(a.children, b.children))
        return True

    def __hash__(self) -> int:
        return hash((self.article, self.message_id, len(self.children)))

    def _replace(self, *, article: Overview | None | EllipsisType = ..., children: tuple[OracleNode, ...] | None = None,
                 message_id: str | None = None) -> OracleNode:
        """A copy with some fields changed (the NamedTuple idiom this class replaced)."""
        return OracleNode(self.article if isinstance(article, EllipsisType) else article,
                          self.message_id if message_id is None else message_id,
                          tuple(self.children) if children is None else children)

    def walk(self, depth: int = 0) -> Iterator[tuple[int, OracleNode]]:
        """Depth-first (depth, node) pairs, this node first; iterative, any depth."""
        stack: list[tuple[int, OracleNode]] = [(depth, self)]
        while stack:
            level, node = stack.pop()
            yield level, node
            stack.extend((level + 1, child) for child in reversed(node.children))

    def articles(self) -> Iterator[Overview]:
        """Every real article in this subtree, depth-first."""
        for _, node in self.walk():
            if node.article is not None:
                yield node.article


def normalize_subject(subject: str) -> str:
    """Subject without reply prefixes (Re:, AW:, Re[2]:), case-folded, for grouping."""
    return _REPLY_PREFIX.sub("", subject).strip().casefold()


def thread(articles: Iterable[Overview], by_subject: bool = False) -> list[OracleNode]:
    """Build thread trees; roots and children ordered by date, then article number."""
    with gc_paused():
        table: dict[str, OracleNode] = {}
        for article in articles:
            _link(table, article)
        roots = [c for c in table.values() if c.parent is None]
        roots = _prune(roots)
        if by_subject:
            roots = _group_by_subject(roots)
        for container in table.values():
            container.parent = None  # no child->parent cycles left: reference counting frees the dummies
        table.clear()
        for root in roots:
            _freeze(root)
        roots.sort(key=_sort_key)
        return roots


def _link(table: dict[str, OracleNode], article: Overview) -> None:
    key = article.message_id
    container = table.get(key)
    if container is None:
        container = table[key] = OracleNode(None, key)
    elif container.article is not None:
        # A duplicate Message-ID: keep both articles, the later one as its own node.
        container = table[f"{key}\0{article.number}"] = OracleNode(None, key)
    container.article = article
    parent: OracleNode | None = None
    for ref in article.references:
        if ref == article.message_id:
            continue
        ref_container = table.get(ref)
        if ref_container is None:
            ref_container = table[ref] = OracleNode(None, ref)
        if parent is not None and ref_container.parent is None and not _reaches(ref_container, parent):
            _set_parent(ref_container, parent)
        parent = ref_container
    # This article's own References are authoritative for its parent.
    if parent is not None and _reaches(container, parent):
        parent = None
    if container.parent is not parent:
        if container.parent is not None:
            siblings = container.parent.children
            assert isinstance(siblings, list)  # a list while threading: container is one of them
            siblings.remove(container)
            container.parent = None
        if parent is not None:
            _set_parent(container, parent)


def _set_parent(child: OracleNode, parent: OracleNode) -> None:
    child.parent = parent
    if isinstance(parent.children, list):
        parent.children.append(child)
    else:
        parent.children = [child]  # most nodes never get a child: no list until one does


def _reaches(ancestor: OracleNode, node: OracleNode | None) -> bool:
    """True if ``ancestor`` is ``node`` or one of its ancestors (linking would loop).

    A container without children can only be ``node`` itself, never above it: that
    shortcut keeps in-order deep chains linear instead of walking every ancestor.
    """
    if not ancestor.children:
        return ancestor is node
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


def _prune(roots: list[OracleNode]) -> list[OracleNode]:
    """Drop empty dummies, splice non-root dummies, promote a lone child of a dummy root."""
    result: list[OracleNode] = []
    for root in roots:
        _splice_dummies(root)
        if root.article is None and not root.children:
            continue
        if root.article is None and len(root.children) == 1:
            child = root.children[0]
            child.parent = None
            result.append(child)
        else:
            result.append(root)
    return result


def _splice_dummies(root: OracleNode) -> None:
    """Replace each dummy below the root by its children (iteratively)."""
    stack = [root]
    while stack:
        node = stack.pop()
        children = node.children
        if children:
            for child in children:
                if child.article is None:
                    node.children = children = _expanded(node)
                    break
            stack.extend(children)


def _expanded(node: OracleNode) -> list[OracleNode]:
    out: list[OracleNode] = []
    pending = list(reversed(node.children))
    while pending:
        child = pending.pop()
        if child.article is None:
            pending.extend(reversed(child.children))
        else:
            child.parent = node
            out.append(child)
    return out


def _group_by_subject(roots: list[OracleNode]) -> list[OracleNode]:
    """Attach roots whose normalised subject matches an earlier root below that root."""
    first: dict[str, OracleNode] = {}
    kept: list[OracleNode] = []
    for root in sorted(roots, key=_container_key):
        article = root.article or (root.children[0].article if root.children else None)
        subject = normalize_subject(article.subject) if article else ""
        owner = first.get(subject) if subject else None
        if owner is None or owner.article is None:
            if subject:
                first.setdefault(subject, root)
            kept.append(root)
            continue
        _set_parent(root, owner)
    return kept


def _container_key(c: OracleNode) -> tuple[datetime, int]:
    art = c.article or (c.children[0].article if c.children else None)
    if art is None:
        return (_EPOCH, 0)
    return (art.date or _EPOCH, art.number)


def _freeze(root: OracleNode) -> None:
    """Sort every node's children by date into a tuple, without recursion."""
    stack = [root]
    while stack:
        node = stack.pop()
        children = node.children
        if children:
            node.children = tuple(sorted(children, key=_container_key)) if len(children) > 1 else tuple(children)
            stack.extend(children)


def _sort_key(node: OracleNode) -> tuple[datetime, int]:
    art = node.article
    if art is None:
        art = next(node.articles(), None)
    if art is None:
        return (_EPOCH, 0)
    return (art.date or _EPOCH, art.number)


def count_articles(roots: Iterable[OracleNode]) -> int:
    """How many real articles the trees hold."""
    return sum(1 for root in roots for _ in root.articles())
