"""Thread trees flattened into display rows, once, off the event loop.

The thread view renders rows lazily, so all the per-article work that does not
depend on the screen width happens here: the tree graphic (slrn/tin style) and
whether the subject repeats the parent's. Pure Python: no textual, no rich.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Iterator, Sequence
from datetime import datetime
from sys import intern
from typing import overload

from nntp.addresses import split_address
from nntp.missing import missing_titles
from nntp.columns import NO_DATE, Columns
from nntp.models import Overview
from nntp.threads import Forest, ThreadNode, normalize_subject

MAX_INDENT = 12
"""Tree levels drawn in full; deeper levels are elided with a leading "…" so a
hostile 100,000-deep chain costs O(n) memory, not O(n²)."""

BRANCH, LAST_BRANCH = "├─>", "└─>"
PIPE, BLANK = "│ ", "  "
MISSING = "[missing article]"
MISSING_MARK = "[missing]"


Shape = tuple[str, bool, int, str, "str | None"]
"""A row's (tree, show_subject, depth, title, own Message-ID): the last is None when it is the article's
own, as on every article's row, so a big group's rows share a few hundred distinct shapes."""
_SHAPES: dict[Shape, Shape] = {}
_SHAPES_KEPT = 4096
"""Shapes shared across rows, at most this many (a hostile 100,000-deep chain has one per depth)."""


class ThreadRow:
    """One line of the thread view.

    150,000 are built at once, so a row holds two references: its *item* and a
    *shape* shared with every row drawn alike (see ``Shape``). The item is the
    article's record (rows built from records), or its columns-mode ThreadNode
    (rows built from ``Columns``: no record per article, ``article`` builds one
    on demand for the rows on screen), or None. 48 bytes a row, where a
    six-field NamedTuple took 96 (local.big: ~7 MB). Immutable by convention,
    compared by value, ``_replace`` derives a changed copy.
    """

    __slots__ = ("_item", "_shape")

    def __init__(self, article: Overview | ThreadNode | None, message_id: str, tree: str, show_subject: bool,
                 depth: int, title: str = "") -> None:
        item = _item_of(article)
        self._item = item
        own = None if item is not None and _own_id(item) == message_id else message_id
        self._shape = _shape_of((tree, show_subject, depth, title, own))

    @property
    def article(self) -> Overview | None:
        """None for a dummy (missing) parent that several replies refer to; built on each access when the row
        is a columns-mode node's (read it for the rows on screen, ``number`` and ``message_id`` in loops)."""
        item = self._item
        return item.article if isinstance(item, ThreadNode) else item

    @property
    def number(self) -> int | None:
        """The article's number (None for a missing article or an "N hidden" row), without building a record."""
        item = self._item
        if isinstance(item, ThreadNode):
            return item.number
        return item.number if item is not None else None

    @property
    def source(self) -> Columns | None:
        """The Columns holding this row's article (rows built from records: None); see ``index``."""
        item = self._item
        return item.source if isinstance(item, ThreadNode) else None

    @property
    def index(self) -> int:
        """The article's index in ``source`` (-1 without one)."""
        item = self._item
        return item.index if isinstance(item, ThreadNode) else -1

    @property
    def message_id(self) -> str:
        own, item = self._shape[4], self._item
        if own is not None or item is None:
            return own or ""
        return item.message_id

    @property
    def tree(self) -> str:
        """Tree graphic before the subject, e.g. ``"│ └─>"``; empty for a thread root."""
        return self._shape[0]

    @property
    def show_subject(self) -> bool:
        """False when a reply's subject only repeats its parent's (shown as tree only)."""
        return self._shape[1]

    @property
    def depth(self) -> int:
        return self._shape[2]

    @property
    def title(self) -> str:
        """A missing article's subject, taken from its earliest reply without "Re:" (slrn, tin); else empty."""
        return self._shape[3]

    def _fields(self) -> tuple[Overview | None, str, str, bool, int, str]:
        tree, show, depth, title, _ = self._shape
        return (self.article, self.message_id, tree, show, depth, title)

    def _replace(self, *, message_id: str | None = None, tree: str | None = None, show_subject: bool | None = None,
                 depth: int | None = None, title: str | None = None) -> ThreadRow:
        """A copy with some fields changed (the NamedTuple idiom this class replaced); the item is shared."""
        old_tree, old_show, old_depth, old_title, own = self._shape
        if message_id is not None:
            item = self._item
            own = None if item is not None and _own_id(item) == message_id else message_id
        row = ThreadRow.__new__(ThreadRow)
        row._item = self._item
        row._shape = _shape_of((old_tree if tree is None else tree, old_show if show_subject is None else show_subject,
                                old_depth if depth is None else depth, old_title if title is None else title, own))
        return row

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ThreadRow):
            return NotImplemented
        if self._item is other._item:  # the same article (or none): no record built
            return self._shape == other._shape
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        tree, show, depth, title, _ = self._shape
        return hash((self.number, self.message_id, tree, show, depth, title))

    def __repr__(self) -> str:
        _, message_id, tree, show, depth, title = self._fields()
        return f"ThreadRow({self.number}, {message_id!r}, {tree!r}, {show}, {depth}, {title!r})"


def _item_of(article: Overview | ThreadNode | None) -> Overview | ThreadNode | None:
    """What a row holds: a columns-mode node itself, a record-mode node's record (as rows always held)."""
    if isinstance(article, ThreadNode):
        return article if article.source is not None else article.article
    return article


def _own_id(item: Overview | ThreadNode) -> str:
    return item.message_id


def flat_shape(depth: int) -> Shape:
    """The shape of an article on a line of its own (the flat views): no tree, its subject shown."""
    return _shape_of(("", True, depth, "", None))


def _shape_of(shape: Shape) -> Shape:
    return _SHAPES.get(shape) or _kept(shape)


def _kept(shape: Shape) -> Shape:
    """A new shape, kept for sharing unless it is one row's own (a title, a missing article's Message-ID)
    or the table is full."""
    if not shape[3] and shape[4] is None and len(_SHAPES) < _SHAPES_KEPT:
        return _SHAPES.setdefault(shape, shape)
    return shape


def flatten(roots: Iterable[ThreadNode]) -> list[ThreadRow]:
    """Depth-first rows of every thread, iteratively (any depth)."""
    rows: list[ThreadRow] = []
    keys: dict[str, str] = {}  # subject -> normalized subject; subjects repeat a lot
    for root in roots:
        flatten_into(root, rows, keys)
    return rows


def flatten_into(root: ThreadNode, rows: list[ThreadRow], keys: dict[str, str]) -> None:
    """Append one thread's rows to ``rows``; ``keys`` caches normalized subjects across threads.

    A columns-mode node's subject is read from its Columns' table of distinct subjects (the
    same str object for every article with that subject), so no record is built for a row.
    Most nodes are leaves: the leads and tree graphics of children are made once per parent."""
    # Stack entries: node, its tree graphic, its lead (ancestors' pipes), parent's subject key, is-last-child, depth.
    stack: list[tuple[ThreadNode, str, str, str | None, bool, int]] = [(root, "", "", None, True, 0)]
    titles: dict[int, str] | None = None
    new_row, shapes = ThreadRow.__new__, _SHAPES
    while stack:
        node, tree, lead, parent_key, last, depth = stack.pop()
        source = node.source
        item: ThreadNode | Overview | None = node
        if source is not None:
            subject: str | None = source.subjects[source.subject_codes[node.index]]
        else:
            item = node.article
            subject = item.subject if item is not None else None
        key = None
        if subject is not None:
            key = keys.get(subject)
            if key is None:
                key = keys[subject] = " ".join(normalize_subject(subject).split())
        title = ""
        if subject is None:  # titled from the replies: one pass over the thread, on its first such node
            titles = missing_titles(root) if titles is None else titles
            title = titles.get(id(node), "")
        row = new_row(ThreadRow)
        row._item = item
        own = None if item is node or (item is not None and item.message_id == node.message_id) else node.message_id
        shape = (tree, depth == 0 or subject is None or key != parent_key, depth, title, own)
        row._shape = shapes.get(shape) or _kept(shape)
        rows.append(row)
        children = node.children
        if children:
            below = "" if depth == 0 else _cap(lead + (BLANK if last else PIPE))
            stack.append((children[-1], intern(below + LAST_BRANCH), below, key, True, depth + 1))
            if len(children) > 1:
                branch = intern(below + BRANCH)  # a few hundred distinct graphics in a big group
                stack.extend([(child, branch, below, key, False, depth + 1) for child in reversed(children[:-1])])


class LazyRows(Sequence[ThreadRow]):
    """Rows made when asked for (``ThreadRows``, ``app.flatrows.FlatRows``): what a loop over every row reads
    without making them."""

    def number(self, index: int) -> int | None:
        """Row ``index``'s article number (None: a missing article or an "N hidden" row), no row made."""
        return self[index].number

    def numbers(self) -> Iterator[int | None]:
        """Every row's article number in order, no row made."""
        return (row.number for row in self)

    def unit_starts(self) -> list[int]:
        """Indices of the depth-0 rows (each starts a fold unit), ascending, no row made."""
        return [index for index, row in enumerate(self) if row.depth == 0]


class ThreadRows(LazyRows):
    """The threaded view's rows: runs of a ``Forest``'s slots, each row made when it is asked for, and the rows
    of the threads that scoring pruned, made ahead (a handful).

    150,000 rows as objects cost ~8 MB beside the nodes they held (~17 MB); a run
    of slots costs nothing per row. A row made from a slot is what ``flatten``
    makes for that node: the same tree graphic, subject shown or not, title of a
    missing article. It is made anew on each access: compare rows by value. It
    grows like a list (``append``, ``extend``, ``add_slots``) while it is arranged.
    """

    def __init__(self, forest: Forest) -> None:
        self.forest = forest
        self._firsts = array("q")
        """Where each run starts, as a row index."""
        self._runs: list[int | list[ThreadRow]] = []
        """Each run: the slot it starts at (a run of slots), or its rows."""
        self._total = 0
        self._keys: dict[int, str] = {}
        """Subject code -> its normalized subject (what decides whether a reply's subject shows)."""
        self._titles: dict[int, str] = {}
        """Slot of a missing article -> its title (each thread's worked out when one of its rows is made)."""

    # -- growing ---------------------------------------------------------------------------------
    def add_slots(self, start: int, stop: int) -> None:
        """Rows for slots ``start`` to ``stop`` (whole threads), joined to the run before when it ends there."""
        if stop <= start:
            return
        runs = self._runs
        if runs and isinstance(runs[-1], int) and runs[-1] + self._total - self._firsts[-1] == start:
            self._total += stop - start
            return
        self._open(start, stop - start)

    def append(self, row: ThreadRow) -> None:
        runs = self._runs
        if runs and isinstance(runs[-1], list):
            runs[-1].append(row)
            self._total += 1
        else:
            self._open([row], 1)

    def extend(self, rows: Iterable[ThreadRow]) -> None:
        for row in rows:
            self.append(row)

    def _open(self, run: int | list[ThreadRow], size: int) -> None:
        self._firsts.append(self._total)
        self._runs.append(run)
        self._total += size

    # -- reading ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, index: int) -> ThreadRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[ThreadRow]: ...
    def __getitem__(self, index: int | slice) -> ThreadRow | list[ThreadRow]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._total))]
        run, offset = self._locate(index)
        return run[offset] if isinstance(run, list) else self._slot_row(run + offset)

    def __iter__(self) -> Iterator[ThreadRow]:
        for k, run in enumerate(self._runs):
            if isinstance(run, list):
                yield from run
            else:
                yield from map(self._slot_row, range(run, run + self._run_size(k)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, (ThreadRows, list)):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other))

    __hash__ = None  # type: ignore[assignment]  # mutable while arranged, compared by value: as a list is

    def number(self, index: int) -> int | None:
        """Row ``index``'s article number (None: a missing article or an "N hidden" row), no row made."""
        run, offset = self._locate(index)
        if isinstance(run, list):
            return run[offset].number
        item = self.forest.items[run + offset]
        return self.forest.source.numbers[item] if item >= 0 else None

    def numbers(self) -> Iterator[int | None]:
        """Every row's article number in order, no row made."""
        numbers, items = self.forest.source.numbers, self.forest.items
        for k, run in enumerate(self._runs):
            if isinstance(run, list):
                yield from (row.number for row in run)
            else:
                yield from (numbers[i] if i >= 0 else None for i in items[run:run + self._run_size(k)])

    def article_indices(self, source: Columns) -> list[int] | None:
        """The indices in ``source`` of the rows' articles, in order (None: a row holds another's article)."""
        if source is not self.forest.source:
            return None
        out: list[int] = []
        items = self.forest.items
        for k, run in enumerate(self._runs):
            if isinstance(run, int):
                out.extend(i for i in items[run:run + self._run_size(k)] if i >= 0)
                continue
            for row in run:
                if row.number is not None:
                    if row.source is not source:
                        return None
                    out.append(row.index)
        return out

    def unit_starts(self) -> list[int]:
        """Indices of the depth-0 rows (each starts a fold unit), ascending, no row made."""
        out: list[int] = []
        starts = self.forest.starts
        for k, run in enumerate(self._runs):
            first = self._firsts[k]
            if isinstance(run, list):
                out.extend(first + i for i, row in enumerate(run) if row.depth == 0)
            else:
                stop = run + self._run_size(k)
                roots = starts[bisect_left(starts, run):bisect_left(starts, stop)]
                out.extend(first + slot - run for slot in roots)
        return out

    def _run_size(self, k: int) -> int:
        return (self._firsts[k + 1] if k + 1 < len(self._firsts) else self._total) - self._firsts[k]

    def _locate(self, index: int) -> tuple[int | list[ThreadRow], int]:
        if index < 0:
            index += self._total
        if not 0 <= index < self._total:
            raise IndexError("row index out of range")
        k = bisect_right(self._firsts, index) - 1
        return self._runs[k], index - self._firsts[k]

    # -- a row from a slot ---------------------------------------------------------------------------
    def _slot_row(self, slot: int) -> ThreadRow:
        forest = self.forest
        source, item, depth = forest.source, forest.items[slot], forest.depths[slot]
        row = ThreadRow.__new__(ThreadRow)
        row._item = ThreadNode.at(source, item) if item >= 0 else None  # a missing one's row holds its ID
        title, own = ("", None) if item >= 0 else (self._title(slot), source.ids[~item])
        show = depth == 0 or item < 0 or self._key(item) != self._key(forest.items[forest.parents[slot]])
        tree = "" if depth == 0 else slot_tree(forest, slot)
        row._shape = _shape_of((tree, show, depth, title, own))
        return row

    def _key(self, item: int) -> str | None:
        """The normalized subject of the article ``item`` (None: a missing article has none)."""
        if item < 0:
            return None
        source = self.forest.source
        code = source.subject_codes[item]
        key = self._keys.get(code)
        if key is None:
            key = self._keys[code] = " ".join(normalize_subject(source.subjects[code]).split())
        return key

    def _title(self, slot: int) -> str:
        titles = self._titles
        if slot not in titles:
            forest = self.forest
            position = forest.thread_at(slot)
            root, start = forest.root(position), forest.starts[position]
            found = missing_titles(root)
            for offset, (_, node) in enumerate(root.walk()):
                if node.number is None:
                    titles[start + offset] = found.get(id(node), "")
        return titles.get(slot, "")


def slot_tree(forest: Forest, slot: int) -> str:
    """The tree graphic ``flatten`` draws before a reply at ``slot`` (depth >= 1): a pipe or a blank for each
    ancestor below the root (whether it has a later sibling), the last ``MAX_INDENT`` drawn, then its branch."""
    parents, ends, depths = forest.parents, forest.ends, forest.depths
    parent = parents[slot]
    branch = LAST_BRANCH if ends[slot] == ends[parent] else BRANCH
    pieces: list[str] = []
    ancestor = parent
    while depths[ancestor] >= 1 and len(pieces) < MAX_INDENT:
        pieces.append(BLANK if ends[ancestor] == ends[parents[ancestor]] else PIPE)
        ancestor = parents[ancestor]
    lead = "".join(reversed(pieces))
    if depths[ancestor] >= 1:  # more ancestors than are drawn
        lead = "…" + lead[-(len(PIPE) * MAX_INDENT - 1):]
    return intern(lead + branch)


def row_author(row: ThreadRow) -> str:
    """The From of the row's article ("" for none), from its Columns' table when it has them."""
    source = row.source
    if source is not None:
        return source.authors[source.author_codes[row.index]]
    article = row.article
    return article.author if article is not None else ""


def row_date(row: ThreadRow) -> datetime | None:
    """The Date of the row's article (None for none, or unreadable)."""
    source = row.source
    if source is not None:
        return source.date(row.index)
    article = row.article
    return article.date if article is not None else None


def date_key(row: ThreadRow) -> tuple[bool, float, int]:
    """Oldest first, undated last, then by number: the flat view's order, without a record per row."""
    source = row.source
    if source is not None:
        index = row.index
        stamp = source.stamps[index]
        return (stamp == NO_DATE, 0 if stamp == NO_DATE else stamp, source.numbers[index])
    article = row.article
    assert article is not None
    return (article.date is None, article.date.timestamp() if article.date is not None else 0, article.number)


def missing_label(row: ThreadRow) -> str:
    """What a missing article's row says: ``[missing] Subject`` when its replies tell the subject."""
    return f"{MISSING_MARK} {row.title}" if row.title else MISSING


def _cap(lead: str) -> str:
    limit = len(PIPE) * MAX_INDENT
    return lead if len(lead) <= limit else "…" + lead[-(limit - 1):]


def display_name(author: str) -> str:
    """The name part of a From header ("Name <a@b>", "a@b (Name)"), else the address."""
    name, address = split_address(author)
    return (name or address or author).strip().strip('"').strip()


def format_date(date: datetime | None) -> str:
    """YYYY-MM-DD in local time; blank when the Date header was unparseable."""
    return date.astimezone().strftime("%Y-%m-%d") if date is not None else ""


def cursor_after(old: Sequence[ThreadRow], here: int, new: Sequence[ThreadRow], fallback: str | None = None) -> int:
    """Where the cursor goes in ``new`` when the list it was on (``old``, at ``here``) is replaced.

    The same article if it is still listed (or its placeholder); else ``fallback`` (a thread root, when
    switching views); else the first later row of ``old`` still listed (a kill or plonk took the row
    away, so the reader goes on to the next one, as in slrn and tin); else the nearest earlier one.
    """
    if not new:
        return 0
    where = _RowFinder(new)
    if 0 <= here < len(old) and (found := where.row(old[here])) is not None:
        return found
    if fallback is not None and (found := where.message_id(fallback)) is not None:
        return found
    later = (found for i in range(here + 1, len(old)) if (found := where.row(old[i])) is not None)
    earlier = (found for i in range(min(here, len(old)) - 1, -1, -1) if (found := where.row(old[i])) is not None)
    return next(later, next(earlier, 0))


class _RowFinder:
    """Which row of ``rows`` shows an article: by its number (no Message-ID decoded from Columns), by
    Message-ID only for the rows without an article (placeholders, "N hidden") and, when asked, the rest."""

    def __init__(self, rows: Sequence[ThreadRow]) -> None:
        self._rows = rows
        self._by_number: dict[int, int] = {}
        self._by_id: dict[str, int] = {}
        numbers = rows.numbers() if isinstance(rows, LazyRows) else (row.number for row in rows)
        for index, number in enumerate(numbers):
            if number is None:
                self._by_id[rows[index].message_id] = index
            else:
                self._by_number[number] = index
        self._article_ids: dict[str, int] | None = None

    def row(self, row: ThreadRow) -> int | None:
        """The row showing ``row``'s article, or the placeholder standing for it."""
        number = row.number
        if number is not None:
            found = self._by_number.get(number)
            return found if found is not None else self._by_id.get(row.message_id)
        return self.message_id(row.message_id)

    def message_id(self, message_id: str) -> int | None:
        found = self._by_id.get(message_id)
        if found is None:
            if self._article_ids is None:  # an article shown again where its placeholder was
                self._article_ids = {r.message_id: i for i, r in enumerate(self._rows)
                                     if r.number is not None}  # rare: an article where its placeholder was
            found = self._article_ids.get(message_id)
        return found


def next_unread(rows: Sequence[ThreadRow], candidates: Iterable[int], unread: Container[int] | None) -> int | None:
    """The first of ``candidates`` (indices into ``rows``, in the order n, p or N looks) holding an
    unread article (any article when ``unread`` is None: no read marks yet)."""
    number_at = rows.number if isinstance(rows, LazyRows) else (lambda index: rows[index].number)
    for index in candidates:
        number = number_at(index)
        if number is not None and (unread is None or number in unread):
            return index
    return None
