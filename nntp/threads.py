"""Threading by Jamie Zawinski's algorithm (https://www.jwz.org/doc/threading.html).

References decide the tree (the overview's References, or In-Reply-To when a
source has no References); a Message-ID named but not present becomes a dummy
container. Duplicate Message-IDs are kept as separate articles, reference loops
are broken, and nothing recurses, so a hostile 100,000-deep chain is harmless.
Grouping roots by subject is optional and off by default.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import NamedTuple

from nntp.gcpause import gc_paused
from nntp.models import Overview

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fwd?)(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


class ThreadNode(NamedTuple):
    """A node of a thread tree; ``article`` is None for a dummy (missing) parent.

    A NamedTuple (immutable, cheap to build) because a big group makes 150,000.
    """

    article: Overview | None
    message_id: str
    children: tuple[ThreadNode, ...] = ()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, ThreadNode]]:
        """Depth-first (depth, node) pairs, this node first; iterative, any depth."""
        stack: list[tuple[int, ThreadNode]] = [(depth, self)]
        while stack:
            level, node = stack.pop()
            yield level, node
            stack.extend((level + 1, child) for child in reversed(node.children))

    def articles(self) -> Iterator[Overview]:
        """Every real article in this subtree, depth-first."""
        for _, node in self.walk():
            if node.article is not None:
                yield node.article


class _Container:
    __slots__ = ("article", "key", "parent", "children", "frozen")

    def __init__(self, key: str) -> None:
        self.key = key
        self.article: Overview | None = None
        self.parent: _Container | None = None
        self.children: list[_Container] = []
        self.frozen: ThreadNode | None = None
        """The finished node, set by _freeze once the children are frozen."""


def normalize_subject(subject: str) -> str:
    """Subject without reply prefixes (Re:, AW:, Re[2]:), case-folded, for grouping."""
    return _REPLY_PREFIX.sub("", subject).strip().casefold()


def thread(articles: Iterable[Overview], by_subject: bool = False) -> list[ThreadNode]:
    """Build thread trees; roots and children ordered by date, then article number."""
    with gc_paused():
        table: dict[str, _Container] = {}
        for article in articles:
            _link(table, article)
        roots = [c for c in table.values() if c.parent is None]
        roots = _prune(roots)
        if by_subject:
            roots = _group_by_subject(roots)
        frozen = [_freeze(root) for root in roots]
        frozen.sort(key=_sort_key)
        for container in table.values():
            container.parent = None  # no child->parent cycles left: reference counting frees the table
        return frozen


def _link(table: dict[str, _Container], article: Overview) -> None:
    key = article.message_id
    container = table.get(key)
    if container is None:
        container = table[key] = _Container(key)
    elif container.article is not None:
        # A duplicate Message-ID: keep both articles, the later one as its own node.
        key = f"{key}\0{article.number}"
        container = table[key] = _Container(key)
    container.article = article
    parent: _Container | None = None
    for ref in article.references:
        if ref == article.message_id:
            continue
        ref_container = table.get(ref)
        if ref_container is None:
            ref_container = table[ref] = _Container(ref)
        if parent is not None and ref_container.parent is None and not _reaches(ref_container, parent):
            _set_parent(ref_container, parent)
        parent = ref_container
    # This article's own References are authoritative for its parent.
    if parent is not None and _reaches(container, parent):
        parent = None
    if container.parent is not parent:
        if container.parent is not None:
            container.parent.children.remove(container)
            container.parent = None
        if parent is not None:
            _set_parent(container, parent)


def _set_parent(child: _Container, parent: _Container) -> None:
    child.parent = parent
    parent.children.append(child)


def _reaches(ancestor: _Container, node: _Container | None) -> bool:
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


def _prune(roots: list[_Container]) -> list[_Container]:
    """Drop empty dummies, splice non-root dummies, promote a lone child of a dummy root."""
    result: list[_Container] = []
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


def _splice_dummies(root: _Container) -> None:
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


def _expanded(node: _Container) -> list[_Container]:
    out: list[_Container] = []
    pending = list(reversed(node.children))
    while pending:
        child = pending.pop()
        if child.article is None:
            pending.extend(reversed(child.children))
        else:
            child.parent = node
            out.append(child)
    return out


def _group_by_subject(roots: list[_Container]) -> list[_Container]:
    """Attach roots whose normalised subject matches an earlier root below that root."""
    first: dict[str, _Container] = {}
    kept: list[_Container] = []
    for root in sorted(roots, key=_container_key):
        article = root.article or (root.children[0].article if root.children else None)
        subject = normalize_subject(article.subject) if article else ""
        owner = first.get(subject) if subject else None
        if owner is None or owner.article is None:
            if subject:
                first.setdefault(subject, root)
            kept.append(root)
            continue
        root.parent = owner
        owner.children.append(root)
    return kept


def _container_key(c: _Container) -> tuple[datetime, int]:
    art = c.article or (c.children[0].article if c.children else None)
    if art is None:
        return (_EPOCH, 0)
    return (art.date or _EPOCH, art.number)


def _freeze(root: _Container) -> ThreadNode:
    """Turn the mutable tree into frozen ThreadNodes, children sorted, without recursion.

    A pre-order walk read backwards meets every child before its parent, so one
    pass builds the frozen tree bottom-up, each node's result kept on its container.
    """
    order: list[_Container] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(node.children)
    for node in reversed(order):
        children = node.children
        if len(children) > 1:
            children = sorted(children, key=_container_key)
        key = node.key
        node.frozen = ThreadNode(node.article, key.split("\0", 1)[0] if "\0" in key else key,
                                 tuple([child.frozen for child in children]))  # type: ignore[misc]
    return root.frozen  # type: ignore[return-value]


def _sort_key(node: ThreadNode) -> tuple[datetime, int]:
    art = node.article
    if art is None:
        art = next(node.articles(), None)
    if art is None:
        return (_EPOCH, 0)
    return (art.date or _EPOCH, art.number)


def count_articles(roots: Iterable[ThreadNode]) -> int:
    """How many real articles the trees hold."""
    return sum(1 for root in roots for _ in root.articles())
