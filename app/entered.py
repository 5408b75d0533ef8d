"""What the steps of entering a group hand back (GroupView's results), and the small functions over them.

Frozen values: a thread worker builds them, the UI thread reads them.
Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from killfile.result import ScoreTable
from store.library import GroupLoad
from store.visits import Visit
from app.readmarks import ReadMarks
from app.rows import LazyRows, ThreadRow
from app.scoring import Scored
from app.views import View


@dataclass(frozen=True)
class Entered:
    """A group entered: its overviews, threaded and scored; the read marks and the previous visit on a
    first entry (None on a reload, which keeps the marks made meanwhile)."""

    load: GroupLoad
    scored: Scored
    table: ScoreTable
    marks: ReadMarks | None = None
    visit: Visit | None = None

    @property
    def threads(self) -> int:
        return len(self.scored.roots)


@dataclass(frozen=True)
class FirstScreen:
    """Threads from a group's first ``records`` records, shown while the rest loads."""

    scored: Scored
    records: int


@dataclass(frozen=True)
class Arranged:
    """The rows of one view; ``note`` says what they are (the digest's reasons), else empty."""

    view: View
    rows: Sequence[ThreadRow]
    note: str = ""


@dataclass(frozen=True)
class Shown:
    """What the thread list does once the group is in (GroupView.entered decides, the screen applies)."""

    rows: Sequence[ThreadRow] | None
    """The rows to show now; None: the view (or only unread) is arranged again, the cursor kept."""
    cursor: int | None
    """Where in ``rows`` the cursor goes back to (the article it was on), if anywhere."""
    status: str
    first: bool
    """The first entry, not a reload: the list takes the focus."""
    reload: str | None = None
    """An article of ours was posted while this entry ran: enter again, with this note."""


def summary(result: Entered) -> str:
    """"comp.x: 1,234 articles in 321 threads", with what was skipped and whether it came from the cache."""
    load = result.load
    count = len(load.overviews)
    text = f"{load.group.name}: {count:,} articles in {result.threads:,} threads"
    if load.skipped:
        text += f" ({load.skipped:,} malformed overview lines skipped)"
    if not count:
        text = f"{load.group.name}: no articles"
    if load.offline:
        text += " (offline: cached articles only)"
    return text


def find(rows: Sequence[ThreadRow], key: int | str) -> int | None:
    """Index of the row of article ``key`` (its number or its Message-ID), if listed."""
    if isinstance(key, int):
        numbers = rows.numbers() if isinstance(rows, LazyRows) else (row.number for row in rows)
        return next((index for index, number in enumerate(numbers) if number == key), None)
    return next((index for index, row in enumerate(rows) if row.number is not None and row.message_id == key), None)


def index_of_id(rows: Sequence[ThreadRow], message_id: str) -> int | None:
    """Index of the row of ``message_id`` (a missing article's too), if listed."""
    return next((index for index, row in enumerate(rows) if row.message_id == message_id), None)
