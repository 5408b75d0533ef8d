"""A small prompt: which directory to save an article's attachments into.

Dismissed with the directory (Enter) or None (Escape). Existing files are never
replaced: app/attachments.py picks a new name and the result says which.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class SaveScreen(ModalScreen[Path | None]):
    """Asks for a directory, offering ``directory`` (the download dir) as the default."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-save"),
    ]

    def __init__(self, names: list[str], directory: Path) -> None:
        super().__init__()
        self.names = names
        self.directory = directory

    def compose(self) -> ComposeResult:
        count = len(self.names)
        title = f"Save {count} attachment{'s' if count > 1 else ''}: " + ", ".join(self.names)
        with Vertical(id="save-box"):
            yield Static(Text(title, no_wrap=False), id="save-title", markup=False)
            yield Static(Text("into the directory (Enter saves, Escape cancels; nothing is overwritten):"),
                         id="save-help", markup=False)
            yield Input(str(self.directory), id="save-directory")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
