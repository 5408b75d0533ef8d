"""The first screen: every group the source carries, with its article count."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header
from textual.worker import get_current_worker

from nntp.errors import SourceUnavailable
from nntp.models import GroupInfo
from store.library import Library
from tui.bindings import pending
from tui.messages import GroupsLoaded
from tui.screens.base import PithScreen
from tui.widgets.group_list import GroupList
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine


class GroupsScreen(PithScreen):
    """Group list; Enter opens the group under the cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("R", "refresh_groups", "Refresh", id="refresh-groups"),
        pending("c", "Catch up", "catch-up"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield GroupList(id="groups")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def group_list(self) -> GroupList:
        return self.query_one(GroupList)

    def on_mount(self) -> None:
        self.sub_title = "groups"
        self.action_refresh_groups()

    def action_refresh_groups(self) -> None:
        self.status.show("loading the group list…")
        self._load_groups()

    @work(thread=True, exclusive=True, group="groups", exit_on_error=False)
    def _load_groups(self) -> None:
        """Refresh from the source; if it is unreachable, fall back to the cached list."""
        try:
            groups, warning = self.library.call(_fresh_groups), ""
        except SourceUnavailable as exc:
            groups = self.library.call(_cached_groups, local=True)
            if not groups:
                raise
            warning = f"{exc} (showing the cached group list)"
        if not get_current_worker().is_cancelled:
            self.post_message(GroupsLoaded(groups, warning))

    def on_groups_loaded(self, message: GroupsLoaded) -> None:
        self.group_list.set_groups(message.groups)
        self.status.set_counts(f"{len(message.groups):,} groups")
        problems = list(getattr(self.app, "problems", []))
        if message.warning:
            self.report_error(message.warning)
        elif problems and self.status.message.startswith("loading"):
            many = len(problems) > 1
            self.status.show_error(f"{len(problems)} problem{'s' if many else ''} "
                                   f"(? lists {'them' if many else 'it'}): {problems[0]}")
        elif self.status.message.startswith("loading"):
            self.status.show("")  # the count is on the right

    @on(LineList.Selected, "#groups")
    def _open_group(self, event: LineList.Selected) -> None:
        group = self.group_list.groups[event.index]
        self.app.open_group(group.name)  # type: ignore[attr-defined]


def _fresh_groups(library: Library) -> list[GroupInfo]:
    return library.groups(refresh=True)


def _cached_groups(library: Library) -> list[GroupInfo]:
    return library.groups(refresh=False)
