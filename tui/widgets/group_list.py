"""The group list: name, article count, description; on the Line API (servers carry 50,000 groups)."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text

from nntp.models import GroupInfo
from tui.widgets.line_list import LineList

NAME_MAX = 40
COUNT_WIDTH = 9


class GroupList(LineList):
    """Groups with a cursor; Enter posts ``LineList.Selected``."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-list--cursor",
        "group-list--name",
        "group-list--count",
        "group-list--description",
    }

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.groups: list[GroupInfo] = []
        self._name_width = 20

    @property
    def row_count(self) -> int:
        return len(self.groups)

    @property
    def current(self) -> GroupInfo | None:
        return self.groups[self.cursor] if self.groups else None

    def set_groups(self, groups: list[GroupInfo]) -> None:
        """Show ``groups``, keeping the cursor on the same group name if it is still there."""
        previous = self.current.name if self.current else None
        self.groups = groups
        self._name_width = min(NAME_MAX, max((len(g.name) for g in groups), default=20))
        names = [g.name for g in groups]
        self.rows_changed(names.index(previous) if previous in names else 0)

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"group-list--{part}")

    def render_row(self, index: int, width: int) -> Text:
        group = self.groups[index]
        text = Text(no_wrap=True)
        name = Text(group.name, style=self._style("name"))
        name.truncate(self._name_width, overflow="ellipsis", pad=True)
        text.append(name)
        text.append(f"{group.count:>{COUNT_WIDTH},}", self._style("count"))
        if group.description:
            text.append("  ")
            text.append(group.description, self._style("description"))
        return text
