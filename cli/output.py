"""JSON shapes of the scripting CLI. These field names are a contract with users' scripts."""

from __future__ import annotations

from typing import Any

from nntp.models import Article, GroupInfo, Overview
from nntp.threads import ThreadNode
from store.ranges import RangeSet


def group_json(group: GroupInfo, subscribed: bool | None = None, unread: int | None = None) -> dict[str, Any]:
    """One group; ``subscribed`` and ``unread`` (this server's read state) when given."""
    data: dict[str, Any] = {
        "name": group.name,
        "count": group.count,
        "low": group.low,
        "high": group.high,
        "posting": group.posting,
        "description": group.description,
    }
    if subscribed is not None:
        data["subscribed"] = subscribed
    if unread is not None:
        data["unread"] = unread
    return data


def overview_json(article: Overview | None) -> dict[str, Any]:
    if article is None:
        return {"number": None, "message_id": None, "subject": None, "from": None, "date": None}
    return {
        "number": article.number,
        "message_id": article.message_id,
        "subject": article.subject,
        "from": article.author,
        "date": article.date.isoformat() if article.date else None,
        "lines": article.lines,
        "bytes": article.bytes,
        "references": list(article.references),
    }


def thread_json(root: ThreadNode, read: RangeSet | None = None) -> dict[str, Any]:
    """A root node with nested ``children``; built without recursion (any depth).

    With ``read`` (the group's read marks) each node says ``"read": true/false``
    (null for a missing article), so a script sees what the reader would show as new.
    """
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


def article_json(group: str, article: Article) -> dict[str, Any]:
    return {
        "group": group,
        "number": article.number,
        "message_id": article.message_id,
        "headers": [[k, v] for k, v in article.headers],
        "body": article.body,
        "attachments": list(article.attachments),
    }


def article_text(article: Article) -> str:
    """Headers a reader wants, a blank line, the decoded body (already sanitized)."""
    lines = []
    for name in ("From", "Subject", "Date", "Newsgroups", "Message-ID"):
        value = article.header(name)
        if value:
            lines.append(f"{name}: {value}")
    if article.attachments:
        lines.append("Attachments: " + ", ".join(article.attachments))
    return "\n".join(lines) + "\n\n" + article.body.rstrip("\n") + "\n"
