"""The old ``threads --json`` builder, kept as the oracle for the streamed writer (cli/threads_json.py).

It built one nested dict per article for the whole group and then encoded it:
the shape is right by definition (users' scripts were written against it), the
cost was not. The streamed writer must print what ``json.dumps`` of this prints.
"""

from __future__ import annotations

from typing import Any

from killfile.result import ScoreTable
from nntp.models import Overview
from nntp.threads import ThreadNode
from store.ranges import RangeSet


def overview_json(article: Overview | None) -> dict[str, Any]:
    if article is None:
        return {"number": None, "message_id": None, "subject": None, "from": None, "date": None}
    return {"number": article.number, "message_id": article.message_id, "subject": article.subject,
            "from": article.author, "date": article.date.isoformat() if article.date else None,
            "lines": article.lines, "bytes": article.bytes, "references": list(article.references)}


def thread_json(root: ThreadNode, read: RangeSet | None = None) -> dict[str, Any]:
    out = _node(root, read)
    stack = [(root, out)]
    while stack:
        node, data = stack.pop()
        for child in node.children:
            child_data = _node(child, read)
            data["children"].append(child_data)
            stack.append((child, child_data))
    return out


def _node(node: ThreadNode, read: RangeSet | None) -> dict[str, Any]:
    data = overview_json(node.article)
    if node.article is None:
        data["message_id"] = node.message_id
    if read is not None:
        data["read"] = None if node.article is None else node.article.number in read
    data["children"] = []
    return data


def scored_threads(roots_json: list[dict[str, Any]], table: ScoreTable, show_all: bool) -> list[dict[str, Any]]:
    index = {a.number: i for i, a in enumerate(table.articles)}
    order: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    stack: list[tuple[dict[str, Any], dict[str, Any] | None]] = [(r, None) for r in reversed(roots_json)]
    while stack:
        node, parent = stack.pop()
        order.append((node, parent))
        stack.extend((c, node) for c in reversed(node["children"]))
    keep: set[int] = set()
    for node, _parent in reversed(order):
        i = index.get(node["number"]) if node["number"] is not None else None
        _annotate(node, table, i)
        shown = show_all or (i is not None and node["state"] not in ("killed", "hidden"))
        has_visible = any(id(c) in keep for c in node["children"])
        node["children"] = [c for c in node["children"] if id(c) in keep]
        if shown or has_visible:
            keep.add(id(node))
            if not shown:
                _as_placeholder(node)
    return [r for r in roots_json if id(r) in keep]


def _annotate(node: dict[str, Any], table: ScoreTable, i: int | None) -> None:
    if i is None:
        node.update({"score": None, "state": None, "tags": []})
        return
    node.update({"score": table.scores[i], "state": table.state(i), "tags": table.tags(i)})


def _as_placeholder(node: dict[str, Any]) -> None:
    for key in ("number", "subject", "from", "date", "score", "state", "read"):
        node[key] = None
    for key in ("lines", "bytes", "references"):
        node.pop(key, None)
    node["tags"] = []
