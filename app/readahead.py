"""Which articles the reader will most likely open next: the next unread ones after the cursor.

The pager asks for their bodies in the background (store/sync.py ``prefetch_bodies``)
as soon as an article is shown, so n and space show the next one from the store
instead of waiting a round trip. This only looks: the cursor does not move.
"""

from __future__ import annotations

from typing import Any

READ_AHEAD = 4
"""Unread articles fetched ahead: one pipelined round trip, and n pressed four times is covered."""


def upcoming_unread(thread_screen: Any, count: int = READ_AHEAD) -> list[tuple[int, str]]:
    """(number, Message-ID) of the next ``count`` unread articles after the thread list's cursor."""
    threads = getattr(thread_screen, "thread_list", None)
    marks = getattr(thread_screen, "marks", None)
    if threads is None or marks is None or not threads.all_rows:
        return []
    unread = marks.unread_numbers
    found: list[tuple[int, str]] = []
    for row in threads.all_rows[threads.current_index + 1 :]:
        article = row.article
        if article is not None and article.number in unread:
            found.append((article.number, article.message_id))
            if len(found) >= count:
                break
    return found
