"""``score --json`` and ``score --jsonl``, written article by article.

Most articles of a big group match no rule: their verdict is a fixed format
with four values, filled in without building a dict. The few that matched
something go through ``verdict_json`` (the contract's shape) and the json
module. ``--jsonl`` adds ``thread`` and ``parent`` from the group's threading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring as enc
from typing import Any, TextIO

from cli.jsonout import Chunked
from cli.stale import is_stale
from killfile.result import ScoreTable, verdict_json
from nntp.threads import ThreadNode

SCORE_JSONL_HELP = ("one JSON object per line, one per article: the --json fields plus thread (the index of its "
                    "thread in `threads --all --json`'s list) and parent (the number of the article it replies "
                    "to; null for a root or a reply to a missing article)")
_PLAIN = '{\n  "number": %d,\n  "message_id": %s,\n  "score": %d,\n  "state": "%s",\n  "tags": [],\n  "matched": []'
_LINE = ('{"number": %d, "message_id": %s, "score": %d, "state": "%s", "tags": [], "matched": [], '
         '"thread": %s, "parent": %s')


def write_scores(table: ScoreTable, out: TextIO) -> None:
    """Every article's verdict as ``score --json`` prints it (``json.dump(..., indent=1)``), streamed."""
    sink, stale = Chunked(out), is_stale(out)
    plain = _PLAIN + (',\n  "stale": true' if stale else "") + "\n }"
    for i in range(len(table.articles)):
        sink.add(",\n " if i else "[\n ")
        text = _plain(table, i, plain)
        if text is None:
            data = _verdict(table, i, stale, None)
            text = json.dumps(data, ensure_ascii=False, indent=1).replace("\n", "\n ")
        sink.add(text)
    sink.add("\n]\n" if len(table.articles) else "[]\n")
    sink.flush()


def write_score_lines(table: ScoreTable, roots: Sequence[ThreadNode], out: TextIO) -> None:
    """``score --jsonl``: one verdict per line, in article order, with its thread index and parent."""
    sink, stale = Chunked(out), is_stale(out)
    links = thread_links(roots)
    plain = _LINE + (', "stale": true' if stale else "") + "}\n"
    for i in range(len(table.articles)):
        thread, parent = links.get(table.articles[i].number, (None, None))
        text = _plain(table, i, plain, (_null(thread), _null(parent)))
        if text is None:
            text = json.dumps(_verdict(table, i, stale, (thread, parent)), ensure_ascii=False) + "\n"
        sink.add(text)
    sink.flush()


def _plain(table: ScoreTable, i: int, template: str, extra: tuple[str, ...] = ()) -> str | None:
    """The verdict from ``template`` when nothing matched and no tag applies, else None."""
    if table.entries(i) or table.tags(i):
        return None
    article = table.articles[i]
    return template % (article.number, enc(article.message_id), table.scores[i], table.state(i), *extra)


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
            number = node.article.number if node.article is not None else None
            if number is not None:
                links[number] = (index, parent)
            stack.extend((child, number) for child in node.children)
    return links


def _null(value: int | None) -> str:
    return "null" if value is None else str(value)
