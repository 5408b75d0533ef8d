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
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress
from json.encoder import encode_basestring as enc
from typing import TYPE_CHECKING, TextIO

from cli.columnar import numbers_of
from cli.json_texts import ColumnTexts, Fields, flat_list, texts_for
from cli.jsonout import Chunked
from cli.stale import is_stale
from killfile.states import ScoreState
from nntp.columns import Columns
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
        numbers = numbers_of(table.articles)  # the array itself for Columns: no record per article
        for i in _candidates(table):
            self.special[numbers[i]] = (table.scores[i], table.state(i), tuple(table.tags(i)))
        self.hidden = {n for n, facts in self.special.items() if facts[1] in HIDING}
        """Numbers a thread list leaves out (every number when the default state itself hides)."""
        if self.default[1] in HIDING:
            self.hidden = {n for i, n in enumerate(numbers) if table.state(i) in HIDING}


def _candidates(table: ScoreTable) -> Sequence[int] | set[int]:
    """Indices that can be off the default: a score, a forced state or a tag (all when 0 is not "normal")."""
    if table.limits.state(0) != ScoreState.NORMAL:
        return range(len(table.articles))
    scored = compress(range(len(table.scores)), table.scores)  # the indices of non-zero scores, in C
    return set(scored).union(table.forced, *table.tag_index.values())


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
    numbers = [node.number for node in order]
    if not any(n is not None and n in hidden for n in numbers):
        return None
    keep: set[int] = set()
    for node, number in zip(reversed(order), reversed(numbers)):
        shown = number is not None and number not in hidden
        if shown or any(id(c) in keep for c in node.children):
            keep.add(id(node))
    return keep


class _Level:
    """The text of one depth of the tree, made once: ``json.dumps(..., indent=1)``'s layout at this depth."""

    __slots__ = ("head", "nulls", "tail", "plain_tail", "null_tail", "inner", "close", "sep", "leaf", "branch",
                 "plain_close")

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
        self.leaf = self.head + "[]" + self.plain_tail.replace("%", "%%")
        """A childless article with the default verdict, whole: one ``%`` fills it."""
        self.branch = self.head + "[" + self.inner
        """An article with replies, up to its first reply (``plain_close`` closes it after them)."""
        self.plain_close = self.close + self.plain_tail

    def listed(self, items: Sequence[str]) -> str:
        return "[" + self.inner + self.sep.join(map(enc, items)) + self.close if items else "[]"

    def joined(self, texts: Sequence[str]) -> str:
        """``listed`` of strings that are JSON text already (a Columns' encoded tables)."""
        return "[" + self.inner + self.sep.join(texts) + self.close if texts else "[]"


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
        self.tables: dict[int, ColumnTexts] = {}
        """Encoded fields of each Columns the columns-mode nodes come from (one, in practice)."""
        self.last: ColumnTexts | None = None

    def columns(self, source: Columns) -> ColumnTexts:
        """The encoded tables of ``source`` (the last one asked for is at hand: one, in practice)."""
        if self.last is None or self.last.source is not source:
            self.last = texts_for(self.tables, source, self.read)
        return self.last

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
            kids = node.children if keep is None else [c for c in node.children if id(c) in keep]
            text, closing = self.texts(node, lv, bool(kids))
            append(text)
            if not kids:
                continue
            stack.append(closing)
            for k in range(len(kids) - 1, -1, -1):
                stack.append((kids[k], depth + 1))
                if k:
                    stack.append(lv.sep)

    def texts(self, node: ThreadNode, lv: _Level, parent: bool) -> tuple[str, str]:
        """The node's text up to its first reply (all of it when it has none), and what closes it after them.

        Columns-mode nodes take their fields from tables encoded once (cli/json_texts.py), records encode
        theirs here; the text is the same. Most articles have no verdict of their own: one ``%`` each.
        """
        source = node.source
        if source is not None:
            texts = self.last if self.last is not None and self.last.source is source else self.columns(source)
            index = node.index
            number = texts.numbers[index]
            if number in self.hidden:
                return _placeholder(texts.message_id(index), lv, parent)
            fields = texts.fields(index, lv.joined)
        else:
            art = node.article
            if art is None or art.number in self.hidden:  # missing, or a placeholder: the same nulls
                return _placeholder(enc(art.message_id if art is not None else node.message_id), lv, parent)
            number, fields = art.number, _record_fields(art, self.read, lv.listed)
        facts = self.verdicts.special.get(number)
        if facts is None:
            return (lv.branch % fields, lv.plain_close) if parent else (lv.leaf % fields, "")
        tail = lv.tail % (facts[0], f'"{facts[1]}"', lv.listed(facts[2]))
        return (lv.branch % fields, lv.close + tail) if parent else (lv.head % fields + "[]" + tail, "")

    # -- --jsonl: one article per line -------------------------------------------------------------
    def lines(self, root: ThreadNode, keep: set[int] | None, thread: int) -> None:
        """The thread's shown articles, depth first, each with its thread index and parent number."""
        parts: list[str] = []
        stack: list[tuple[ThreadNode, str]] = [(root, "null")]
        while stack:
            node, parent = stack.pop()
            number = node.number
            if number is not None and number not in self.hidden:
                parts.append(self.line(node, thread, parent))
            for child in reversed(node.children):
                if keep is None or id(child) in keep:
                    stack.append((child, "null" if number is None else str(number)))
        self.sink.add("".join(parts))

    def line(self, node: ThreadNode, thread: int, parent: str) -> str:
        """One shown article's line (columns mode: from the encoded tables; records: encoded here)."""
        source = node.source
        if source is not None:
            fields = self.columns(source).fields(node.index, flat_list)
        else:
            art = node.article
            assert art is not None  # a shown article
            fields = _record_fields(art, self.read, _flat)
        facts = self.verdicts.special.get(fields[0])
        verdict = self.plain_verdict if facts is None else _VERDICT % (facts[0], facts[1], _flat(facts[2]))
        return _LINE % (*fields, verdict, thread, parent, self.line_end)


def _placeholder(message_id: str, lv: _Level, parent: bool) -> tuple[str, str]:
    """A missing or dropped article's text (every field null but its encoded ``message_id``) and closer."""
    return lv.nulls % message_id + ("[" + lv.inner if parent else "[]" + lv.null_tail), lv.close + lv.null_tail


def _record_fields(art: Overview, read: RangeSet, listed: Callable[[Sequence[str]], str]) -> Fields:
    """A record's fields from number to read as JSON text (References as ``listed`` lays them out)."""
    date = f'"{art.date.isoformat()}"' if art.date is not None else "null"
    return (art.number, enc(art.message_id), enc(art.subject), enc(art.author), date, art.lines, art.bytes,
            listed(art.references), "true" if art.number in read else "false")


def _flat(items: Sequence[str]) -> str:
    """A JSON list of strings on one line."""
    return "[" + ", ".join(map(enc, items)) + "]" if items else "[]"
