"""The outbox (queued, sent, refused, needs-mail articles with the server's words) and the drafts list.

Both lists are read from the store; the outbox through the session thread, the
drafts through a DraftBox connection of their own (as the composer writes them).
Dropping an article or a draft takes two presses of ``d``: nothing the user
wrote goes away on one stray key.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from nntp.errors import PithError
from nntp.sanitize import sanitize_line, sanitize_text
from store.config import Config
from store.library import Library
from store.draftbox import DraftBox
from store.outbox import OutboxEntry, OutboxState
from app import posting
from tui.navigation import OpenComposer, open_screen
from tui.screens.compose import announce_posted
from tui.screens.base import PithScreen
from tui.widgets.line_list import LineList
from tui.widgets.status_line import StatusLine


class TextList(LineList):
    """A cursor list of plain lines (a handful of entries; sanitized, never markup)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[str] = []

    @property
    def row_count(self) -> int:
        return len(self.lines)

    def set_lines(self, lines: list[str]) -> None:
        self.lines = [sanitize_line(line) for line in lines]
        self.rows_changed(min(self.cursor, max(0, len(lines) - 1)))

    def render_row(self, index: int, width: int) -> Text:
        text = Text(self.lines[index], no_wrap=True)
        text.truncate(width, overflow="ellipsis")
        return text


def entry_line(entry: OutboxEntry) -> str:
    """One outbox row: id, state, groups, subject, and what the server said."""
    line = f"#{entry.id:<4} {entry.state:<10}  {entry.header('Newsgroups')[:30]:<30}  {entry.header('Subject')}"
    if entry.mailto and entry.state == OutboxState.NEEDS_MAIL:
        line += f"  send by mail to {entry.mailto} (m)"
    if entry.reply:
        line += f"  [{entry.reply}]"
    return line


class OutboxScreen(PithScreen):
    """Everything written and queued here; f sends what is queued, d drops, Enter shows, D drafts."""

    HELP_SECTION = "Outbox"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "back", "Back", id="back"),
        Binding("f", "flush", "Send queued", id="outbox-flush"),
        Binding("d", "drop", "Drop", id="outbox-drop"),
        Binding("m", "mail", "Mail it", id="outbox-mail"),
        Binding("D", "drafts", "Drafts", id="drafts"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[OutboxEntry] = []
        self._armed: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextList(id="outbox")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def rows(self) -> TextList:
        return self.query_one(TextList)

    def on_mount(self) -> None:
        self.sub_title = "outbox"
        self.rows.focus()
        self._load()

    def action_back(self) -> None:
        self.dismiss()

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False)
    def _load(self, note: str = "") -> None:
        entries = self.library.call(Library.outbox_entries, local=True)
        self.app.call_from_thread(self._show, entries, note)

    def _show(self, entries: list[OutboxEntry], note: str = "") -> None:
        self.entries = entries
        self.rows.set_lines([entry_line(e) for e in entries] or ["(the outbox is empty)"])
        queued = sum(e.state == OutboxState.QUEUED for e in entries)
        self.status.set_counts(f"{len(entries)} in the outbox · {queued} queued")
        self.status.show(note or ("f sends what is queued · d drops · Enter shows · D drafts" if entries else
                                  "nothing written yet: P posts, f follows up, r replies by mail"))

    def _current(self) -> OutboxEntry | None:
        return self.entries[self.rows.cursor] if self.entries else None

    def action_flush(self) -> None:
        self.status.show("sending what is queued…")
        self._flush()

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False)
    def _flush(self) -> None:
        waiting = {e.id for e in self.library.call(Library.outbox_entries, local=True) if e.state == OutboxState.QUEUED}
        entries, why = self.library.call(posting.flush)
        queued = sum(e.state == OutboxState.QUEUED for e in entries)
        note = f"not sent: {why}" if why else f"sent what it could; {queued} still queued"
        self.app.call_from_thread(self._show, entries, note)
        sent = [e for e in entries if e.id in waiting and e.state == OutboxState.SENT]
        if sent:  # an open thread list of their groups shows them once back there
            self.app.call_from_thread(announce_posted, self.app, sent, f"outbox: sent {len(sent)} article(s)")

    def action_drop(self) -> None:
        entry = self._current()
        if entry is None:
            return
        if self._armed != entry.id:
            self._armed = entry.id
            self.status.show_error(f"press d again to drop #{entry.id} {entry.header('Subject')!r} for good")
            return
        self._armed = None
        self._drop(entry.id)

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False)
    def _drop(self, entry_id: int) -> None:
        self.library.call(Library.drop_from_outbox, entry_id, local=True)
        self._load(f"dropped #{entry_id}")

    def action_mail(self) -> None:
        """Send a needs-mail article to the address the server named, by [mail] (sendmail or mbox)."""
        entry = self._current()
        if entry is None or entry.state != OutboxState.NEEDS_MAIL or not entry.mailto:
            self.status.show("m mails an article a read-only server refused with a mailto: address")
            return
        self._mail(entry)

    @work(thread=True, exclusive=True, group="outbox", exit_on_error=False)
    def _mail(self, entry: OutboxEntry) -> None:
        config = getattr(self.app, "config", None) or Config()
        try:
            delivered = posting.deliver(posting.article_as_mail(entry.raw, entry.mailto), config.mail)
        except PithError as exc:
            self.app.call_from_thread(self.report_error, f"not mailed: {exc}")
            return
        self.library.call(Library.mark_mailed, entry.id, delivered.where, local=True)
        self._load(f"mailed #{entry.id} to {entry.mailto} ({delivered.how}: {delivered.where})")

    @on(LineList.Selected, "#outbox")
    def _view(self, event: LineList.Selected) -> None:
        entry = self._current()
        if entry is not None:
            self.app.push_screen(RawScreen(f"outbox #{entry.id}", entry.raw.decode("utf-8", "replace")))

    def action_drafts(self) -> None:
        self._open_drafts()

    @work(thread=True, group="outbox", exit_on_error=False)
    def _open_drafts(self) -> None:
        path = self.library.call(Library.drafts_path, local=True)
        screen = DraftsScreen(path)  # a PithError here is reported by the worker handler
        self.app.call_from_thread(self.app.push_screen, screen)


class RawScreen(Screen[None]):
    """An article as it will go on the wire; q or Escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("q,escape", "close", "Close", id="close-raw")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = sanitize_text(text)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="raw"):
            yield Static(self.text, markup=False, id="raw-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self.title_text

    def action_close(self) -> None:
        self.dismiss()


def draft_line(draft_id: int, headers: dict[str, str], body: str) -> str:
    where = headers.get("Newsgroups") or (f"mail to {headers['To']}" if headers.get("To") else "(no groups)")
    subject = headers.get("Subject") or "(no subject)"
    return f"#{draft_id:<4} {where[:34]:<34}  {subject}  ({len(body.splitlines())} lines)"


class DraftsScreen(PithScreen):
    """Drafts of this server's store, newest first; Enter resumes one, d deletes it."""

    HELP_SECTION = "Drafts"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "back", "Back", id="back"),
        Binding("d", "delete", "Delete draft", id="delete-draft"),
    ]

    def __init__(self, store_path: Path) -> None:
        super().__init__()
        self.store_path = store_path
        self.box = DraftBox(store_path)
        self.drafts: list[tuple[int, dict[str, str], str]] = []
        self._armed: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield TextList(id="drafts")
        yield StatusLine(id="status")
        yield Footer()

    @property
    def rows(self) -> TextList:
        return self.query_one(TextList)

    def on_mount(self) -> None:
        self.sub_title = "drafts"
        self.rows.focus()

    def on_screen_resume(self) -> None:
        """Again after the composer closes: the draft may have changed or gone."""
        self.reload()

    def on_unmount(self) -> None:
        self.box.close()

    def reload(self, note: str = "") -> None:
        self.drafts = self.box.listing()
        lines = [draft_line(*draft) for draft in self.drafts]
        self.rows.set_lines(lines or ["(no drafts)"])
        self.status.set_counts(f"{len(self.drafts)} drafts")
        self.status.show(note or ("Enter resumes · d deletes" if self.drafts else "no drafts are kept"))

    def action_back(self) -> None:
        self.dismiss()

    @on(LineList.Selected, "#drafts")
    def _resume(self, event: LineList.Selected) -> None:
        if not self.drafts:
            return
        draft_id, headers, body = self.drafts[self.rows.cursor]
        try:
            open_screen(self.app, OpenComposer(self.store_path, headers, body, f"draft {draft_id} resumed", draft_id))
        except PithError as exc:
            self.report_error(str(exc))

    def action_delete(self) -> None:
        if not self.drafts:
            return
        draft_id, headers, _ = self.drafts[self.rows.cursor]
        if self._armed != draft_id:
            self._armed = draft_id
            self.status.show_error(f"press d again to delete draft {draft_id} "
                                   f"{headers.get('Subject', '')!r} for good")
            return
        self._armed = None
        self.box.delete(draft_id)
        self.reload(f"deleted draft {draft_id}")
