"""``threads --json`` and ``threads --jsonl``, written article by article.

The old writer built one nested dict per article for the whole group and then
encoded it: 11 s and 333 MB for local.big's 70 MB of JSON. Here each article's
text is formatted straight from its overview and its score into the text
``json.dump(..., indent=1)`` would print (the shape is a contract: see
cli/output.py for the fields), one thread at a time, and handed to
``cli.jsonout.Chunked``, which escapes what a terminal must not see.

A killed or hidden article (without ``--all``) is left out; one with shown
replies stays as a placeholder (``number`` null) so the tree keeps its shape.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator, Sequence
from json.encoder import encode_basestring as enc
from typing import TextIO

from cli.jsonout import Chunked
from cli.stale import is_stale
from killfile.result import ScoreTable
from nntp.models import Overview
from nntp.threads import ThreadNode
from store.ranges import RangeSet

Facts = tuple[int, str, tuple[str, ...]]
"""An article's score, state and tags."""
HIDING = ("killed", "hidden")
_FIELDS = ("number", "message_id", "subject", "from", "date", "lines", "bytes", "references", "read")
_NULLS = ("number", "message_id", "subject", "from", "date", "read")
"""A placeholder's fields (a missing article, or a dropped one with shown replies), all null but message_id."""
THREADS_JSONL_HELP = ("one JSON object per line, one per shown article, in thread order: the --json fields without "
                      "children, plus thread (the index of its thread in --json's list) and parent (the number of "
                      "the article it replies to; null for a root or a reply to a missing article)")


def add_json_options(parser: argparse.ArgumentParser, json_help: str, jsonl_help: str) -> None:
    """``--json`` or ``--jsonl`` (not both): one document, or one object per line for jq pipelines."""
    shape = parser.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help=json_help)
    shape.add_argument("--jsonl", action="store_true", help=jsonl_help)


class Verdicts:
    """Score, state and tags by article number, stored only for the few articles off the default."""

    def __init__(self, table: ScoreTable) -> None:
        self.default: Facts = (0, table.limits.state(0), ())
        self.special: dict[int, Facts] = {}
        for i in _candidates(table):
            self.special[table.articles[i].number] = (table.scores[i], table.state(i), tuple(table.tags(i)))
        self.hidden = {n for n, facts in self.special.items() if facts[1] in HIDING}
        """Numbers a thread list leaves out (every number when the default state itself hides)."""
        if self.default[1] in HIDING:
            self.hidden = {a.number for i, a in enumerate(table.articles) if table.state(i) in HIDING}

    def of(self, number: int) -> Facts:
        return self.special.get(number, self.default)


def _candidates(table: ScoreTable) -> Sequence[int] | set[int]:
    """Indices that can be off the default: a score, a forced state or a tag (all when 0 is not "normal")."""
    if table.limits.state(0) != "normal":
        return range(len(table.articles))
    return {i for i, s in enumerate(table.scores) if s}.union(table.forced, *table.tag_index.values())


def write_threads(roots: Iterable[ThreadNode], table: ScoreTable, read: RangeSet, out: TextIO, *,
                  show_all: bool = False, jsonl: bool = False) -> None:
    """The thread trees as ``threads --json`` (or ``--jsonl``) prints them, streamed to ``out``."""
    sink = Chunked(out)
    writer = _TreeWriter(sink, Verdicts(table), read, is_stale(out), show_all)
    if jsonl:
        for n, (root, keep) in enumerate(writer.kept(roots)):
            writer.lines(root, keep, n)
    else:
        writer.document(roots)
    sink.flush()


def kept_roots(roots: Iterable[ThreadNode], hidden: set[int]) -> Iterator[tuple[ThreadNode, set[int] | None]]:
    """The threads with something to show, each with the ids of its nodes to write (None: all of them)."""
    for root in roots:
        keep = _keep(root, hidden) if hidden else None
        if keep is None or id(root) in keep:
            yield root, keep


def _keep(root: ThreadNode, hidden: set[int]) -> set[int] | None:
    """Nodes that are shown or have a shown reply below them; None when nothing in the thread hides."""
    order = [node for _, node in root.walk()]
    if not any(node.article is not None and node.article.number in hidden for node in order):
        return None
    keep: set[int] = set()
    for node in reversed(order):
        shown = node.article is not None and node.article.number not in hidden
        if shown or any(id(c) in keep for c in node.children):
            keep.add(id(node))
    return keep


class _TreeWriter:
    """Formats nodes at any depth; indentation strings are made once per depth."""

    def __init__(self, sink: Chunked, verdicts: Verdicts, read: RangeSet, stale: bool, show_all: bool) -> None:
        self.sink, self.verdicts, self.read, self.stale = sink, verdicts, read, stale
        self.hidden: set[int] = set() if show_all else verdicts.hidden
        self._pads: list[str] = []

    def kept(self, roots: Iterable[ThreadNode]) -> Iterator[tuple[ThreadNode, set[int] | None]]:
        return kept_roots(roots, self.hidden)

    def pad(self, width: int) -> str:
        """``"\\n"`` and ``width`` spaces (cached: a 1,200-deep chain asks for each width many times)."""
        while len(self._pads) <= width:
            self._pads.append("\n" + " " * len(self._pads))
        return self._pads[width]

    # -- --json: the nested document -------------------------------------------------------------
    def document(self, roots: Iterable[ThreadNode]) -> None:
        first = True
        for root, keep in self.kept(roots):
            self.sink.add(("[" if first else ",") + self.pad(1))
            first = False
            self.tree(root, keep)
        self.sink.add("[]\n" if first else "\n]\n")

    def tree(self, root: ThreadNode, keep: set[int] | None) -> None:
        """One thread, depth first without recursion: a stack of nodes and of the text that closes them."""
        stack: list[tuple[ThreadNode, int] | str] = [(root, 0)]
        add = self.sink.add
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                add(item)
                continue
            node, depth = item
            kids = node.children if keep is None else [c for c in node.children if id(c) in keep]
            tail = self.tail(node, depth)
            if not kids:
                add(self.head(node, depth) + "[]" + tail)
                continue
            inner = self.pad(2 * depth + 3)
            add(self.head(node, depth) + "[" + inner)
            stack.append(self.pad(2 * depth + 2) + "]" + tail)
            for k in range(len(kids) - 1, -1, -1):
                stack.append((kids[k], depth + 1))
                if k:
                    stack.append("," + inner)

    def head(self, node: ThreadNode, depth: int) -> str:
        """The node's fields up to ``"children": `` (json.dumps' indent=1 layout at this depth)."""
        key = "," + self.pad(2 * depth + 2)
        art = node.article
        if art is None or art.number in self.hidden:  # missing, or a placeholder: the same nulls
            values = ["null", enc(art.message_id if art is not None else node.message_id), "null", "null", "null",
                      "null"]
            names: Sequence[str] = _NULLS
        else:
            values = _values(art, self.read, self.pad(2 * depth + 3), self.pad(2 * depth + 2))
            names = _FIELDS
        text = key.join(f'"{name}": {value}' for name, value in zip(names, values))
        return "{" + key[1:] + text + key + '"children": '

    def tail(self, node: ThreadNode, depth: int) -> str:
        """``score``, ``state``, ``tags`` (and ``stale`` on a root) after the children, and the brace."""
        key = "," + self.pad(2 * depth + 2)
        art = node.article
        if art is None or art.number in self.hidden:
            text = f'{key}"score": null{key}"state": null{key}"tags": []'
        else:
            score, state, tags = self.verdicts.of(art.number)
            listed = _list(tags, self.pad(2 * depth + 3), self.pad(2 * depth + 2))
            text = f'{key}"score": {score}{key}"state": "{state}"{key}"tags": {listed}'
        if self.stale and depth == 0:
            text += f'{key}"stale": true'
        return text + self.pad(2 * depth + 1) + "}"

    # -- --jsonl: one article per line -------------------------------------------------------------
    def lines(self, root: ThreadNode, keep: set[int] | None, thread: int) -> None:
        """The thread's shown articles, depth first, each with its thread index and parent number."""
        stack: list[tuple[ThreadNode, int | None]] = [(root, None)]
        while stack:
            node, parent = stack.pop()
            art = node.article
            if art is not None and art.number not in self.hidden:
                self.sink.add(self.line(art, thread, parent))
            number = art.number if art is not None else None
            stack.extend((c, number) for c in reversed(node.children) if keep is None or id(c) in keep)

    def line(self, art: Overview, thread: int, parent: int | None) -> str:
        score, state, tags = self.verdicts.of(art.number)
        values = _values(art, self.read, "", "")
        text = ", ".join(f'"{name}": {value}' for name, value in zip(_FIELDS, values))
        text += f', "score": {score}, "state": "{state}", "tags": {_list(tags, "", "")}'
        text += f', "thread": {thread}, "parent": {"null" if parent is None else parent}'
        return "{" + text + (', "stale": true}\n' if self.stale else "}\n")


def _values(art: Overview, read: RangeSet, inner: str, outer: str) -> list[str]:
    """An article's overview fields and read mark as JSON text, in ``_FIELDS`` order."""
    date = f'"{art.date.isoformat()}"' if art.date is not None else "null"
    return [str(art.number), enc(art.message_id), enc(art.subject), enc(art.author), date, str(art.lines),
            str(art.bytes), _list(art.references, inner, outer), "true" if art.number in read else "false"]


def _list(items: Sequence[str], inner: str, outer: str) -> str:
    """A JSON list of strings: on one line when ``inner`` is empty, else one item per indented line."""
    if not items:
        return "[]"
    if not inner:
        return "[" + ", ".join(enc(item) for item in items) + "]"
    return "[" + inner + ("," + inner).join(enc(item) for item in items) + outer + "]"
