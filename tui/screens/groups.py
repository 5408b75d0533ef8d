"""The first screen: every group the source carries, subscribed ones first, with unread counts.

Coming back from a group re-reads the counts from the store (no server call), so
what was just read shows at once. ``c`` catches up the group under the cursor
after a y/n question; ``s`` / ``u`` subscribe and unsubscribe (subscribed groups come first, in
.newsrc order: a group new to the read state goes to the end); ``g`` narrows the list to names holding what is typed;
``Y`` syncs the subscribed groups for offline reading (the sync screen).

Only the subscribed groups (and new ones, announced on the status line) are listed
until ``L`` (slrn's key; ``y`` is tin's) shows every group; a reader with no
subscriptions sees every group. A line over the rows labels the columns.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from nntp.errors import SourceUnavailable
from nntp.models import GroupInfo
from store.library import Library
from tui.bindings import CATCH_UP
from app.group_rows import GroupListing, group_listing, new_groups_notice
from tui.keymap import keys_for
from tui.widgets.footer import PithFooter
from tui.messages import GroupsLoaded
from tui.screens.base import PithScreen
from tui.widgets.group_list import GroupList
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine


class GroupsScreen(PithScreen):
    """Group list; Enter opens the group under the cursor."""

    DEFAULT_CSS = """
    #group-columns { height: 1; color: $text-muted; text-style: bold; }
    """

    HELP_SECTION = "Group list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="quit"),
        Binding("R", "refresh_groups", "Refresh", id="refresh-groups"),
        CATCH_UP,
        Binding("s", "subscribe(True)", "Subscribe", id="subscribe", show=False),
        Binding("u", "subscribe(False)", "Unsubscribe", id="unsubscribe", show=False),
        Binding("g", "filter_groups", "Filter by name", id="filter-groups", show=False),
        Binding("escape", "clear_filter", "Clear the name filter", id="clear-group-filter", show=False),
        Binding("Y", "sync_groups", "Sync", id="sync-groups", show=False),
        Binding("L,y", "toggle_all_groups", "All groups / subscribed", id="toggle-all-groups", show=False),
    ]

    def compose(self) -> ComposeResult:
        if self._held_back():  # under a start group: a status line for what the group may report
            yield StatusLine(id="status")
            return
        yield Header()
        yield Static(id="group-columns", markup=False)
        yield GroupList(id="groups")
        field = Input(placeholder="filter: part of a group name (Enter keeps it, Escape clears it)",
                      id="group-filter")
        field.display = False
        yield field
        yield StatusLine(id="status")
        yield PithFooter()

    def _held_back(self) -> bool:
        """Composed under a start group's thread list, the list's widgets wait (their mount and styles,
        ~15 ms of a launch into a group, issue 17) until that group is in or this list is shown."""
        if not hasattr(self, "_whole"):
            self._whole = self.app.screen is self
        return not self._whole

    def _compose_whole(self) -> None:
        """The widgets held back, now: composed on this screen's turn, before anything it is asked later."""
        if not getattr(self, "_whole", True):
            self._whole = True
            self.call_next(self._recompose_keeping_status)

    async def _recompose_keeping_status(self) -> None:
        said, error = self.status.message, self.status.error
        await self.recompose()
        (self.status.show_error if error else self.status.show)(said)
        if self.is_current and self.focused is None:
            self.group_list.focus()  # shown before its widgets were: focused as a first show does

    @property
    def group_list(self) -> GroupList:
        return self.query_one(GroupList)

    def compose_context(self) -> tuple[str, int | str | None]:
        current = self.group_list.current
        return (current.name if current is not None else ""), None

    def on_mount(self) -> None:
        self.sub_title = "groups"
        self._loaded = False
        self._deferred = self.app.screen is not self  # under a start group: see load_deferred
        if not self._deferred:
            self.action_refresh_groups()

    def on_screen_resume(self) -> None:
        """Back from a group: its unread count (and the new flag) changed; recount from the store."""
        if getattr(self, "_loaded", False):
            self._recount()
        elif self.app.screen is self:  # not the resume of the launch, under a start group
            self.load_deferred()

    def load_deferred(self) -> None:
        """Under a start group the groups are asked for once that group is in (the app says when), or
        when this list is first shown, not at launch: the session would serve the LIST first."""
        if getattr(self, "_deferred", False):
            self._deferred = False
            self._compose_whole()
            self._load_groups()
            if not self.status.message:  # else it says why the start group was left
                self.status.show("loading the group list…")

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
        listing = self.library.call(group_listing, groups, local=True)
        if not get_current_worker().is_cancelled:
            self.post_message(GroupsLoaded(listing.groups, warning, listing))

    @work(thread=True, exclusive=True, group="recount", exit_on_error=False)
    def _recount(self, note: str = "") -> None:
        """Unread counts and flags again, from the store only."""
        listing = self.library.call(_cached_listing, local=True)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_listing, listing, note)

    def _show_listing(self, listing: GroupListing, note: str) -> None:
        self.group_list.set_groups(listing)
        self._show_count()
        if note:
            self.status.show(note)

    def on_groups_loaded(self, message: GroupsLoaded) -> None:
        self._loaded = True
        self.group_list.set_groups(message.listing or message.groups)
        self._show_count()
        problems = list(getattr(self.app, "problems", []))
        fresh = new_groups_notice(self.group_list.listing)
        if message.warning:
            self.report_error(message.warning)
        elif problems and self.status.message.startswith("loading"):
            many = len(problems) > 1
            self.status.show_error(f"{len(problems)} problem{'s' if many else ''} "
                                   f"(? lists {'them' if many else 'it'}): {problems[0]}")
        elif fresh:
            self.status.show(f"{fresh} (N; {keys_for(self.app, 'subscribe')} subscribes)")
        elif self.status.message.startswith("loading"):
            self.status.show("")  # the count is on the right

    # -- which groups (L / y, as in slrn and tin) --------------------------------
    def action_toggle_all_groups(self) -> None:
        groups = self.group_list
        if not groups.listing.subscribed:
            self.status.show("no subscribed groups yet, so every group is listed")
            return
        groups.set_show_all(not groups.show_all)
        self._show_count()
        self.status.show("every group of the server" if groups.show_all else "subscribed and new groups only")

    # -- catching up -------------------------------------------------------
    def action_catch_up(self) -> None:
        from tui.screens.confirm import ConfirmScreen  # with its first use: not a launch's

        group = self.group_list.current
        if group is None:
            return
        unread = self.group_list.unread(group)

        def answered(yes: bool | None) -> None:
            if yes:
                self._catch_up(group)
            else:
                self.status.show(f"{group.name}: not caught up")

        self.app.push_screen(ConfirmScreen(f"Catch up {group.name}: mark all {unread:,} unread articles read?"),
                             answered)

    @work(thread=True, group="catch-up", exit_on_error=False)
    def _catch_up(self, group: GroupInfo) -> None:
        marked = self.library.call(Library.catch_up, group, local=True)
        self.app.call_from_thread(self._recount, f"{group.name}: caught up, {marked:,} articles marked read")

    # -- subscriptions (s / u, as in slrn and tin) ----------------------------
    def action_subscribe(self, subscribe: bool) -> None:
        group = self.group_list.current
        if group is not None:
            self._subscribe(group.name, subscribe)

    @work(thread=True, group="subscribe", exit_on_error=False)
    def _subscribe(self, name: str, subscribe: bool) -> None:
        self.library.call(Library.subscribe, name, subscribe, local=True)
        note = f"subscribed to {name}" if subscribe else f"unsubscribed from {name}"
        self.app.call_from_thread(self._recount, note)

    # -- sync for offline reading (Y) -----------------------------------------
    def action_sync_groups(self) -> None:
        self._start_sync()

    @work(thread=True, exclusive=True, group="sync-plan", exit_on_error=False)
    def _start_sync(self) -> None:
        subscribed = self.library.call(Library.subscribed, local=True)
        self.app.call_from_thread(self._push_sync, len(subscribed))

    def _push_sync(self, subscribed: int) -> None:
        if subscribed:
            from tui.screens.sync import SyncScreen  # store.sync and its screen: when first asked for

            self.app.push_screen(SyncScreen())
        else:
            self.status.show(f"nothing to sync: no subscribed groups ({keys_for(self.app, 'subscribe')} "
                             "subscribes to the group under the cursor)")

    # -- the name filter -----------------------------------------------------
    def action_filter_groups(self) -> None:
        field = self.query_one("#group-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#group-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.group_list.set_filter(event.value)
        self._show_count()

    @on(Input.Submitted, "#group-filter")
    def _filter_kept(self, event: Input.Submitted) -> None:
        field = self.query_one("#group-filter", Input)
        field.display = bool(event.value.strip())
        self.group_list.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#group-filter", Input)
        if field.display or self.group_list.filter_text:
            field.value = ""
            field.display = False
            self.group_list.set_filter("")
            self._show_count()
            self.group_list.focus()

    def _show_count(self) -> None:
        groups = self.group_list
        self.query_one("#group-columns", Static).update(groups.column_header())
        shown, total, viewed = len(groups.groups), len(groups.listing.groups), len(groups.viewed)
        text = groups.filter_text
        if text:
            self.status.set_counts(f"{shown:,} of {viewed:,} groups matching {text!r}")
        elif viewed < total:
            self.status.set_counts(f"{viewed:,} of {total:,} groups ({keys_for(self.app, 'toggle-all-groups')}: all)")
        else:
            self.status.set_counts(f"{total:,} groups")

    @on(LineList.Selected, "#groups")
    def _open_group(self, event: LineList.Selected) -> None:
        group = self.group_list.groups[event.index]
        self.pith_app.open_group(group.name)


def _fresh_groups(library: Library) -> list[GroupInfo]:
    return library.groups(refresh=True)


def _cached_groups(library: Library) -> list[GroupInfo]:
    return library.groups(refresh=False)


def _cached_listing(library: Library) -> GroupListing:
    """The group list as cached, ordered and counted (no server: after a catch-up or a subscription)."""
    return group_listing(library, library.groups(refresh=False))
