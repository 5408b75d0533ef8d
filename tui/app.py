"""PithApp: the screens, the one Library session, and the start options.

main.py builds ``open_library`` (which may connect, and may raise PithError);
it is called lazily on the session thread, like every other Library call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from store.library import Library
from tui.backend import LibraryHandle
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen


class PithApp(App[None]):
    """A keyboard-first newsreader: groups -> threads -> article."""

    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit-app", show=False, priority=True),
    ]

    def __init__(
        self,
        open_library: Callable[[], Library],
        *,
        title: str,
        start_group: str | None = None,
        start_article: int | str | None = None,
    ) -> None:
        super().__init__()
        self.library = LibraryHandle(open_library)
        self.title = title
        self.start_group = start_group
        self.start_article = start_article

    def get_default_screen(self) -> Screen[None]:
        return GroupsScreen()

    def on_mount(self) -> None:
        if self.start_group:
            self.open_group(self.start_group, self.start_article)

    def open_group(self, name: str, article: int | str | None = None) -> None:
        """Show the threads of ``name`` (then ``article``, if given) over the group list."""
        self.push_screen(ThreadsScreen(name, open_article=article))

    def on_unmount(self) -> None:
        self.library.close()
