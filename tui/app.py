"""PithApp: the screens, the one Library session, themes, the keymap and the start options.

main.py builds ``open_library`` (which may connect, and may raise PithError);
it is called lazily on the session thread, like every other Library call.
Problems in config.toml's ``[keys]`` / ``[ui] theme`` or in theme files are
collected in ``problems``, shown as notifications, on the status line and in
help; none of them stops the reader.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.app import App
from textual.notifications import SeverityLevel
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from nntp.errors import PithError
from nntp.sanitize import clip_line, notice
from store.config import Config
from store.library import Library
from store.outbox import OutboxState
from store.paths import config_dir
from app.backend import LibraryHandle
from tui.keymap import check_keymap, known_ids
from tui.messages import ProblemsFound
from tui.navigation import Request
from tui.opener import screen_for
from tui.theming import install_themes, next_theme, remember_theme, remembered_theme, with_fallbacks

if TYPE_CHECKING:
    from textual.command import Provider

    from killfile.session import Killfile



def pith_commands() -> type[Provider]:
    """The palette's provider, imported when ctrl+p first opens (Textual takes a callable here)."""
    from tui.palette import PithCommands

    return PithCommands


def _opened(library: Library) -> None:
    """Nothing more: the call itself opens the Library (see PithApp.on_load)."""


def _failure_met_again(error: BaseException) -> None:
    """An early open that failed: the first real call opens again and reports why."""


class PithApp(App[None]):
    """A keyboard-first newsreader: groups -> threads -> article.

    Start-up imports what the first screen needs and no more: the group list and,
    with a start group, its thread list; other screens come with their first use
    (tui/opener.py), the palette's commands with ctrl+p.
    """

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {pith_commands}
    """ctrl+p offers pith's commands (tui/palette.py) beside Textual's."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="quit-app", show=False, priority=True),
        Binding("ctrl+t", "cycle_theme", "Next theme", id="cycle-theme", show=False),
    ]

    def __init__(
        self,
        open_library: Callable[[], Library],
        *,
        title: str,
        start_group: str | None = None,
        start_article: int | str | None = None,
        config: Config | None = None,
        server: str = "",
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        """``on_first_frame``: called once the first frame is drawn (main.py resumes garbage collection)."""
        super().__init__()
        self._on_first_frame = on_first_frame
        self.library = LibraryHandle(open_library)
        self.title = title
        self.server = server
        self.start_group = start_group
        self.start_article = start_article
        self.config = config or Config()
        self.problems: list[str] = []
        self.pith_themes: list[str] = []
        self.killfile: Killfile | None = None
        """score.toml and pith's actions file, loaded once (again after each action) by a worker."""
        self.pith_themes, self.problems = install_themes(self, self.config.theme, remembered_theme(self.config.theme))
        """Before the app runs, so the stylesheet is parsed and applied once, in the theme chosen."""

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast passes the border here (screens' notify comes to the app): server replies
        and group names inside are sanitized, clipped, and never read as markup."""
        super().notify(notice(str(message)), title=clip_line(title, 80), severity=severity, timeout=timeout,
                       markup=False)

    def validate_title(self, value: str) -> str:
        """The header shows it (a server name from the command line or config)."""
        return clip_line(value, 200)

    def validate_sub_title(self, value: str) -> str:
        return clip_line(value, 200)

    def get_default_screen(self) -> Screen[None]:
        from tui.screens.groups import GroupsScreen

        return GroupsScreen()

    def get_css_variables(self) -> dict[str, str]:
        """Textual's variables plus pith's (``$quote-1`` ...), also for themes that do not set them."""
        variables = with_fallbacks(super().get_css_variables())
        self.theme_variables = variables
        return variables

    def on_load(self) -> None:
        """The store opens on the session thread while Textual builds the first screens (SQLite's open and
        schema check, 10-30 ms a first screen would wait for). Opening is all it does: should it fail, the
        first screen's own call opens again, meets the same failure and reports it."""
        self.library.send(_opened, _failure_met_again)

    def on_mount(self) -> None:
        if self._on_first_frame is not None:
            self.call_after_refresh(self._on_first_frame)
        self._theme_kept = self.theme
        self.theme_changed_signal.subscribe(self, self._keep_theme)
        key_problems = self._apply_keymap()
        self.problems += key_problems
        for problem in self.problems:
            self.notify(problem, title="config", severity="warning", timeout=10, markup=False)
        if self.start_group:
            self.open_group(self.start_group, self.start_article)
        self.call_after_refresh(self.run_worker, self._send_queued, thread=True, group="send-queued",
                                exit_on_error=False)  # after the first screen is drawn: it can wait

    def _apply_keymap(self) -> list[str]:
        """config.toml's ``[keys]``, checked against every screen's binding ids; -> problems. Without a
        ``[keys]`` table nothing is checked: knowing every id imports every screen, at a cost to start-up."""
        if not self.config.keys:
            return []
        keymap, problems = check_keymap(self.config.keys, known_ids(self))
        self.set_keymap(keymap)
        return problems

    def _send_queued(self) -> None:
        """Articles left queued by an earlier run (offline, server down) go out once the server answers."""
        try:
            queued = {e.id for e in self.library.call(Library.outbox_entries, local=True)
                      if e.state == OutboxState.QUEUED}
            if not queued:
                return  # no reason to connect early, nor to import the posting (the email package)
            from app import posting

            entries, _why = self.library.call(posting.flush)
        except PithError:
            return  # the group list reports an unreachable server
        sent = [e for e in entries if e.id in queued and e.state == OutboxState.SENT]
        if sent:
            from tui.screens.compose import announce_posted

            note = f"outbox: sent {len(sent)} article(s) queued earlier"
            self.call_from_thread(self.notify, note, timeout=6)
            self.call_from_thread(announce_posted, self, sent, note)  # an open thread list shows them

    def open_group(self, name: str, article: int | str | None = None) -> None:
        """Show the threads of ``name`` (then ``article``, if given) over the group list."""
        self.push_screen(self._threads_screen(name, article))

    def _threads_screen(self, name: str, article: int | str | None) -> Screen[None]:
        from tui.screens.threads import ThreadsScreen

        return ThreadsScreen(name, open_article=article)

    def open_screen(self, request: Request) -> None:
        """Screens ask for one another by request (tui/navigation.py); only the app knows them all."""
        self.push_screen(screen_for(self, request))

    def group_drawn(self) -> None:
        """A group is in and its list drawn: the work that waited for it. Compact what a first entry
        stored (a worker, one call on the session thread) and build the group list a start group held back.

        The group list waits for the frame: its new-groups notice names live keys,
        ~30 ms of work that a launch into a group would otherwise wait for before
        its list shows.
        """
        self.call_after_refresh(self._after_group_drawn)

    def _after_group_drawn(self) -> None:
        from tui.screens.groups import GroupsScreen

        for screen in self.screen_stack:
            if isinstance(screen, GroupsScreen):
                screen.load_deferred()  # n at a group's end looks for the next one in that list
        self.run_worker(self._compact, thread=True, group="compact", exclusive=True, exit_on_error=False)

    def _compact(self) -> None:
        try:
            self.library.call(Library.compact_while_idle, local=True)
        except PithError:
            pass  # closing: the next entry compacts (so it does when another pith holds the store)

    def load_killfile(self, reload: bool = False) -> Killfile:
        """The killfile (off the event loop only: it reads files); new problems go to ``problems``."""
        if self.killfile is None or reload:
            from killfile import session

            self.killfile = session.load(config_dir())
            self.post_message(ProblemsFound([f"rules: {p}" for p in self.killfile.problems]))
        return self.killfile

    def on_problems_found(self, message: ProblemsFound) -> None:
        self.add_problems(message.problems)

    def add_problems(self, problems: list[str]) -> None:
        """Problems found after start-up (rule files): notified once, listed in help."""
        for problem in problems:
            if problem not in self.problems:
                self.problems.append(problem)
                self.notify(problem, title="rules", severity="warning", timeout=10, markup=False)

    def action_cycle_theme(self) -> None:
        """ctrl+t: the next of pith's themes (the command palette offers every theme)."""
        self.theme = next_theme(self.pith_themes, self.theme)
        self.notify(f"theme: {self.theme}", timeout=2, markup=False)

    def _keep_theme(self, theme: Theme) -> None:
        """Any change of theme (ctrl+t, the palette) is the one to start with next time."""
        if theme.name == self._theme_kept:
            return
        self._theme_kept = theme.name
        configured = self.config.theme

        def keep() -> None:
            problem = remember_theme(self._theme_kept, configured)  # the latest, should two race
            if problem:
                self.call_from_thread(self.notify, problem, severity="warning", timeout=8)

        self.run_worker(keep, thread=True, group="theme-memory", exit_on_error=False)

    def on_unmount(self) -> None:
        self.library.close()
