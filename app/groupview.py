"""One group being read: entering, threading and scoring it, and what the thread list shows of it.

This is the enter-a-group use case and the state the thread list keeps, free of
Textual, so it can be driven and tested without a screen (ThreadsScreen only
paints what it returns). Two kinds of methods:

- the use case proper (``enter``, ``first_screen``, ``arrange``, ``rescore``,
  ``refiltered``, ``only_unread``) is CPU or network work for a thread worker: it
  reads the state and returns a result, changing nothing;
- the rest runs on the UI thread, which alone changes the state: it takes those
  results in (``entered``, ``arranged``, ``rescored`` ...) and answers what to show.

Pure Python: no textual, no rich.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum

from killfile.result import ScoreTable
from killfile.session import Killfile
from killfile.states import ScoreState
from nntp.columns import Columns
from nntp.memtrim import map_big_blocks
from nntp.models import Overview
from nntp.threads import ThreadNode, thread
from store.killread import killed_numbers, numbers_in_state
from nntp.source import ProgressCallback
from store.library import EarlyRecords, Library
from store.ranges import RangeSet
from store.visits import Visit
from app.backend import LibraryHandle
from app.digest import Interests, digest_since, reader_tags
from app.entered import Arranged, Entered, FirstScreen, Shown, find, index_of_id, summary
from app.flatrows import article_indices, flat_view
from app.nodes import numbers_of
from app.readmarks import ReadMarks, begin_reading, prune_read
from app.rootindex import RootIndex
from app.rows import ThreadRow
from app.scoring import Filter, Scored, arrange_scored, score_group
from app.views import FLAT, VIEW_TITLES, View, arrange

KillfileSource = Callable[[], Killfile]
"""Gives the killfile when scoring needs it (reading the rule files is left until then)."""

__all__ = ["Arranged", "Entered", "FirstScreen", "GroupView", "KillfileSource", "Phase", "Shown"]


class Phase(Enum):
    """Where entering the group stands."""

    EMPTY = "empty"
    """Nothing to show yet."""
    PROVISIONAL = "provisional"
    """A first screen from the group's first records is shown while the rest loads."""
    LOADED = "loaded"
    RELOADING = "reloading"
    """Loaded, and being entered again (after a post of ours) over the list on screen."""


def _quiet(_text: str) -> None:
    """A ``say`` that says nothing."""


def _never() -> bool:
    return False


def _threaded(overviews: Sequence[Overview], say: Callable[[str], None]) -> list[ThreadNode]:
    say(f"threading {len(overviews):,} articles…")
    return thread(overviews)


class GroupView:
    """The state of one group in the reader: its overviews, scores, marks, view and filter."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.phase = Phase.EMPTY
        self.overviews: Sequence[Overview] = []
        """The group's articles: Columns once entered (a record built per ``overviews[i]``: read its columns)."""
        self.scored: Scored | None = None
        self.table: ScoreTable | None = None
        self.roots: Sequence[ThreadNode] = []
        """The group's threads, unpruned (the scored rows may hold only the unread ones)."""
        self.filter = Filter()
        self.marks: ReadMarks | None = None
        self.visit: Visit | None = None
        """The previous visit (None on a first one): what the digest counts from."""
        self.view = View.THREADED
        self.unread_only = False
        self.views: dict[View, Sequence[ThreadRow]] = {}
        """The rows of each view arranged so far (built once, off the UI thread)."""
        self.summary = ""
        self.articles = 0
        self.digest_note = ""
        self.reload_note: str | None = None
        """What was posted, while the group is entered again after it (it leads the status line)."""
        self.posted_while_loading: str | None = None
        self.status_lead = ""
        """Leads the status line once the rows arranged after a reload are shown (what was posted)."""
        self.written: list[int] = []
        """The rule actions written here (K, A, B, C, T), newest last: what U takes back."""

    @property
    def loaded(self) -> bool:
        return self.phase in (Phase.LOADED, Phase.RELOADING)

    @property
    def provisional(self) -> bool:
        return self.phase is Phase.PROVISIONAL

    @property
    def threaded(self) -> Sequence[ThreadRow]:
        return self.views.get(View.THREADED, [])

    # -- the use case (thread workers) ------------------------------------------
    def enter(self, handle: LibraryHandle, killfile: KillfileSource, progress: ProgressCallback | None = None,
              early: EarlyRecords | None = None, *, say: Callable[[str], None] = _quiet,
              cancelled: Callable[[], bool] = _never) -> Entered | None:
        """Fetch what is new, begin reading (marks, visit), thread and score; None once ``cancelled``.

        Entered again (RELOADING), there is no first screen, and the read marks and the
        visit stay those of the first entry: marks made meanwhile live here, not in the store."""
        name, reload = self.group, self.phase is Phase.RELOADING
        first = None if reload else early
        map_big_blocks()  # once: a big group's temporary arrays are given back as they are freed
        load = handle.call(Library.enter_group, name, progress, first)
        if cancelled():
            return None  # left before the group was in: no visit recorded
        marks, visit = (None, None) if reload else self._begin(handle, load.overviews, load.group.high)
        say(f"scoring {len(load.overviews):,} articles…")
        scored, table = score_group(handle, killfile(), load.overviews, lambda: _threaded(load.overviews, say), name,
                                    self.filter)  # threaded once scored: never beside the scoring's working set
        return None if cancelled() else Entered(load, scored, table, marks, visit)

    def _begin(self, handle: LibraryHandle, overviews: Sequence[Overview],
               high: int) -> tuple[ReadMarks, Visit | None]:
        name, numbers = self.group, numbers_of(overviews)
        read, visit = handle.call(begin_reading, name, max(numbers, default=0), local=True)
        return ReadMarks(name, read, numbers, high), visit

    def first_screen(self, records: Sequence[Overview], killfile: KillfileSource) -> FirstScreen | None:
        """A first screen from the group's first records, scored by the same rules (nothing killed flashes
        up); no cached bodies are read: the session thread is busy fetching the rest."""
        if not records:
            return None
        scored, _table = score_group(None, killfile(), records, thread(records), self.group, self.filter)
        return FirstScreen(scored, len(records))

    def arrange(self, view: View, killfile: Killfile | None = None) -> Arranged:
        """The rows of ``view`` from the threaded ones (the digest from the scores, since the last visit)."""
        scored, marks = self.scored, self.marks
        if view == View.DIGEST and scored is not None:
            interests = Interests(marks.is_read if marks is not None else None,
                                  reader_tags(killfile.state if killfile is not None else None))
            rows, note = digest_since(scored, self.visit, interests)
            return Arranged(view, rows, note)
        threaded, articles = self.threaded, self.overviews
        found = article_indices(threaded, articles) if view in FLAT and isinstance(articles, Columns) else None
        if found is not None and isinstance(articles, Columns):
            return Arranged(view, flat_view(articles, self._unread(articles, found) if self.unread_only else found,
                                            view))
        return Arranged(view, arrange(self.unread_rows(threaded) if self.unread_only else threaded, view))

    def _unread(self, articles: Columns, indices: list[int]) -> list[int]:
        marks, numbers = self.marks, articles.numbers
        return indices if marks is None else [i for i in indices if not marks.is_read(numbers[i])]

    def unread_rows(self, threaded: Sequence[ThreadRow]) -> list[ThreadRow]:
        """Only-unread in the flat orders: the read parents kept for the tree have no place there."""
        marks = self.marks
        return [row for row in threaded
                if (number := row.number) is not None and (marks is None or not marks.is_read(number))]

    def rescore(self, handle: LibraryHandle | None, killfile: Killfile) -> tuple[Scored, ScoreTable]:
        """Score the group again (a rule was written or taken back), over the same threads and filter."""
        roots = self.scored.roots if self.scored is not None else []
        return score_group(handle, killfile, self.overviews, roots, self.group, self.filter)

    def refiltered(self, view: Filter) -> Scored | None:
        """The scored threads arranged again for another filter (nothing scored again)."""
        scored = self.scored
        return None if scored is None else arrange_scored(scored.roots, scored.scores, view, scored.root_of)

    def only_unread(self, only: bool, read: RangeSet) -> tuple[Scored, str] | None:
        """The threads pruned to what is unread in ``read`` (a snapshot of the marks), or all of them again."""
        scored = self.scored
        if scored is None:
            return None
        roots = prune_read(self.roots, read) if only else self.roots
        arranged = arrange_scored(roots, scored.scores, self.filter, scored.root_of)
        if only:
            return arranged, f"only unread: {len(roots):,} threads with unread articles (l shows all)"
        return arranged, "all articles (l shows only unread)"

    # -- taking results in (UI thread) -----------------------------------------------
    def first_shown(self) -> bool:
        """A first screen arrived: -> whether to show it (not once the whole list is in)."""
        if self.loaded:
            return False
        self.phase = Phase.PROVISIONAL
        return True

    def entered(self, result: Entered, here: str | None, moved: bool, problems: int = 0) -> Shown:
        """The group is in: take it, and say what the list shows. ``here`` is the Message-ID under the
        cursor and ``moved`` whether the reader moved it: a reload, or a move on the first screen,
        keeps the cursor on its article. A reload in another view (or only unread) arranges the rows
        again (``Shown.rows`` None) with the cursor kept; ``problems`` counts the rule problems."""
        reloaded, note = self.phase is Phase.RELOADING, self.reload_note
        keep = here if reloaded or (self.provisional and moved) else None
        self._take(result, reloaded)
        rearrange = reloaded and (self.unread_only or self.view != View.THREADED)
        if rearrange:
            self.status_lead = note or ""
        rows = None if rearrange else result.scored.rows
        cursor = index_of_id(rows, keep) if rows is not None and keep is not None else None
        again, self.posted_while_loading = self.posted_while_loading, None
        status = (f"{note} · " if note else "") + self.summary
        status += f" · {problems} rule problem(s): R lists them" if problems else ""
        return Shown(rows, cursor, status, not reloaded, again)

    def _take(self, result: Entered, reloaded: bool) -> None:
        self.phase, self.reload_note = Phase.LOADED, None
        self.overviews = result.load.overviews
        self.scored, self.table, self.roots = result.scored, result.table, result.scored.roots
        self.views = {View.THREADED: result.scored.rows}
        if result.marks is not None:
            self.marks, self.visit = result.marks, result.visit
        elif reloaded and self.marks is not None:  # the new articles join the marks, unread
            self.marks.add_articles(numbers_of(self.overviews), result.load.group.high)
        self.summary = summary(result)
        self.articles = len(self.overviews)

    def scores_changed(self, mark_killed: bool) -> bool:
        """The group was scored (entered, or a rule written): hidden articles stop counting as unread, and
        killed ones become read (as in slrn and tin) if ``mark_killed``; -> whether marks changed."""
        marks, table = self.marks, self.table
        if marks is None or table is None:
            return False
        marks.set_hidden(numbers_in_state(table, ScoreState.HIDDEN))
        return mark_killed and marks.mark_all_read(killed_numbers(table)) > 0

    def posted(self, note: str) -> bool:
        """An article of ours reached this group: -> whether to enter it again now (else once it is in)."""
        if self.loaded:
            return True
        self.posted_while_loading = note
        return False

    def reload(self, note: str) -> None:
        """The group is entered again over the list on screen; ``note`` (what was posted) leads the status."""
        self.phase, self.reload_note = Phase.RELOADING, note

    def load_failed(self) -> bool:
        """Entering failed: -> whether nothing was ever loaded (the reader goes back); a failed reload
        leaves the list as it was."""
        self.reload_note = None
        if self.phase is Phase.RELOADING:
            self.phase = Phase.LOADED
        return not self.loaded

    def arranged(self, result: Arranged) -> None:
        self.views[result.view] = result.rows
        if result.view == View.DIGEST:
            self.digest_note = result.note

    def rescored(self, scored: Scored, table: ScoreTable) -> bool:
        """New scores (or a new filter): the other views are stale; -> whether the threaded view shows."""
        self.scored, self.table = scored, table
        self.views = {View.THREADED: scored.rows}
        return self.view == View.THREADED

    def switch(self, view: View, note: str = "") -> str:
        """The list shows ``view`` now: -> the status text (what was posted leads it, once)."""
        self.view = view
        if view == View.DIGEST and self.digest_note:
            note = note or self.digest_note  # what the digest holds says more than the group summary
        text = note or f"{self.summary} · {VIEW_TITLES[view]}"
        lead, self.status_lead = self.status_lead, ""
        return f"{lead} · {text}" if lead else text

    def root_of(self, message_id: str) -> str | None:
        return self.scored.root_of.get(message_id) if self.scored is not None else None

    # -- what is shown -----------------------------------------------------------
    def unread_counts(self) -> str:
        """"12 unread, 40 hidden" ("" before the marks are in): hidden articles are not what is left to read.
        Both counts are kept by the marks as they change, so this is O(1) at every refresh."""
        marks = self.marks
        if marks is None:
            return ""
        hidden = marks.unread_hidden
        return f"{marks.unread - hidden:,} unread" + (f", {hidden:,} hidden" if hidden else "")

    def counts_line(self) -> str:
        """The status line's right side: unread of all, the view, only unread, the filter."""
        unread = self.unread_counts()
        counts = f"{unread} of {self.articles:,}" if unread else f"{self.articles:,} articles"
        counts = f"{counts} · {VIEW_TITLES[self.view]}" + (" · only unread" if self.unread_only else "")
        extra = self.filter.describe()
        return f"{counts} · {extra}" if extra else counts

    def find(self, key: int | str, rows: Sequence[ThreadRow] | None = None) -> int | None:
        """Index of article ``key`` (number or Message-ID) in ``rows`` (default: the current view's)."""
        return find(self.views.get(self.view, self.threaded) if rows is None else rows, key)

    def thread_numbers(self, number: int) -> list[int]:
        """The article numbers of the thread holding article ``number`` (what d marks read)."""
        if self.scored is None:
            return []
        overviews, root_of = self.overviews, self.scored.root_of
        if isinstance(root_of, RootIndex) and isinstance(overviews, Columns) and root_of.indexes(overviews):
            numbers = overviews.numbers
            at = next((i for i, n in enumerate(numbers) if n == number), None)
            return [] if at is None else [numbers[i] for i in root_of.same_thread(at)]
        message_id = next((o.message_id for o in overviews if o.number == number), "")
        root = root_of.get(message_id, message_id)
        return [o.number for o in overviews if root_of.get(o.message_id, o.message_id) == root]
