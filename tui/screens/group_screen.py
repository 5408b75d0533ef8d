"""What the thread list's parts share: the group's GroupView and the widgets its state is painted on.

ThreadsScreen is put together from ReadingActions, ThreadActions and
ThreadExportActions; each derives from this class (a real base, so each is typed
on its own), and the state they act on lives in one GroupView (app/groupview.py).
The properties below read that state for the pager and the tests.
"""

from __future__ import annotations

from collections.abc import Sequence

from killfile.result import ScoreTable
from nntp.models import Overview
from store.visits import Visit
from app.groupview import GroupView
from app.readmarks import ReadMarks
from app.rows import ThreadRow
from app.scoring import Filter, Scored
from app.views import View
from tui.screens.base import PithScreen
from tui.widgets.thread_list import ThreadList


class GroupScreen(PithScreen):
    """A screen showing one group through a GroupView (``model``)."""

    def __init__(self, group: str) -> None:
        super().__init__()
        self.group = group
        self.model = GroupView(group)

    @property
    def thread_list(self) -> ThreadList:
        return self.query_one(ThreadList)

    @property
    def loaded(self) -> bool:
        return self.model.loaded

    @property
    def provisional(self) -> bool:
        """A first screen from the group's first records is shown while the rest loads."""
        return self.model.provisional

    @property
    def view(self) -> View:
        return self.model.view

    @property
    def unread_only(self) -> bool:
        return self.model.unread_only

    @property
    def marks(self) -> ReadMarks | None:
        return self.model.marks

    @property
    def scored(self) -> Scored | None:
        return self.model.scored

    @property
    def table(self) -> ScoreTable | None:
        return self.model.table

    @property
    def overviews(self) -> Sequence[Overview]:
        return self.model.overviews

    @property
    def filter(self) -> Filter:
        return self.model.filter

    @property
    def last_visit(self) -> Visit | None:
        return self.model.visit

    def _show_counts(self) -> None:
        self.status.set_counts(self.model.counts_line())

    def paint(self, rows: Sequence[ThreadRow]) -> None:
        """Put ``rows`` on the list, with the scores and hidden lists they were arranged from."""
        scored = self.model.scored
        self.thread_list.set_rows(rows, scores=scored.scores if scored else None,
                                  hidden=scored.hidden if scored else None)
