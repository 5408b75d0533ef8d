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
from typing import TYPE_CHECKING, TextIO

from cli.jsonout import Chunked
from cli.stale import is_stale
from killfile.states import ScoreState
from nntp.models import Overview
from nntp.threads import ThreadNode
from store.ranges import RangeSet

if TYPE_CHECKING:  # an annotation only: `pith sync` imports this module and needs no killfile
    from killfile.result import ScoreTable

Facts = tuple[int, ScoreState, tuple[str, ...]]
"""An article's score, state and tags."""
HIDING = (ScoreState.KILLED, ScoreState.HIDDEN)
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


def _candidates(table: ScoreTable) -> Sequence[int] | set[int]:
    """Indices that can be off the default: a score, a forced state or a tag (all when 0 is not "normal")."""
    if table.limits.state(0) != ScoreState.NORMAL:
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


class _Level:
    """The text of one depth of the tree, made once: ``json.dumps(..., indent=1)``'s layout at this depth."""

    __slots__ = ("head", "nulls", "tail", "plain_tail", "null_tail", "inner", "close", "sep")

    def __init__(self, depth: int, default: Facts, stale: bool) -> None:
        key = "\n" + " " * (2 * depth + 2)  # a key of this node's object
        self.inner = key + " "  # an item of its lists (children, references, tags)
        self.sep, self.close = "," + self.inner, key + "]"
        self.head = "{" + _template(_FIELDS, key) + "," + key + '"children": '
        nulls = ("null", "%s", "null", "null", "null", "null")  # every field null but message_id
        self.nulls = "{" + _template(_NULLS, key) % nulls + "," + key + '"children": '
        end = ("," + key + '"stale": true' if stale and depth == 0 else "") + key[:-1] + "}"
        self.tail = "," + _template(("score", "state", "tags"), key) + end
        self.plain_tail = self.tail % (default[0], f'"{default[1]}"', "[]")
        self.null_tail = self.tail % ("null", "null", "[]")

    def listed(self, items: Sequence[str]) -> str:
        return "[" + self.inner + self.sep.join(map(enc, items)) + self.close if items else "[]"


def _template(names: Sequence[str], key: str) -> str:
    """``"name": %s`` for each name, each on its own line starting with ``key``."""
    return ",".join(f'{key}"{name}": %s' for name in names)


_LINE = "{" + ", ".join(f'"{name}": %s' for name in _FIELDS) + '%s, "thread": %s, "parent": %s%s'
_VERDICT = ', "score": %s, "state": "%s", "tags": %s'
_KEPT_LEVELS = 64


class _TreeWriter:
    """Formats nodes at any depth from per-depth templates (``_Level``), a thread at a time."""

    def __init__(self, sink: Chunked, verdicts: Verdicts, read: RangeSet, stale: bool, show_all: bool) -> None:
        self.sink, self.verdicts, self.read, self.stale = sink, verdicts, read, stale
        self.hidden: set[int] = set() if show_all else verdicts.hidden
        self.levels: list[_Level] = []
        self.line_end = ', "stale": true}\n' if stale else "}\n"
        self.plain_verdict = _VERDICT % (verdicts.default[0], verdicts.default[1], "[]")

    def kept(self, roots: Iterable[ThreadNode]) -> Iterator[tuple[ThreadNode, set[int] | None]]:
        return kept_roots(roots, self.hidden)

    def level(self, depth: int) -> _Level:
        """The depth's templates: kept for the usual depths, made afresh for a hostile 1,000-deep chain
        (kept, its indentation alone would hold several times the chain's JSON)."""
        if depth >= _KEPT_LEVELS:
            return _Level(depth, self.verdicts.default, self.stale)
        while len(self.levels) <= depth:
            self.levels.append(_Level(len(self.levels), self.verdicts.default, self.stale))
        return self.levels[depth]

    # -- --json: the nested document -------------------------------------------------------------
    def document(self, roots: Iterable[ThreadNode]) -> None:
        opening = "[\n "
        for root, keep in self.kept(roots):
            parts = [opening]
            self.tree(root, keep, parts)
            self.sink.add("".join(parts))
            opening = ",\n "
        self.sink.add("[]\n" if opening == "[\n " else "\n]\n")

    def tree(self, root: ThreadNode, keep: set[int] | None, parts: list[str]) -> None:
        """One thread, depth first without recursion: a stack of nodes and of the text that closes them."""
        append, levels = parts.append, self.levels
        stack: list[tuple[ThreadNode, int] | str] = [(root, 0)]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                append(item)
                continue
            if len(parts) > 128:  # a big thread goes out in pieces too
                self.sink.add("".join(parts))
                parts.clear()
            node, depth = item
            lv = levels[depth] if depth < len(levels) else self.level(depth)
            head, tail = self.texts(node, lv)
            kids = node.children if keep is None else [c for c in node.children if id(c) in keep]
            if not kids:
                append(head + "[]" + tail)
                continue
            append(head + "[" + lv.inner)
            stack.append(lv.close + tail)
            for k in range(len(kids) - 1, -1, -1):
                stack.append((kids[k], depth + 1))
                if k:
                    stack.append(lv.sep)

    def texts(self, node: ThreadNode, lv: _Level) -> tuple[str, str]:
        """The node's fields up to ``"children": ``, and what follows its children."""
        art = node.article
        if art is None or art.number in self.hidden:  # missing, or a placeholder: the same nulls
            return lv.nulls % enc(art.message_id if art is not None else node.message_id), lv.null_tail
        date = f'"{art.date.isoformat()}"' if art.date is not None else "null"
        head = lv.head % (art.number, enc(art.message_id), enc(art.subject), enc(art.author), date, art.lines,
                          art.bytes, lv.listed(art.references), "true" if art.number in self.read else "false")
        facts = self.verdicts.special.get(art.number)
        if facts is None:
            return head, lv.plain_tail
        return head, lv.tail % (facts[0], f'"{facts[1]}"', lv.listed(facts[2]))

    # -- --jsonl: one article per line -------------------------------------------------------------
    def lines(self, root: ThreadNode, keep: set[int] | None, thread: int) -> None:
        """The thread's shown articles, depth first, each with its thread index and parent number."""
        parts: list[str] = []
        stack: list[tuple[ThreadNode, str]] = [(root, "null")]
        while stack:
            node, parent = stack.pop()
            art = node.article
            if art is not None and art.number not in self.hidden:
                parts.append(self.line(art, thread, parent))
            number = "null" if art is None else str(art.number)
            for child in reversed(node.children):
                if keep is None or id(child) in keep:
                    stack.append((child, number))
        self.sink.add("".join(parts))

    def line(self, art: Overview, thread: int, parent: str) -> str:
        facts = self.verdicts.special.get(art.number)
        verdict = self.plain_verdict if facts is None else _VERDICT % (facts[0], facts[1], _flat(facts[2]))
        date = f'"{art.date.isoformat()}"' if art.date is not None else "null"
        return _LINE % (art.number, enc(art.message_id), enc(art.subject), enc(art.author), date, art.lines,
                        art.bytes, _flat(art.references), "true" if art.number in self.read else "false",
                        verdict, thread, parent, self.line_end)


def _flat(items: Sequence[str]) -> str:
    """A JSON list of strings on one line."""
    return "[" + ", ".join(map(enc, items)) + "]" if items else "[]"
