"""Killed articles are read: the read marks that follow from scoring a group (slrn, tin).

Scoring a group (entering it in the reader, ``pith threads``, ``pith score``) marks
what the killfile kills as read, so unread counts say what is left to read and a
killed article never comes back unread in the group list, in .newsrc or in another
reader. One function for the TUI and the CLI; pure Python, no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress

from killfile.result import ScoreTable
from killfile.states import ScoreState
from store.readstate import MarkWriter


def _scored_indices(table: ScoreTable) -> Iterable[int]:
    """The only articles that can be killed or hidden: scored or forced (unless 0 itself is)."""
    if not table.limits.state(0).visible:
        return range(len(table.articles))
    return sorted(set(compress(range(len(table.scores)), table.scores)).union(table.forced))


def numbers_in_state(table: ScoreTable, state: ScoreState) -> list[int]:
    """Article numbers of the scored articles in ``state`` (KILLED or HIDDEN: the others need no score)."""
    articles = table.articles
    return [articles[i].number for i in _scored_indices(table) if table.state(i) == state]


def killed_numbers(table: ScoreTable) -> list[int]:
    """What the killfile kills in this table, by article number."""
    return numbers_in_state(table, ScoreState.KILLED)


def mark_killed_read(state: MarkWriter, group: str, table: ScoreTable) -> int:
    """Mark the killed articles of ``group`` read in the store (one transaction); -> how many were unread."""
    read = state.read(group)
    fresh = [number for number in killed_numbers(table) if number not in read]
    if fresh:
        state.mark_read(group, fresh)
    return len(fresh)
