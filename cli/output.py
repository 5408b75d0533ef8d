"""JSON shapes of the scripting CLI. These field names are a contract with users' scripts.

``threads`` and ``score`` write theirs article by article (cli/threads_json.py,
cli/score_json.py): a big group's answer is never built as one value.
"""

from __future__ import annotations

from typing import Any

from nntp.models import Article, GroupInfo


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
