"""``score --json`` and ``score --jsonl``, written article by article.

Most articles of a big group match no rule: their verdict is a fixed format
with four values, filled in without building a dict. The few that matched
something go through ``verdict_json`` (the contract's shape) and the json
module. ``--jsonl`` adds ``thread`` and ``parent`` from the group's threading.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring as enc
from typing import Any, TextIO

from cli.columnar import message_ids_of, numbers_of
from cli.jsonout import Chunked
from cli.stale import is_stale
from killfile.result import ScoreTable, verdict_json
from nntp.models import Overview
from nntp.threads import ThreadNode

SCORE_JSONL_HELP = ("one JSON object per line, one per article: the --json fields plus thread (the index of its "
                    "thread in `threads --all --json`'s list) and parent (the number of the article it replies "
                    "to; null for a root or a reply to a missing article)")
_PLAIN = '{\n  "number": %d,\n  "message_id": %s,\n  "score": %d,\n  "state": "%s",\n  "tags": [],\n  "matched": []'
_LINE = ('{"number": %d, "message_id": %s, "score": %d, "state": "%s", "tags": [], "matched": [], '
         '"thread": %s, "parent": %s')


def write_scores(table: ScoreTable, out: TextIO) -> None:
    """Every article's verdict as ``score --json`` prints it (``json.dump(..., indent=1)``), streamed."""
    stale = is_stale(out)
    plain = _PLAIN + (',\n  "stale": true' if stale else "") + "\n }"

    def rich(i: int) -> str:
        return json.dumps(_verdict(table, i, stale, None), ensure_ascii=False, indent=1).replace("\n", "\n ")

    texts = _texts(table, plain, rich)
    _write(Chunked(out), texts, "[\n ", ",\n ", "\n]\n", "[]\n")


def write_score_lines(table: ScoreTable, roots: Sequence[ThreadNode], out: TextIO) -> None:
    """``score --jsonl``: one verdict per line, in article order, with its thread index and parent."""
    stale, (threads, parents) = is_stale(out), index_links(roots, table.articles)
    plain = _LINE + (', "stale": true' if stale else "") + "}\n"

    def rich(i: int) -> str:
        link = (_value(threads[i]), _value(parents[i]))
        return json.dumps(_verdict(table, i, stale, link), ensure_ascii=False) + "\n"

    texts = _texts(table, plain, rich, (map(_text, threads), map(_text, parents)))
    _write(Chunked(out), texts, "", "", "", "")


def _texts(table: ScoreTable, plain: str, rich: Callable[[int], str],
           extra: Sequence[Iterable[str]] = ()) -> Iterator[str]:
    """Each verdict's text: ``plain`` filled in for the many articles nothing touched, ``rich(i)`` for the rest.

    Numbers and Message-IDs come from the columns when the table's articles are Columns (no records), and
    ``plain`` is filled by ``map`` over them (in C); ``extra`` are further columns of values (--jsonl's).
    """
    touched = _touched(table)
    scores = table.scores
    states = {score: table.limits.state(score) for score in set(scores)}
    rows = zip(numbers_of(table.articles), map(enc, message_ids_of(table.articles)), scores,
               map(states.__getitem__, scores), *extra)
    for i, text in enumerate(map(plain.__mod__, rows)):
        yield rich(i) if i in touched else text


def _touched(table: ScoreTable) -> set[int]:
    """Articles with an explanation, a tag or a forced state: their verdict is more than score and state."""
    return set(table.forced).union(*(indices for _, indices in table.applications), *table.tag_index.values())


def _write(sink: Chunked, texts: Iterator[str], first: str, between: str, last: str, empty: str) -> None:
    """``first``, the texts with ``between`` between them and ``last`` (``empty`` alone when there are none).

    The texts are handed on a thousand at a time: one join per batch, not one write per article.
    """
    batch: list[str] = []
    started = False
    for text in texts:
        batch.append(text)
        if len(batch) == 1000:
            sink.add((between if started else first) + between.join(batch))
            started, batch = True, []
    if batch:
        sink.add((between if started else first) + between.join(batch))
        started = True
    sink.add(last if started else empty)
    sink.flush()


def _verdict(table: ScoreTable, i: int, stale: bool, link: tuple[int | None, int | None] | None) -> dict[str, Any]:
    data = verdict_json(table.verdict(i))
    if link is not None:
        data["thread"], data["parent"] = link
    if stale:
        data["stale"] = True
    return data


def thread_links(roots: Sequence[ThreadNode]) -> dict[int, tuple[int, int | None]]:
    """Article number -> (index of its thread, number of its parent article or None)."""
    links: dict[int, tuple[int, int | None]] = {}
    for index, root in enumerate(roots):
        stack: list[tuple[ThreadNode, int | None]] = [(root, None)]
        while stack:
            node, parent = stack.pop()
            number = node.number
            if number is not None:
                links[number] = (index, parent)
            stack.extend((child, number) for child in node.children)
    return links


def index_links(roots: Sequence[ThreadNode], articles: Sequence[Overview]) -> tuple[array[int], array[int]]:
    """``thread_links`` by article index, in two arrays (``NONE``: null), not a dict of tuples by number.

    A columns-mode node of ``articles`` says its index; any other is found by its number.
    """
    threads, parents = array("q", [NONE]) * len(articles), array("q", [NONE]) * len(articles)
    by_number: dict[int, int] | None = None
    for thread, root in enumerate(roots):
        stack: list[tuple[ThreadNode, int]] = [(root, NONE)]
        while stack:
            node, parent = stack.pop()
            number = node.number
            index = node.index if node.source is articles else -1
            if index < 0 and number is not None:
                by_number = by_number if by_number is not None else {n: i for i, n in enumerate(numbers_of(articles))}
                index = by_number.get(number, -1)
            if index >= 0:
                threads[index], parents[index] = thread, parent
            stack.extend((child, NONE if number is None else number) for child in node.children)
    return threads, parents


NONE = -(2**63)
"""No thread or no parent, in ``index_links``' arrays (article numbers are positive)."""


def _value(value: int) -> int | None:
    return None if value == NONE else value


def _text(value: int) -> str:
    return "null" if value == NONE else str(value)
