"""The group list: flags, unread count, name, article count, description; on the Line API (servers
carry 50,000 groups).

Flags, as slrn and tin show them: ``N`` a group new since an earlier visit, ``U``
a group the reader is not subscribed to (only once there are subscriptions, so a
fresh reader's list is not a wall of U). A name filter narrows the rows without
touching the groups underneath. By default only the subscribed groups (and new ones) are rows;
``show_all`` lists every group (slrn's ``L``, tin's ``y``). ``column_header`` labels the columns
for the line above the rows.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text

from nntp.models import GroupInfo
from nntp.sanitize import sanitize_line
from app.group_rows import GroupListing, shown_groups
from tui.widgets.line_list import LineList

NAME_MAX = 40
COUNT_WIDTH = 9
UNREAD_WIDTH = 7
FLAGS_WIDTH = 3


class GroupList(LineList):
    """Groups with a cursor; Enter posts ``LineList.Selected`` (its index is into ``groups``)."""

    HELP_SECTION = "Group list"

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--cursor",
        "group-list--flags",
        "group-list--unread",
        "group-list--name",
        "group-list--count",
        "group-list--description",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.listing = GroupListing([])
        self.groups: list[GroupInfo] = []
        """The rows on show: every group, or those whose name holds ``filter_text``."""
        self.filter_text = ""
        self.show_all = False
        """Every group of the source, not only the subscribed (and new) ones."""
        self._kept: frozenset[str] = frozenset()
        """Rows of the subscribed view already on show: they stay until the view is switched."""
        self._name_width = 20

    @property
    def row_count(self) -> int:
        return len(self.groups)

    @property
    def current(self) -> GroupInfo | None:
        return self.groups[self.cursor] if self.groups else None

    def set_groups(self, groups: list[GroupInfo] | GroupListing) -> None:
        """Show ``groups``, keeping the cursor on the same group name if it is still there."""
        self.listing = groups if isinstance(groups, GroupListing) else GroupListing(groups)
        self._name_width = min(NAME_MAX, max((len(sanitize_line(g.name)) for g in self.listing.groups), default=20))
        self._apply_filter()

    def set_show_all(self, show_all: bool) -> None:
        """Switch between every group and the subscribed (and new) ones; the rows kept are forgotten."""
        self.show_all = show_all
        self._kept = frozenset()
        self._apply_filter()

    @property
    def viewed(self) -> list[GroupInfo]:
        """The groups of the current view (all, or subscribed and new), before the name filter."""
        return shown_groups(self.listing, self.show_all, self._kept)

    def set_filter(self, text: str) -> None:
        """Show only groups whose name contains ``text`` (case-blind); "" shows all."""
        self.filter_text = text.strip()
        self._apply_filter()

    def _apply_filter(self) -> None:
        previous = self.current.name if self.current else None
        needle = self.filter_text.casefold()
        groups = self.viewed
        if not self.show_all:
            self._kept = frozenset(group.name for group in groups)
        self.groups = [g for g in groups if needle in g.name.casefold()] if needle else groups
        names = [g.name for g in self.groups]
        self.rows_changed(names.index(previous) if previous in names else 0)

    def unread(self, group: GroupInfo) -> int:
        return self.listing.unread.get(group.name, group.count)

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"group-list--{part}")

    def _flags(self, group: GroupInfo) -> str:
        listing = self.listing
        new = "N" if group.name in listing.new else " "
        unsubscribed = "U" if listing.subscribed and group.name not in listing.subscribed else " "
        return (new + unsubscribed).ljust(FLAGS_WIDTH)

    def column_header(self) -> str:
        """The labels over the columns, aligned with ``render_row`` (the line above the rows)."""
        name = "group"[:self._name_width].ljust(self._name_width)
        return f"{'':{FLAGS_WIDTH}}{'unread':>{UNREAD_WIDTH}}  {name}{'total':>{COUNT_WIDTH}}  description"

    def render_row(self, index: int, width: int) -> Text:
        group = self.groups[index]
        text = Text(no_wrap=True)
        text.append(self._flags(group), self._style("flags"))
        text.append(f"{self.unread(group):>{UNREAD_WIDTH},}  ", self._style("unread"))
        name = Text(sanitize_line(group.name), style=self._style("name"))
        name.truncate(self._name_width, overflow="ellipsis", pad=True)
        text.append(name)
        text.append(f"{group.count:>{COUNT_WIDTH},}", self._style("count"))
        if group.description:
            text.append("  ")
            text.append(sanitize_line(group.description), self._style("description"))
        return text
