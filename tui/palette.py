"""pith's commands in the command palette (ctrl+p), beside Textual's own (theme, quit, keys ...).

Each command runs the very action its key runs, on the screen the palette was
opened from, so the palette and the key can never drift apart; a command whose
action the screen has not (rules outside a thread list) is not offered there.
The help line names the live key (after ``[keys]`` rebinding), to teach it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.keymap import keys_for


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: its title, the action it runs and the binding id whose key it shares."""

    title: str
    action: str
    """An action of the screen, or ``app.NAME`` for the app's own."""
    binding_id: str
    help: str


COMMANDS = (
    PaletteCommand("Sync subscribed groups", "sync_groups", "sync-groups",
                   "new overviews and unread bodies for offline reading"),
    PaletteCommand("Post an article", "post", "post", "to the current group"),
    PaletteCommand("Search the store", "search", "search", "in this group, or in every group"),
    PaletteCommand("Rules and their problems", "rules", "rules", "score.toml and the killfile, as loaded"),
    PaletteCommand("Statistics (stats)", "statistics", "statistics", "who posts how much, what is hidden"),
    PaletteCommand("Suggest rules", "suggest_rules", "suggest-rules", "rules proposed from this group"),
    PaletteCommand("Outbox", "outbox", "outbox", "queued and sent articles, drafts"),
    PaletteCommand("Next theme", "app.cycle_theme", "cycle-theme", "pith's themes in turn (remembered)"),
    PaletteCommand("Refresh the group list", "refresh_groups", "refresh-groups", "ask the server again"),
    PaletteCommand("All groups / subscribed", "toggle_all_groups", "toggle-all-groups",
                   "every group of the server, or the subscribed and new ones"),
    PaletteCommand("Catch up", "catch_up", "catch-up", "mark the whole group read (asks y/n)"),
    PaletteCommand("Open a URL of the article", "urls", "open-url", "with $BROWSER or xdg-open"),
    PaletteCommand("Help: every key", "help", "help", "the live bindings with their ids"),
)


def available(screen: Screen[object]) -> Iterator[PaletteCommand]:
    """The commands the screen (or the app) can run."""
    for command in COMMANDS:
        owner, _, name = command.action.rpartition(".")
        target = screen.app if owner == "app" else screen
        if callable(getattr(target, f"action_{name}", None)):
            yield command


class PithCommands(Provider):
    """Offers ``COMMANDS`` that the current screen has; each runs its key's action there."""

    def _entries(self) -> Iterator[tuple[PaletteCommand, str]]:
        for command in available(self.screen):
            key = keys_for(self.app, command.binding_id)
            yield command, f"{command.help} (key: {key})"

    def _run(self, command: PaletteCommand) -> Callable[[], object]:
        return partial(self.screen.run_action, command.action)

    async def discover(self) -> Hits:
        for command, help_text in self._entries():
            yield DiscoveryHit(command.title, self._run(command), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, help_text in self._entries():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), self._run(command), help=help_text)
