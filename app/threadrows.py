"""The threaded view's rows drawn from a ``Forest``'s slots, each made when it is asked for.

Pure Python: no textual, no rich.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from sys import intern

from nntp.columns import Columns
from nntp.missing import missing_titles
from nntp.threads import Forest, ThreadNode, normalize_subject
from app.rows import BLANK, BRANCH, LAST_BRANCH, MAX_INDENT, PIPE, LazyRows, ThreadRow, shape_of


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

    def _row(self, index: int) -> ThreadRow:
        run, offset = self._locate(index)
        return run[offset] if isinstance(run, list) else self._slot_row(run + offset)

    def __iter__(self) -> Iterator[ThreadRow]:
        for k, run in enumerate(self._runs):
            if isinstance(run, list):
                yield from run
            else:
                yield from map(self._slot_row, range(run, run + self._run_size(k)))

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
        row._shape = shape_of((tree, show, depth, title, own))
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
