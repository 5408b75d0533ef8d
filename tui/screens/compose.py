"""The composer: header fields and a body, autosaved as a draft; ctrl+s sends, Escape keeps the draft.

The body is edited in ``$VISUAL`` / ``$EDITOR`` (``[compose] editor`` first) when
one is set — the draft goes to a temporary file, the app suspends, and the file
is read back, headers included — and in a built-in TextArea otherwise. The
draft is written every few seconds while it changes, before the editor runs,
when the app suspends and when the screen goes away, so a crash loses at most
the last few seconds. Sending checks the headers, queues the article in the
outbox, and flushes it through the session thread; offline it stays queued.
A mail (a reply, or a post on a read-only list mirror) goes to sendmail — ``[mail] sendmail``,
else ``/usr/sbin/sendmail -t -i`` where it exists — or is appended to an mbox, which the
closing line says plainly when it happened for want of a sendmail.
"""

from __future__ import annotations

import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Footer, Header, Input, Label, Static, TextArea
from textual.worker import Worker

from nntp.compose import check_article
from nntp.errors import PithError
from store.config import Config
from store.control import finish_own
from store.draftbox import DraftBox
from store.library import Library
from store.outbox import OutboxEntry, OutboxState
from app import posting
from app.compose_text import crosspost_warning, editor_text, header_fields, parse_editor_text
from tui.messages import ArticlesPosted
from tui.screens.base import PithScreen
from tui.widgets.status_line import StatusLine

AUTOSAVE_SECONDS = 3.0
NEWS_FIELDS = ("From", "Newsgroups", "Followup-To", "Subject")
MAIL_FIELDS = ("From", "To", "Cc", "Subject")
Snapshot = tuple[tuple[tuple[str, str], ...], str]


def kind_of(headers: dict[str, str]) -> str:
    """A draft with a To and no Newsgroups is a mail; anything else is news."""
    names = {name.lower() for name in headers}
    return "mail" if "to" in names and "newsgroups" not in names else "news"


def _field_id(name: str) -> str:
    return "field-" + name.lower()


class ComposeScreen(PithScreen):
    """Writes one article (``kind`` "news") or mail (``kind`` "mail"); ``draft_id`` resumes a draft."""

    DEFAULT_CSS = """
    ComposeScreen #compose-headers { height: auto; padding: 0 1; background: $surface; }
    ComposeScreen .compose-field { height: 1; }
    ComposeScreen .compose-field Label { width: 13; color: $text-accent; text-style: bold; }
    ComposeScreen .compose-field Input { height: 1; border: none; padding: 0; width: 1fr; }
    ComposeScreen #compose-extra { color: $text-muted; height: auto; }
    ComposeScreen #compose-warning { color: $warning; text-style: bold; height: auto; padding: 0 1; }
    ComposeScreen #compose-notice { color: $text-warning; height: auto; padding: 0 1; }
    ComposeScreen #compose-body { height: 1fr; border: none; }
    """
    HELP_SECTION = "Composer"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="compose-send", priority=True),
        Binding("ctrl+g", "external_editor", "Editor", id="compose-editor", priority=True),
        Binding("escape", "close", "Close (keep draft)", id="compose-close", priority=True),
    ]

    def __init__(self, store_path: Path, headers: dict[str, str], body: str, *,
                 draft_id: int | None = None, note: str = "") -> None:
        super().__init__()
        self.kind = kind_of(headers)
        visible = MAIL_FIELDS if self.kind == "mail" else NEWS_FIELDS
        self.fields = {name: headers.get(name, "") for name in visible}
        self.extra = {k: v for k, v in headers.items() if k not in self.fields}
        self.initial_body = body
        self.draft_id = draft_id
        self.note = note
        self.box = DraftBox(store_path)
        self._save_lock = threading.Lock()
        self._saved: Snapshot | None = None
        self._untouched: Snapshot | None = None
        self._latest: Snapshot | None = None
        """Kept up to date on every change: the app removes the fields before this screen's unmount."""
        self._finished = False
        self._sending = False
        self._warned = ""
        self.editor_runs = 0

    @property
    def config(self) -> Config:
        return getattr(self.app, "config", None) or Config()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="compose-headers"):
            for name, value in self.fields.items():
                with Horizontal(classes="compose-field"):
                    yield Label(f"{name}:", markup=False)
                    yield Input(value, id=_field_id(name), placeholder=_placeholder(name))
            yield Static(self._extra_text(), id="compose-extra", markup=False)
        yield Static("", id="compose-warning", markup=False)
        yield Static(f"ℹ {self.note}", id="compose-notice", markup=False)  # where it goes (Followup-To ...)
        yield TextArea(self.initial_body, id="compose-body", soft_wrap=True, show_line_numbers=False)
        yield StatusLine(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._what()
        self._untouched = self._latest = self.snapshot()
        if self.draft_id is not None:
            self._saved = self._untouched
        self._update_warning()
        self.query_one("#compose-notice", Static).display = bool(self.note)  # stays when the status line moves on
        self.status.show(self.note or "ctrl+s sends · Escape closes and keeps the draft")
        self.set_interval(AUTOSAVE_SECONDS, self._autosave, name="autosave")
        self.app.app_suspend_signal.subscribe(self, self._on_app_suspend)
        focus = "compose-body" if self.fields.get("Subject") else _field_id("Subject")
        self.query_one(f"#{focus}").focus()
        self.body.move_cursor((writing_row(self.initial_body), 0))
        if posting.editor_command(self.config.compose):
            self.call_after_refresh(self.action_external_editor)

    def _what(self) -> str:
        """The sub-title: what kind of text this is."""
        if self.kind == "mail":
            return "reply by mail" if "In-Reply-To" in self.extra else "mail"
        if "Supersedes" in self.extra:
            return f"supersede {self.extra['Supersedes']}"
        return "follow-up" if "References" in self.extra else "new article"

    def on_unmount(self) -> None:
        """The last save (the app may be quitting); then the draft connection closes."""
        self.save_now()
        self.box.close()

    # -- what is written ---------------------------------------------------
    @property
    def body(self) -> TextArea:
        return self.query_one("#compose-body", TextArea)

    def headers(self) -> dict[str, str]:
        shown = {name: self.query_one(f"#{_field_id(name)}", Input).value for name in self.fields}
        return {**shown, **self.extra}

    def snapshot(self) -> Snapshot:
        return tuple(self.headers().items()), self.body.text

    def _extra_text(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.extra.items() if value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._remember()
        self._update_warning()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._remember()

    def _remember(self) -> None:
        try:
            self._latest = self.snapshot()
        except NoMatches:
            pass  # being torn down: keep the last text seen

    def _update_warning(self) -> None:
        headers = self.headers()
        text = ""
        if self.kind == "news":
            text = crosspost_warning(headers.get("Newsgroups", ""), headers.get("Followup-To", ""))
        warning = self.query_one("#compose-warning", Static)
        warning.update(f"⚠ {text}" if text else "")
        warning.display = bool(text)

    # -- drafts --------------------------------------------------------------
    def _autosave(self) -> None:
        snapshot = self.snapshot()
        if self._needs_save(snapshot):
            self._save_in_worker(snapshot)

    def _needs_save(self, snapshot: Snapshot) -> bool:
        if self._finished or snapshot == self._saved:
            return False
        return self._saved is not None or snapshot != self._untouched

    @work(thread=True, group="autosave", exit_on_error=False)
    def _save_in_worker(self, snapshot: Snapshot) -> None:
        self._store(snapshot)

    def _store(self, snapshot: Snapshot) -> None:
        """One save at a time, so two saves of a new draft never make two drafts."""
        with self._save_lock:
            if self._finished or snapshot == self._saved:
                return
            self.draft_id = self.box.save(self.draft_id, dict(snapshot[0]), snapshot[1])
            self._saved = snapshot

    def save_now(self) -> None:
        """Save on the event loop (exit, suspend, editor): a local SQLite write, no network."""
        if self._untouched is None:
            return  # never shown: nothing typed
        snapshot: Snapshot | None
        try:
            snapshot = self.snapshot()
        except NoMatches:  # the app is quitting: the fields are gone, their last text is not
            snapshot = self._latest
        if snapshot is None:
            return
        if self._needs_save(snapshot):
            try:
                self._store(snapshot)
            except (PithError, OSError) as exc:  # a full disk must not eat the text silently
                self.notify(f"the draft could not be saved: {exc}", severity="error", markup=False)

    def _on_app_suspend(self, _app: object) -> None:
        self.save_now()

    def action_close(self) -> None:
        if self._sending:
            self.status.show("sending… the composer closes by itself when it is done")
            return
        self.save_now()
        if self.draft_id is not None:
            self.notify(f"draft {self.draft_id} kept: O then D lists drafts", timeout=4, markup=False)
        self.dismiss()

    # -- the external editor -------------------------------------------------
    def action_external_editor(self) -> None:
        argv = posting.editor_command(self.config.compose)
        if not argv:
            self.status.show("no editor set ($VISUAL, $EDITOR or [compose] editor): this is the built-in one")
            return
        self.save_now()
        headers, body = self.headers(), self.body.text
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="pith-", suffix=".eml",
                                         delete=False) as handle:
            handle.write(editor_text(headers, body))
            path = Path(handle.name)
        try:
            result = self._run_editor(argv + [str(path)])
            text = path.read_text(encoding="utf-8", errors="replace")
        finally:
            path.unlink(missing_ok=True)
        self.editor_runs += 1
        self._take_back(text, headers)
        if result:
            self.report_error(result)
        else:
            self.status.show("back from the editor: ctrl+s sends, ctrl+g edits again, Escape keeps the draft")

    def _run_editor(self, argv: list[str]) -> str:
        """Run the editor on a suspended app; -> a problem to show, or ""."""
        try:
            try:
                with self.app.suspend():
                    code = subprocess.run(argv, check=False).returncode
            except SuspendNotSupported:
                if not self.app.is_headless:
                    return "this terminal cannot hand over to an editor: using the built-in one"
                code = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, check=False).returncode
        except OSError as exc:
            return f"cannot run the editor {argv[0]!r}: {exc.strerror or exc}"
        return f"the editor {argv[0]!r} exited with status {code}; its text was kept" if code else ""

    def _take_back(self, text: str, previous: dict[str, str]) -> None:
        headers, body = parse_editor_text(text, previous)
        for name in self.fields:
            self.query_one(f"#{_field_id(name)}", Input).value = headers.pop(name, "")
        self.extra = headers
        self.query_one("#compose-extra", Static).update(self._extra_text())
        self.body.text = body
        self._update_warning()
        self.save_now()

    # -- sending ---------------------------------------------------------------
    def action_send(self) -> None:
        if self._sending:
            self.status.show("already sending…")  # a second ctrl+s must not queue it twice
            return
        headers, body = self.headers(), self.body.text
        warning = crosspost_warning(headers.get("Newsgroups", ""), headers.get("Followup-To", ""))
        if self.kind == "news" and warning and self._warned != headers.get("Newsgroups"):
            self._warned = headers.get("Newsgroups", "")
            self.status.show_error(f"press ctrl+s again to send anyway ({warning})")
            return
        self.save_now()
        self._sending = True
        self.status.show("sending…")
        if self.kind == "mail":
            self._send_mail(headers, body)
        else:
            self._send_news(headers, body)

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def _send_news(self, headers: dict[str, str], body: str) -> None:
        fields = header_fields(headers)
        known = {g.name for g in self.library.call(Library.groups, False, local=True)}
        problems = check_article(fields, known or None)
        if problems:
            self.app.call_from_thread(self._not_sent, "not sent: " + "; ".join(problems))
            return
        raw, message_id = finish_own(fields, body.encode("utf-8"),  # with a Cancel-Lock: D can cancel it
                                     domain=self.config.compose.message_id_domain)
        entry_id = self.library.call(Library.queue_article, raw, message_id, local=True)
        self._forget_draft()
        entries, why = self.library.call(posting.flush)  # `pith post`'s flush too
        entry = next((e for e in entries if e.id == entry_id), None)
        self.app.call_from_thread(self._done, _outcome(entry, why, headers.get("Newsgroups", "")),
                                  [entry] if entry is not None else [])

    @work(thread=True, exclusive=True, group="send", exit_on_error=False)
    def _send_mail(self, headers: dict[str, str], body: str) -> None:
        fields = header_fields(headers)
        to = headers.get("To", "")
        if "@" not in to:
            self.app.call_from_thread(self._not_sent, "not sent: To needs an address (name@domain)")
            return
        try:
            delivered = posting.deliver(posting.mail_bytes(fields, body), self.config.mail)
        except PithError as exc:
            self.app.call_from_thread(self._not_sent, f"not sent (draft kept): {exc}")
            return
        self._forget_draft()
        self.app.call_from_thread(self._done, posting.mail_outcome(to, delivered))

    def _not_sent(self, message: str) -> None:
        self._sending = False
        self.status.show_error(message)

    def load_failed(self, worker: Worker[object], message: str) -> None:
        """A send that failed (a bug, a broken store) may be tried again; the draft is still there."""
        if worker.group == "send":
            self._sending = False
        super().load_failed(worker, message)

    def _forget_draft(self) -> None:
        """The text is in the outbox (or mailed) now: the draft goes, and autosave stops."""
        with self._save_lock:
            self._finished = True
            if self.draft_id is not None:
                self.box.delete(self.draft_id)

    def _done(self, message: str, entries: list[OutboxEntry] | None = None) -> None:
        """Close and say what happened; an article that reached the server is announced to the screens
        left open (a thread list of its group reloads, so it shows up there)."""
        app = self.app
        self.dismiss()
        screen = app.screen
        if isinstance(screen, PithScreen) and screen.is_mounted:
            screen.status.show(message)
        self.notify(message, timeout=6, markup=False)
        announce_posted(app, entries or [], message)


def announce_posted(app: App[object], entries: Iterable[OutboxEntry], note: str) -> None:
    """Tell every screen on the stack which groups the ``entries`` that were sent went to (their
    Newsgroups), with ``note`` for the status line; queued or refused entries are not news to anyone."""
    groups = frozenset(group.strip() for entry in entries if entry.state == OutboxState.SENT
                       for group in entry.header("Newsgroups").split(",") if group.strip())
    if groups:
        for screen in app.screen_stack:
            screen.post_message(ArticlesPosted(groups, note))


def _outcome(entry: OutboxEntry | None, why: str, groups: str) -> str:
    """One line on what happened to the article just queued (``None``: it left the outbox meanwhile)."""
    if entry is not None and entry.state == OutboxState.SENT:
        return f"posted to {groups}: {entry.message_id}"
    if entry is not None and entry.state == OutboxState.REFUSED:
        return f"the server refused it: {entry.reply} (kept in the outbox: O)"
    if entry is not None and entry.state == OutboxState.NEEDS_MAIL:
        return f"this server takes no posts: send it by mail to {entry.mailto or 'the list'} (kept in the outbox: O)"
    reply = entry.reply if entry is not None else ""
    return f"queued in the outbox ({why or reply or 'not sent yet'}): it is sent when online (O lists it)"


def writing_row(body: str) -> int:
    """Where the cursor starts: the line above the signature (under the quote), else the last line."""
    lines = body.split("\n")
    signature = max((i for i, line in enumerate(lines) if line == "-- "), default=None)
    if signature is None:
        return len(lines) - 1
    return max(0, signature - 1)


def _placeholder(name: str) -> str:
    return {"Followup-To": "groups for replies (optional)", "Newsgroups": "group.name, other.group",
            "To": "name@domain", "Cc": "others, comma-separated (optional)",
            "Subject": "what it is about"}.get(name, "")
