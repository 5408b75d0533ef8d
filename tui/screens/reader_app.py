"""What screens ask of the app, as a type: PithApp's side that screens use.

Textual types ``Screen.app`` as ``App[Any]``, so ``self.app.load_killfile()`` is
unchecked. Screens cannot import ``tui.app.PithApp`` to say better: the app
imports the screens, and tests/tui/test_import_cycles.py counts every import,
TYPE_CHECKING ones too. So PithScreen.pith_app returns the app as this Protocol,
which PithApp satisfies (tests/tui/test_reader_app.py holds it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # the killfile loads in a worker, after the first paint (issue 17)
    from app.backend import LibraryHandle
    from killfile.session import Killfile


@runtime_checkable
class ReaderApp(Protocol):
    """The app's state and operations that screens share."""

    library: LibraryHandle
    """The one session on the Library (app/backend.py)."""
    killfile: Killfile | None
    """The rules, once a worker has loaded them."""

    def load_killfile(self, reload: bool = False) -> Killfile:
        """The rules, read now if not yet (or again, with ``reload``): off the event loop only."""
        ...

    def group_drawn(self) -> None:
        """A group's list is drawn: the work that waited for it (compacting its packs, the group list)."""
        ...

    def open_group(self, name: str, article: int | str | None = None) -> None:
        """Push the thread list of ``name`` (and open ``article`` in it)."""
        ...
