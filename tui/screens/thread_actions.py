"""The thread list's killfile side: actions that write rules, undo, explain, filters, rules and statistics.

Every action goes through killfile.actions (pith's own actions file, never the
user's score.toml), says which rule it wrote, and re-scores the group in a
worker; U takes back the last one. Filters (show hidden, tags, an expanded
"N hidden" row) only re-arrange the rows already scored.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from textual import work

from killfile import actions
from killfile.actions import Action
from killfile.headers import normalize_address
from killfile.states import ActionKind
from store.paths import config_dir
from tui.messages import Rescored
from app.rows import ThreadRow
from app.scoring import Filter, hidden_root, parse_tags
from tui.screens.group_screen import GroupScreen
from tui.widgets.thread_list import ThreadList


def describe(action: Action) -> str:
    """One line naming a stored action: "#3 thread-kill <root@x>"."""
    target = action.message_id or action.address
    extra = " (subthread)" if action.subthread else ""
    tag = f" tag {action.tag!r}" if action.tag else ""
    cap = f" {action.limit} per {action.per}" if action.kind == ActionKind.AUTHOR_CAP else ""
    return f"#{action.id} {action.kind} {target}{extra}{tag}{cap}"


class ThreadActions(GroupScreen):
    """The killfile side of ThreadsScreen: rules written and taken back, filters, explanations."""

    def _row(self) -> ThreadRow | None:
        return self.thread_list.current if self.loaded and self.scored is not None else None

    def _root(self, row: ThreadRow) -> str:
        assert self.scored is not None
        return hidden_root(row) or self.scored.root_of.get(row.message_id, row.message_id)

    # -- actions that write rules ------------------------------------------
    def action_kill_thread(self) -> None:
        if (row := self._row()) is not None:
            self._write(ActionKind.THREAD_KILL, message_id=self._root(row))

    def action_kill_subthread(self) -> None:
        row = self._row()
        if row is None or hidden_root(row) is not None:
            return
        root = self._root(row)
        self._write(ActionKind.THREAD_KILL, message_id=row.message_id, subthread=row.message_id != root)

    def action_plonk_author(self) -> None:
        self._author_action(ActionKind.PLONK)

    def action_boost_author(self) -> None:
        self._author_action(ActionKind.BOOST)

    def _author_action(self, kind: ActionKind) -> None:
        row = self._row()
        if row is not None and row.article is not None:
            self._write(kind, address=row.article.author)
        elif row is not None:
            self.status.show("no author here: move to an article")

    def action_cap_author(self) -> None:
        """C: at most N articles from this author per day/week/month/thread in this group."""
        row = self._row()
        if row is None or row.article is None:
            if row is not None:
                self.status.show("no author here: move to an article")
            return
        address = normalize_address(row.article.author)
        from tui.screens.prompt import PromptScreen

        def cap_it(text: str | None) -> None:
            if not text:
                return
            try:
                limit, per = actions.parse_cap_spec(text)
            except ValueError as exc:
                self.report_error(str(exc))
                return
            self._write(ActionKind.AUTHOR_CAP, address=address, limit=limit, per=per, group=self.group)

        self.app.push_screen(PromptScreen(f"Cap {address} in {self.group} at (N/day, N/week, N/month, N/thread):",
                                          "3/day"), cap_it)

    def action_tag_thread(self) -> None:
        row = self._row()
        if row is None:
            return
        root = self._root(row)
        from tui.screens.prompt import PromptScreen

        def tag_it(tag: str | None) -> None:
            if tag:
                self._write(ActionKind.THREAD_TAG, message_id=root, tag=tag.lower())

        self.app.push_screen(PromptScreen("Tag this thread as:", placeholder="e.g. later"), tag_it)

    @work(thread=True, group="score", exit_on_error=False)
    def _write(self, kind: ActionKind, **fields: Any) -> None:
        action = actions.add_action(config_dir() / actions.ACTIONS, kind, datetime.now(timezone.utc), **fields)
        self.model.written.append(action.id)
        note = f"wrote {describe(action)} (undo: U)"
        self.app.call_from_thread(self.notify, note, title="rules", timeout=6, markup=False)
        self._rescore(note)

    def action_undo_action(self) -> None:
        if self.loaded:
            written = self.model.written
            self._undo(written.pop() if written else None)

    @work(thread=True, group="score", exit_on_error=False)
    def _undo(self, action_id: int | None) -> None:
        removed = actions.undo(config_dir() / actions.ACTIONS, action_id)
        note = f"undone: {describe(removed)}" if removed else "nothing to undo"
        self.app.call_from_thread(self.notify, note, title="rules", timeout=6, markup=False)
        if removed is not None:
            self._rescore(note)

    def _rescore(self, note: str) -> None:
        """Reload the killfile and score again (in the calling worker)."""
        killfile = self.pith_app.load_killfile(reload=True)
        scored, table = self.model.rescore(self.library, killfile)
        self.post_message(Rescored(scored, table, note))

    # -- what is shown -----------------------------------------------------
    def action_toggle_hidden(self) -> None:
        if self.loaded:
            show = not self.filter.show_hidden
            self._refilter(Filter(show, self.filter.include, self.filter.exclude, self.filter.expanded),
                           "showing hidden articles" if show else "hidden articles folded")

    def action_tag_filter(self) -> None:
        if not self.loaded:
            return
        from tui.screens.prompt import PromptScreen

        current = " ".join([f"+{t}" for t in sorted(self.filter.include)]
                           + [f"-{t}" for t in sorted(self.filter.exclude)])

        def apply(text: str | None) -> None:
            if text is not None:
                include, exclude = parse_tags(text)
                self._refilter(Filter(self.filter.show_hidden, include, exclude, self.filter.expanded),
                               f"tag filter: {text}" if text else "tag filter off")

        self.app.push_screen(PromptScreen("Tags: +tag shows only those, -tag leaves them out", current), apply)

    def expand_hidden(self, root: str) -> None:
        count = len(self.scored.hidden.get(root, ())) if self.scored else 0
        expanded = self.filter.expanded | {root}
        self._refilter(Filter(self.filter.show_hidden, self.filter.include, self.filter.exclude, expanded),
                       f"showing {count} hidden article(s) of this thread")

    def on_thread_list_expand_hidden(self, event: ThreadList.ExpandHidden) -> None:
        self.expand_hidden(event.root)

    def _refilter(self, view: Filter, note: str) -> None:
        self.model.filter = view
        self._arrange_scored(view, note)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def _arrange_scored(self, view: Filter, note: str) -> None:
        table, scored = self.model.table, self.model.refiltered(view)
        if scored is not None and table is not None:
            self.post_message(Rescored(scored, table, note))

    # -- screens about scores ----------------------------------------------
    def action_explain(self) -> None:
        row = self._row()
        if row is None or self.table is None or self.scored is None:
            return
        root = hidden_root(row)
        ids = self.scored.hidden.get(root, []) if root is not None else [row.message_id]
        indices = [i for i in (self.table.index_of(m) for m in ids) if i is not None]
        if not indices:
            self.status.show("nothing to explain: that article is not on the server")
            return
        from tui.screens.explain import ExplainScreen

        self.app.push_screen(ExplainScreen(self.table, indices))

    def action_rules(self) -> None:
        killfile = self.pith_app.killfile
        if killfile is not None:
            from tui.screens.rules import RulesScreen

            self.app.push_screen(RulesScreen(killfile))

    def action_suggest_rules(self) -> None:
        if self.loaded:
            from tui.screens.suggest import SuggestScreen

            def closed(appended: bool | None) -> None:
                if appended:
                    self._rescore_in_worker("rules appended from the suggestions")

            self.app.push_screen(SuggestScreen(self.library, self.group), closed)

    @work(thread=True, group="score", exit_on_error=False)
    def _rescore_in_worker(self, note: str) -> None:
        self._rescore(note)

    def action_statistics(self) -> None:
        if self.loaded and self.scored is not None:
            from tui.screens.stats import StatsScreen

            self.app.push_screen(StatsScreen(self.group, self.overviews, self.scored.root_of, self.table))
