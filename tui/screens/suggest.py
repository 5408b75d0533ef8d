"""``s`` in the thread list: rules that would help in this group (killfile.suggest), each with
its reason, its exact effect on the cached articles and its score.toml text. Nothing is applied
until the reader accepts one (a, then y): it is then appended to score.toml under a comment,
and the thread list is scored again when this screen closes."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from killfile import session
from killfile.suggest import Suggestion, evaluate, propose
from app.suggest_group import accept, gather
from nntp.errors import PithError
from store.paths import config_dir
from tui.screens.confirm import ConfirmScreen
from tui.widgets.plain_text import PlainText

if TYPE_CHECKING:
    from app.backend import LibraryHandle


def listing(found: list[Suggestion], current: int, accepted: set[int]) -> str:
    """One line per suggestion (the current one marked), then the current one's rule text."""
    if not found:
        return "No suggestions: nothing in this group's record or your actions calls for a new rule.\n"
    lines = []
    for i, s in enumerate(found):
        mark = ">" if i == current else " "
        done = "  [accepted]" if i in accepted else ""
        lines.append(f"{mark} [{s.proposal.kind}] {s.proposal.reason}{done}")
        lines.append(f"      effect: {s.effect}")
    chosen = found[current]
    lines += ["", "a: append this rule to score.toml (asks y/n)   j/k: choose   q: close", "",
              chosen.proposal.toml]
    return "\n".join(lines) + "\n"


class SuggestScreen(Screen[bool]):
    """Dismisses with True when a rule was appended (the caller scores the group again)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "close", "Close", id="close-suggestions"),
        Binding("j,down", "move(1)", "Next", id="suggestion-down", show=False),
        Binding("k,up", "move(-1)", "Previous", id="suggestion-up", show=False),
        Binding("a,enter", "accept", "Append rule", id="accept-suggestion"),
    ]

    def __init__(self, library: LibraryHandle, group: str, rules_path: Path | None = None) -> None:
        super().__init__()
        self.library, self.group = library, group
        self.rules_path = rules_path or config_dir() / session.RULES_FILE
        self.found: list[Suggestion] = []
        self.current = 0
        self.accepted: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="suggestions"):
            yield PlainText(f"Looking for rules that would help in {self.group}...", id="suggestions-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"suggested rules: {self.group}"
        self._load()

    @work(thread=True, group="suggest", exit_on_error=False)
    def _load(self) -> None:
        now = datetime.now(timezone.utc)
        try:  # the store is read on its session thread; proposing and scoring run here
            record, scorer = self.library.call(gather, self.group, config_dir(), now, local=True)
        except PithError as exc:
            self.app.call_from_thread(self._say, str(exc))
            return
        self.app.call_from_thread(self._show, evaluate(record, scorer, propose(record)))

    def _say(self, text: str) -> None:
        self.query_one("#suggestions-text", PlainText).update(text)

    def _show(self, found: list[Suggestion]) -> None:
        self.found = found
        self._refresh()

    def _refresh(self) -> None:
        self.query_one("#suggestions-text", PlainText).update(listing(self.found, self.current, self.accepted))

    def action_move(self, step: int) -> None:
        if self.found:
            self.current = max(0, min(len(self.found) - 1, self.current + step))
            self._refresh()

    def action_accept(self) -> None:
        if not self.found or self.current in self.accepted:
            return
        index = self.current
        chosen = self.found[index]

        def answered(yes: bool | None) -> None:
            if yes:
                accept(self.rules_path, chosen, datetime.now(timezone.utc))
                self.accepted.add(index)
                self.notify(f"appended to {self.rules_path}", title="rules", timeout=6, markup=False)
                self._refresh()

        self.app.push_screen(ConfirmScreen(f"Append the {chosen.proposal.kind} rule to {self.rules_path.name}?"),
                             answered)

    def action_close(self) -> None:
        self.dismiss(bool(self.accepted))
