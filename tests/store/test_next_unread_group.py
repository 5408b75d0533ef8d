"""Where n / space go at the end of a group: the next subscribed group with unread articles (issue 15)."""

from __future__ import annotations

import sqlite3

from nntp.models import GroupInfo
from store.readstate import ReadState, next_unread_group


def info(name: str, high: int) -> GroupInfo:
    return GroupInfo(name, 1, high, high)


def test_next_subscribed_group_with_unread_articles_wraps_and_skips() -> None:
    state = ReadState(sqlite3.connect(":memory:"))
    groups = [info(name, 5) for name in ("a", "b", "c", "d", "e")]
    for name in ("a", "b", "c", "d"):
        state.subscribe(name)
    state.mark_through("c", 5)  # c is read; e is not subscribed
    assert next_unread_group(state, groups, "b") is not None
    assert next_unread_group(state, groups, "b").name == "d"  # type: ignore[union-attr]
    assert next_unread_group(state, groups, "d").name == "a"  # type: ignore[union-attr]
    for name in ("a", "b", "d"):
        state.mark_through(name, 5)
    assert next_unread_group(state, groups, "d") is None
    assert next_unread_group(state, groups, "unsubscribed.group") is None
