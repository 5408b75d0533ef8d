"""The thread list's read-state side: n/p/N to unread articles, u, d, c, the only-unread view, and
marking read what the pager shows.

Marks change on the UI thread in the GroupView's ReadMarks (so the rows and counts
are right at once; the marks keep the counts, so a refresh counts nothing) and are
written to the store in order on the session thread (``LibraryHandle.send``), one
small transaction each. No mark rebuilds rows: the thread list asks
``ReadMarks.is_read`` only for the rows it draws. Switching to "only unread" prunes
the threads once, in a worker; articles read meanwhile stay on the list (without
their mark) until the view is switched again, as in slrn.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work

from nntp.models import GroupInfo
from store.library import Library, describe_error
from store.ranges import RangeSet
from app.rows import next_unread
from tui.messages import Rescored
from tui.screens.group_screen import GroupScreen


class ReadingActions(GroupScreen):
    """The read marks side of ThreadsScreen: the marks are the GroupView's (``model.marks``)."""

    def scores_changed(self) -> None:
        """The group was scored (entered, or a rule written): killed articles become read, as in slrn
        and tin (unless ``[reading] mark_killed_read = false``), and hidden ones stop counting as unread."""
        config = getattr(self.app, "config", None)
        if self.model.scores_changed(config is None or config.reading.mark_killed_read):
            self._marks_changed()
        else:
            self._show_counts()

    def unread_counts(self) -> str:
        """For the status line: "12 unread, 40 hidden" ("" before the marks are loaded)."""
        return self.model.unread_counts()

    # -- moving (n, p, N here and in the pager) ----------------------------
    def step(self, how: str) -> int | None:
        """Move the cursor to the next/previous unread article ("next", "previous") or the first
        unread article of a later thread ("next-thread"); -> its number, or None (cursor stays).

        Folded threads are opened when the article found is inside one."""
        threads = self.thread_list
        rows = threads.all_rows
        if not rows:
            return None
        here = threads.current_index
        if how == "previous":
            candidates = range(here - 1, -1, -1)
        elif how == "next-thread":
            candidates = range(threads.unit_end(here), len(rows))
        else:
            candidates = range(here + 1, len(rows))
        unread = self.marks.unread_numbers if self.marks is not None else None
        target = None if unread is not None and not unread else next_unread(rows, candidates, unread)
        if target is None:
            return None
        threads.show_row(target)
        article = rows[target].article
        return article.number if article is not None else None

    def end_of_group(self) -> None:
        """n / space / N found no unread article after the cursor: on to the next subscribed group with
        unread articles, as in slrn and tin (looked up in the store off the event loop). Whoever called
        has already said "no more unread articles"; that stays when nothing is subscribed."""
        if self.loaded:
            self._find_next_group()

    @work(thread=True, exclusive=True, group="next-group", exit_on_error=False)
    def _find_next_group(self) -> None:
        group = self.group

        def find(library: Library) -> tuple[GroupInfo | None, bool]:
            return library.next_unread_group(library.groups(refresh=False), group), bool(library.subscribed())

        found, subscribed = self.library.call(find, local=True)
        self.app.call_from_thread(self._enter_next_group, found, subscribed)

    def _enter_next_group(self, found: GroupInfo | None, subscribed: bool) -> None:
        if self not in self.app.screen_stack:
            return  # the reader left the group meanwhile
        if found is None:
            if subscribed:
                getattr(self.app.screen, "status", self.status).show("no more unread articles in any subscribed group")
            return
        while self.app.screen is not self and len(self.app.screen_stack) > 1:
            self.app.pop_screen()  # the pager (and anything above the thread list)
        self.app.switch_screen(type(self)(found.name))

    # -- marks -------------------------------------------------------------
    def article_read(self, number: int) -> None:
        """The pager showed article ``number``: read (and its cross-posted copies, by Xref), stored now."""
        if self.marks is not None and self.marks.mark_read(number):
            current = self.thread_list.current
            if current is not None and current.article is not None and current.article.number == number:
                self.marks.mark_crossposts_read(current.article.xref)
            self._marks_changed()

    def toggle_unread(self, number: int) -> str:
        """u: unread if read, read if unread; -> what happened, for the status line."""
        if self.marks is None:
            return "the group is still loading"
        read = self.marks.toggle(number)
        self._marks_changed()
        return f"article {number} marked {'read' if read else 'unread'}"

    def action_mark_unread(self) -> None:
        row = self.thread_list.current if self.loaded else None
        if row is None or row.article is None:
            self.status.show("no article here to mark")
            return
        self.status.show(self.toggle_unread(row.article.number))

    def mark_thread_read(self, number: int) -> str:
        """d (slrn's): every article of the thread holding ``number`` read; -> what happened."""
        marks = self.marks
        if marks is None or self.scored is None:
            return "the group is still loading"
        count = sum(marks.mark_read(member) for member in self.model.thread_numbers(number))
        self._marks_changed()
        return f"thread marked read ({count} article{'' if count == 1 else 's'} newly read)"

    def action_mark_thread_read(self) -> None:
        row = self.thread_list.current if self.loaded else None
        if row is None or row.article is None:
            self.status.show("no article here to mark")
            return
        self.status.show(self.mark_thread_read(row.article.number))

    def action_catch_up(self) -> None:
        self.ask_catch_up(self.status.show)

    def ask_catch_up(self, report: Callable[[str], None]) -> None:
        """c: after a y/n question, mark every article of the group read; ``report`` says what happened."""
        from tui.screens.confirm import ConfirmScreen  # with its first use: not a launch's

        marks = self.marks
        if marks is None:
            report("the group is still loading")
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                report(f"{self.group}: not caught up")
                return
            count = marks.catch_up()
            self._marks_changed()
            report(f"{self.group}: caught up, {count:,} articles marked read")

        self.app.push_screen(ConfirmScreen(f"Catch up {self.group}: mark all {marks.unread:,} unread articles read?"),
                             answered)

    def _marks_changed(self) -> None:
        self.thread_list.marks_changed()
        self._show_counts()
        self._save_marks()

    def _save_marks(self) -> None:
        marks = self.marks
        if marks is None:
            return
        app = self.app

        def failed(exc: BaseException) -> None:
            try:
                app.call_from_thread(self.report_error, f"read marks not saved: {describe_error(exc)}")
            except RuntimeError:
                pass  # the app is gone; nothing left to tell

        self.library.send(marks.flush, failed)  # the Library takes the marks (store/readstate.py MarkWriter)

    # -- only unread ---------------------------------------------------------
    def action_toggle_unread_only(self) -> None:
        if not self.loaded or self.marks is None or self.scored is None:
            return
        only = self.model.unread_only = not self.model.unread_only
        self.status.show("only unread articles…" if only else "all articles…")
        self._apply_unread_only(only, self.marks.snapshot())

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def _apply_unread_only(self, only: bool, read: RangeSet) -> None:
        table, result = self.model.table, self.model.only_unread(only, read)
        if table is not None and result is not None:
            self.post_message(Rescored(result[0], table, result[1]))

