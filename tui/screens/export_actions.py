"""Pipe and save, in the pager and the thread list: ``|`` / ``\\`` pipe the article / its thread to a
shell command, ``w`` / ``W`` append the article / its thread to an mbox file.

The bytes are the server's own (store/export.py): one article as received,
headers and body, or a thread as one mboxrd (what ``git am`` and ``b4`` take
for a patch series). Gathering them may fetch bodies, so it runs in a thread
worker; a pager or an editor gets the terminal (the reader suspends), any other
command runs in the background and comes back as one line (app/pipe.py).
The last command and the last file are offered again, as slrn does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from weakref import WeakKeyDictionary
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SuspendNotSupported

from nntp.models import Article, Overview
from nntp.sanitize import clip_line
from store import export
from store.library import Library
from app.pipe import PipeResult, is_interactive, run_captured, run_on_terminal
from tui.screens.base import PithScreen
from tui.screens.group_screen import GroupScreen

if TYPE_CHECKING:
    from tui.screens.prompt import PromptScreen

_MEMORY: WeakKeyDictionary[App[object], dict[str, str]] = WeakKeyDictionary()
"""The pipe command and save file last given, per app (a test runs several apps in one process)."""


@dataclass(frozen=True)
class Target:
    """What to export: the article (loaded already, or its key) and where its thread can be found."""

    group: str
    key: int | str
    article: Article | None = None
    overviews: Sequence[Overview] | None = None
    """The group's overviews the screen holds (None: read them from the store)."""
    root_of: Mapping[str, str] | None = None
    """Message-ID -> thread root, as the thread list keeps it (narrows threading to one thread)."""


@dataclass(frozen=True)
class Gathered:
    """The bytes to hand over, how many articles they hold, and one note per article left out."""

    data: bytes
    count: int
    notes: list[str] = field(default_factory=list)


def default_mbox(group: str) -> str:
    """Where a save goes first: ~/News/GROUP.mbox, as slrn and tin keep saved articles in ~/News."""
    return f"~/News/{group}.mbox"


class ExportActions(PithScreen):
    """Mixed into ArticleScreen and ThreadsScreen; they say what is exported by ``export_target``."""

    def export_target(self) -> Target | None:
        """The article under the cursor or on screen; None when there is none."""
        raise NotImplementedError

    # -- keys ------------------------------------------------------------------
    def action_pipe_article(self) -> None:
        self._ask_pipe(thread=False)

    def action_pipe_thread(self) -> None:
        self._ask_pipe(thread=True)

    def action_save_article(self) -> None:
        self._ask_save(thread=False)

    def action_save_thread(self) -> None:
        self._ask_save(thread=True)

    # -- asking ------------------------------------------------------------------
    def _memory(self) -> dict[str, str]:
        """The last command and file, kept per app for every screen of this run."""
        return _MEMORY.setdefault(self.app, {"pipe": "", "save": ""})

    def _ask_pipe(self, thread: bool) -> None:
        target = self.export_target()
        if target is None:
            self.status.show("no article here to pipe")
            return
        memory = self._memory()

        def answered(command: str | None) -> None:
            if command:
                memory["pipe"] = command
                self._pipe(target, thread, command)

        what = "the thread (one mbox)" if thread else "the article"
        self.app.push_screen(_prompt()(f"Pipe {what} to the shell command (less, git am, b4 am -o - ...):",
                                          memory["pipe"], placeholder="git am"), answered)

    def _ask_save(self, thread: bool) -> None:
        target = self.export_target()
        if target is None:
            self.status.show("no article here to save")
            return
        memory = self._memory()

        def answered(path: str | None) -> None:
            if path:
                memory["save"] = path
                self._save_mbox(target, thread, Path(path).expanduser())

        what = "the thread" if thread else "the article"
        self.app.push_screen(_prompt()(f"Append {what} to the mbox file:",
                                          memory["save"] or default_mbox(target.group)), answered)

    # -- doing (thread workers) ----------------------------------------------------
    @work(thread=True, group="export", exit_on_error=False)
    def _pipe(self, target: Target, thread: bool, command: str) -> None:
        gathered = self._gather(target, thread, mbox=thread)
        if is_interactive(command) and not self.app.is_headless:
            self.app.call_from_thread(self._pipe_on_terminal, command, gathered)
            return
        result = run_captured(command, gathered.data)
        self.app.call_from_thread(self._piped, result, gathered)

    @work(thread=True, group="export", exit_on_error=False)
    def _pipe_captured(self, command: str, gathered: Gathered) -> None:
        self.app.call_from_thread(self._piped, run_captured(command, gathered.data), gathered)

    @work(thread=True, group="export", exit_on_error=False)
    def _save_mbox(self, target: Target, thread: bool, path: Path) -> None:
        gathered = self._gather(target, thread, mbox=True)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            export.append_mbox(path, gathered.data)
        except OSError as exc:
            self.app.call_from_thread(self.report_error, f"cannot append to {path}: {exc.strerror or exc}")
            return
        noun = "article" if gathered.count == 1 else "articles"
        self.app.call_from_thread(self._done, f"appended {gathered.count} {noun} to {path}", gathered)

    def _gather(self, target: Target, thread: bool, mbox: bool) -> Gathered:
        """The bytes: one article as received (or as one mbox message), or the thread as an mboxrd."""
        group = target.group
        article = target.article or self.library.call(Library.article, group, target.key)
        if not thread:
            return Gathered(export.mbox_entry(article) if mbox else export.article_bytes(article), 1)
        overviews = target.overviews
        if overviews is None:
            overviews = self.library.call(Library.cached_overviews, group, local=True)
        members = export.thread_of(overviews, article.message_id, target.root_of)
        if not members:
            return Gathered(export.mbox_entry(article), 1, [f"{article.message_id}: its thread is not known here"])
        articles, notes = self.library.call(export.fetch_thread, group, members)
        return Gathered(export.to_mboxrd(articles), len(articles), notes)

    # -- reporting (event loop) ------------------------------------------------------
    def _pipe_on_terminal(self, command: str, gathered: Gathered) -> None:
        """A pager or an editor: the terminal is the command's until it exits (run in the background
        where this terminal cannot be handed over)."""
        try:
            with self.app.suspend():
                status = run_on_terminal(command, gathered.data)
        except SuspendNotSupported:
            self._pipe_captured(command, gathered)
            return
        shown = clip_line(command, 80)
        self._piped(PipeResult(status, f"{shown}: exit status {status}" if status else f"{shown}: done"), gathered)

    def _piped(self, result: PipeResult, gathered: Gathered) -> None:
        if result.status:
            self.report_error(result.line)
        else:
            self._done(result.line, gathered)

    def _done(self, line: str, gathered: Gathered) -> None:
        notes = f" ({len(gathered.notes)} left out: {gathered.notes[0]})" if gathered.notes else ""
        self.status.show(line + notes)
        self.notify(line + notes, timeout=6, markup=False)


class ThreadExportActions(ExportActions, GroupScreen):
    """The thread list's side: the article under the cursor, its thread from the rows already scored."""

    def export_target(self) -> Target | None:
        row = self.thread_list.current if self.loaded else None
        if row is None or row.article is None:
            return None
        scored = self.scored
        return Target(self.group, row.article.number, None, self.overviews,
                      scored.root_of if scored is not None else None)


def _prompt() -> type[PromptScreen]:
    """The prompt screen, imported with the first question asked (a launch asks none)."""
    from tui.screens.prompt import PromptScreen

    return PromptScreen
