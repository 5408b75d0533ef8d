"""Which thread each article is in: Message-ID -> its thread root's Message-ID, without a string per article.

A dict of 150,000 Message-IDs to their roots' costs ~10 MB beside records (the
strings are the records'), ~25 MB beside Columns (every key a fresh string). So
the index keeps thread *positions* (into the list of roots): by article index
for trees threaded from Columns (an int array), by Message-ID only for nodes
without one (record-mode nodes, missing articles). A Message-ID asked for as a
string is found through a sorted array of hashes over the Columns' ID table
(built on the first such question), never a dict of every ID.
Pure Python: no textual, no rich.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

from nntp.columns import Columns, StringTable
from nntp.threads import Forest, ThreadNode
from app.rows import ThreadRow


def roots_of(roots: Iterable[ThreadNode]) -> dict[str, str]:
    """Message-ID -> its thread root's Message-ID (a missing root's id for orphans)."""
    out: dict[str, str] = {}
    for root in roots:
        top = root.message_id
        stack = [root]
        while stack:
            node = stack.pop()
            out[node.message_id] = top
            stack.extend(node.children)
    return out


class HashedIds:
    """Codes of a StringTable found by hash and bisection: one sorted int array, not a dict of every string.

    Each wanted code is packed with its string's hash into one 63-bit key (hash high, code low), so the index
    is 8 bytes a string; a hit is checked against the table, so a hash collision costs only a second look.
    """

    def __init__(self, table: StringTable, wanted: array[int]) -> None:
        self._table = table
        self._bits = max(24, len(table).bit_length())
        self._mask = (1 << (63 - self._bits)) - 1
        blob, bits, mask, start = table.blob, self._bits, self._mask, 0
        keys = array("q")
        for code, end in enumerate(table.ends):
            if wanted[code] >= 0:
                keys.append(((hash(blob[start:end]) & mask) << bits) | code)
            start = end
        self._keys = array("q", sorted(keys))

    def find(self, value: str) -> int | None:
        """The code of ``value``, if it is one of the wanted strings."""
        data = value.encode("utf-8", "surrogatepass")
        bits, keys = self._bits, self._keys
        wanted = hash(data) & self._mask
        at = bisect_left(keys, wanted << bits)
        while at < len(keys) and keys[at] >> bits == wanted:
            code = keys[at] & ((1 << bits) - 1)
            if self._table[code] == value:
                return code
            at += 1
        return None


class RootIndex(Mapping[str, str]):
    """Message-ID -> thread root's Message-ID, and an article's thread by row or index without a string.

    Arranging needs only the threads of the few scored articles (``threads_holding``);
    score_group builds the index once the rows stand, on its worker thread. Threads are
    numbered by their position in ``roots``; ``position_of_row`` answers for a row.
    """

    def __init__(self, roots: Sequence[ThreadNode]) -> None:
        self._roots = roots
        self._source = _columns_of(roots)
        self._built = False
        self._by_id: dict[str, int] = {}
        """Thread position of the nodes without Columns (all of them in record mode, else missing articles)."""
        self._thread_at = array("i")
        """Thread position by article index of ``_source`` (-1: not in these trees)."""
        self._by_code = array("i")
        """Thread position by Message-ID code of ``_source`` (-1: none)."""
        self._hashed: HashedIds | None = None
        self._whole: dict[str, str] | None = None

    def build(self) -> None:
        """Build the index now (score_group does, on its worker thread): one pass over every slot or node."""
        if self._built:
            return
        source, roots = self._source, self._roots
        if isinstance(roots, Forest):
            self._enter_forest(roots)
        else:
            if source is not None:
                self._thread_at = array("i", [-1]) * len(source)
                self._by_code = array("i", [-1]) * len(source.ids)
            for position, root in enumerate(roots):
                self._enter(position, root, source)
        self._built = True

    def _enter_forest(self, forest: Forest) -> None:
        """Every slot's thread from the forest's arrays: no node made (compiled when it can be)."""
        source = forest.source
        thread_at, by_code, missing = forest.slot_threads()
        self._thread_at, self._by_code = thread_at, by_code
        ids, by_id = source.ids, self._by_id
        for k in range(0, len(missing), 2):
            by_id[ids[missing[k]]] = missing[k + 1]

    def _enter(self, position: int, root: ThreadNode, source: Columns | None) -> None:
        thread_at, by_code, by_id = self._thread_at, self._by_code, self._by_id
        codes = source.id_codes if source is not None else None
        stack = [root]
        while stack:
            node = stack.pop()
            if codes is not None and node.source is source:
                index = node.index
                thread_at[index] = position
                by_code[codes[index]] = position
            else:
                by_id[node.message_id] = position
            stack.extend(node.children)

    # -- by position (no string per article) ------------------------------------------------------
    def root_id(self, position: int) -> str:
        roots = self._roots
        return roots.root_id(position) if isinstance(roots, Forest) else roots[position].message_id

    def position_of_row(self, row: ThreadRow) -> int | None:
        """The thread of ``row``'s article (its index when it has one, else its Message-ID)."""
        self.build()
        source = row.source
        if source is not None and source is self._source:
            position = self._thread_at[row.index]
            return position if position >= 0 else None
        return self.position(row.message_id)

    def position_of_index(self, index: int) -> int | None:
        """The thread of article ``index`` of the Columns these trees were threaded from."""
        self.build()
        position = self._thread_at[index] if self._source is not None else -1
        return position if position >= 0 else None

    @property
    def by_index(self) -> bool:
        """Whether threads are found by article index here (trees threaded from Columns)."""
        return self._source is not None

    def positions_of_indices(self, indices: Iterable[int]) -> set[int]:
        """The threads holding these articles of the Columns threaded, and any other holding an article of
        the same Message-ID (scores are kept by Message-ID): by index and code, no string."""
        self.build()
        assert self._source is not None
        thread_at, by_code, codes = self._thread_at, self._by_code, self._source.id_codes
        found = {thread_at[i] for i in indices} | {by_code[codes[i]] for i in indices}
        found.discard(-1)
        return found

    def indexes(self, source: Columns) -> bool:
        """Whether these trees were threaded from ``source`` (positions by its article indices)."""
        return self._source is source

    def same_thread(self, index: int) -> list[int]:
        """Indices of the articles in the thread of article ``index`` (itself alone when in no thread)."""
        position = self.position_of_index(index)
        if position is None:
            return [index]
        return [i for i, p in enumerate(self._thread_at) if p == position]

    def position(self, message_id: str) -> int | None:
        """The thread holding ``message_id``, if any."""
        self.build()
        found = self._by_id.get(message_id)
        if found is not None or self._source is None:
            return found
        if self._hashed is None:
            self._hashed = HashedIds(self._source.ids, self._by_code)
        code = self._hashed.find(message_id)
        return self._by_code[code] if code is not None else None

    def _positions_scanned(self, message_ids: Collection[str]) -> set[int]:
        """The threads of these Message-IDs, found in one pass over the ID table's bytes: arranging asks for
        the scored articles' threads while the rows are being made, the entry's peak, and the hash index
        (``HashedIds``) would add its sorting to that peak; it waits for a later question."""
        self.build()
        assert self._source is not None
        wanted = {m.encode("utf-8", "surrogatepass") for m in message_ids}
        found = {position for m in message_ids if (position := self._by_id.get(m)) is not None}
        table, by_code, start = self._source.ids, self._by_code, 0
        blob = table.blob
        for code, end in enumerate(table.ends):
            if by_code[code] >= 0 and blob[start:end] in wanted:
                found.add(by_code[code])
            start = end
        return found

    # -- the Mapping face -----------------------------------------------------------------------
    def __getitem__(self, message_id: str) -> str:
        position = self.position(message_id)
        if position is None:
            raise KeyError(message_id)
        return self.root_id(position)

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole_map())

    def __len__(self) -> int:
        return len(self._whole_map())

    def _whole_map(self) -> dict[str, str]:
        """Every Message-ID as a dict (only for whoever iterates the whole mapping: tests, a dump)."""
        if self._whole is None:
            self._whole = roots_of(self._roots)
        return self._whole

    def covers(self, roots: Sequence[ThreadNode]) -> bool:
        """Whether ``roots`` are the trees indexed here (positions mean the same threads)."""
        return roots is self._roots

    def threads_holding(self, message_ids: Collection[str]) -> set[str]:
        """Roots of the threads holding any of these articles (record mode: without building the index)."""
        return {self.root_id(position) for position in self.positions_holding(message_ids)}

    def positions_holding(self, message_ids: Collection[str]) -> set[int]:
        """Positions of the threads holding any of these articles (record mode: without building the index)."""
        if not message_ids:
            return set()
        if self._source is not None and self._hashed is None:
            return self._positions_scanned(message_ids)
        if self._built or self._source is not None:
            return {p for p in map(self.position, message_ids) if p is not None}
        found: set[int] = set()
        for position, root in enumerate(self._roots):
            stack = [root]
            while stack:
                node = stack.pop()
                if node.message_id in message_ids:
                    found.add(position)
                    break
                stack.extend(node.children)
        return found


def _columns_of(roots: Sequence[ThreadNode]) -> Columns | None:
    """The Columns the trees were threaded from (None: from records): a root, or a missing root's first reply,
    is an article of the first thread."""
    if isinstance(roots, Forest):
        return roots.source
    for root in roots:
        for node in (root, *root.children[:1]):
            source = node.source
            if source is not None or node.article is not None:
                return source
    return None


def root_reader(root_of: Mapping[str, str]) -> Callable[[ThreadRow], str | None]:
    """A reader of each row's thread root Message-ID, for a loop over many rows: through a RootIndex by the
    row's index, each thread's root decoded once (not once a row); else by the row's Message-ID."""
    if not isinstance(root_of, RootIndex):
        return lambda row: root_of.get(row.message_id)
    index = root_of
    ids: dict[int, str] = {}

    def read(row: ThreadRow) -> str | None:
        position = index.position_of_row(row)
        if position is None:
            return None
        found = ids.get(position)
        if found is None:
            found = ids[position] = index.root_id(position)
        return found
    return read
