"""P, f, F, r, g, D, E and O on every pith screen: post, follow up, reply by mail (to the author or
to all), cancel or supersede your own article; open the outbox.

The article under the cursor (thread list) or on screen (pager) is fetched on
the session thread, its follow-up built by app.compose_text, the signature read
from ``[compose] signature_file``, and the composer pushed. A parent whose
Followup-To says ``poster`` gets a mail reply instead, with a note saying why.
Where posting cannot work (a read-only server or group, an archive: see
``Library.posting_refusal``) P, f and F write a mail to the group's mailing list
when its address is known (store/listroute.py), and otherwise say why not on
the status line; r and g (mail) are always offered. Cancel asks y/n first; the
work is store/control.py's, shared with ``pith cancel``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from nntp.errors import PithError
from nntp.models import Article
from store.config import Config
from store.library import Library
from store.outbox import OutboxState
from tui.navigation import OpenComposer, OpenOutbox, open_screen

# Writing (store.control, app.posting, app.compose_text: mailbox, nntp.compose) is imported when a key asks
# for it: every screen mixes this in, and the first screen needs none of it (issue 17: start-up).

if TYPE_CHECKING:
    from textual.screen import Screen

    from store import control

    from app.backend import LibraryHandle
    from tui.widgets.status_line import StatusLine

    _Base = Screen[None]
else:
    _Base = object


class ComposeActions(_Base):
    """Mixed into PithScreen; screens say what is under the cursor through ``compose_context``."""

    if TYPE_CHECKING:  # provided by PithScreen (which imports this module, so no import back)

        @property
        def library(self) -> LibraryHandle: ...

        @property
        def status(self) -> StatusLine: ...

    def compose_context(self) -> tuple[str, int | str | None]:
        """(group, article number or <message-id>) the keys act on; "" / None when there is none.

        The thread list, the pager and the group list override it with what is under the cursor."""
        return str(getattr(self, "group", "") or ""), None

    def action_post(self) -> None:
        group, key = self.compose_context()
        self._prepare("post", group, None, sample=key)

    def action_followup(self) -> None:
        self._reply_to("followup")

    def action_followup_no_quote(self) -> None:
        self._reply_to("followup-no-quote")

    def action_reply(self) -> None:
        self._reply_to("reply")

    def action_reply_all(self) -> None:
        self._reply_to("reply-all")

    def action_supersede_article(self) -> None:
        self._reply_to("supersede")

    def action_cancel_article(self) -> None:
        from tui.screens.confirm import ConfirmScreen

        group, key = self.compose_context()
        if key is None:
            self.status.show("no article here: move to one first")
            return
        def answered(yes: bool | None) -> None:
            if yes:
                self._send_cancel(group, key)

        self.app.push_screen(ConfirmScreen(f"Cancel your article {key} (withdraw it from the server)?"), answered)

    def action_outbox(self) -> None:
        open_screen(self.app, OpenOutbox())

    def _reply_to(self, how: str) -> None:
        group, key = self.compose_context()
        if key is None:
            self.status.show("no article here: move to one first")
            return
        self._prepare(how, group, key)

    @work(thread=True, group="compose", exit_on_error=False)
    def _send_cancel(self, group: str, key: int | str) -> None:
        """Off the event loop: fetch the article, check it is mine, queue and send the cancel."""
        from app import posting
        from store import control

        me = posting.from_address(self._config().compose)
        try:
            original = self.library.call(Library.article, group, key)
            sent = self.library.call(control.cancel, original.message_id, me)
        except PithError as exc:
            self.app.call_from_thread(self.status.show_error, f"not cancelled: {exc}")
            return
        self.app.call_from_thread(self.status.show, cancel_outcome(sent, original.message_id))

    @work(thread=True, group="compose", exit_on_error=False)
    def _prepare(self, how: str, group: str, key: int | str | None, sample: int | str | None = None) -> None:
        """Off the event loop: the store path, the parent article (network), the signature file.

        A post or follow-up first asks whether posting can work here at all (store and
        connection state only, no round trip); on a mailing-list mirror it becomes a
        mail to the list when the list's address is known (for P, maybe from the article
        under the cursor, ``sample``), else it is refused.
        """
        refusal: str | None = None
        if how in NEWS_WAYS:
            refusal = self.library.call(Library.posting_refusal, group, local=True)
        path = self.library.call(Library.drafts_path, local=True)
        parent = self.library.call(Library.article, group, key) if key is not None else None
        wanted = refusal is not None or (how == "reply-all" and _from_a_list(parent))
        listed = self._list_of(group, parent, wanted, sample)
        if refusal is not None and not listed:
            self._refuse(refusal)
            return
        try:
            headers, body, note = start_of(how, group, parent, self._config(), listed, mirror=refusal is not None)
        except PithError as exc:
            self.app.call_from_thread(self.status.show_error, str(exc))
            return
        note = f"{refusal}: this goes by mail to the list {listed}" if refusal is not None else note
        self.app.call_from_thread(self._open_composer, path, headers, body, note)

    def _list_of(self, group: str, parent: Article | None, wanted: bool, sample: int | str | None) -> str:
        """The group's list address when it matters (a refused post, a reply-all to a list mail);
        a new post with nothing known asks the article under the cursor (its List-Post, List-Id)."""
        if not wanted:
            return ""
        from store.listroute import list_address

        found = str(self.library.call(list_address, group, parent, local=True))
        if found or parent is not None or sample is None:
            return found
        try:
            other = self.library.call(Library.article, group, sample)
        except PithError:
            return ""
        return str(self.library.call(list_address, group, other, local=True))

    def _refuse(self, why: str) -> None:
        self.app.call_from_thread(self.status.show_error, f"posting is not allowed here: {why}")

    def _config(self) -> Config:
        return getattr(self.app, "config", None) or Config()

    def _open_composer(self, path: Path, headers: dict[str, str], body: str, note: str) -> None:
        try:
            open_screen(self.app, OpenComposer(path, headers, body, note=note))
        except PithError as exc:
            self.status.show_error(f"cannot open the composer: {exc}")


NEWS_WAYS = frozenset({"post", "followup", "followup-no-quote"})
"""The ways of writing that go to a newsgroup (and become a mail on a read-only mirror)."""


def start_of(how: str, group: str, parent: Article | None, config: Config,
             list_address: str = "", mirror: bool = False) -> tuple[dict[str, str], str, str]:
    """Headers, body and a note for the composer.

    ``how`` is post, followup, followup-no-quote, reply, reply-all or supersede.
    ``mirror`` means the group is a read-only mirror of the list ``list_address``,
    so a post or follow-up is a mail to the list (a follow-up Cc's the author);
    otherwise ``list_address`` is Cc'd on a reply-all.
    """
    from app import posting
    from app.compose_text import (followup_headers, followup_note, list_followup_headers, list_post_headers,
                                  mail_headers, new_post_headers, quoted_body, reply_all_headers, with_signature)
    from store import control

    compose = config.compose
    sender = posting.from_address(compose)
    signature, note = posting.load_signature(compose)
    if parent is None:
        headers = list_post_headers(list_address, sender) if mirror else new_post_headers(group, sender)
        return headers, with_signature("", signature), note
    if how == "supersede":
        return control.supersede_draft(parent, sender), parent.body, "rewriting your article: ctrl+s replaces it"
    headers, wants_mail = followup_headers(parent, sender, group)
    if how == "reply-all":
        headers = reply_all_headers(parent, sender, list_address)
    elif mirror and how in NEWS_WAYS:
        headers = list_followup_headers(parent, sender, list_address)
    elif how == "reply" or wants_mail:
        headers = mail_headers(parent, sender)
    if how in NEWS_WAYS and not mirror:
        note = " · ".join(part for part in (followup_note(parent, group), note) if part)
    body = "" if how == "followup-no-quote" else quoted_body(parent, compose.attribution, group)
    return headers, with_signature(body, signature), note


def cancel_outcome(sent: control.Sent, target: str) -> str:
    """One line on what became of a cancel."""
    state = sent.entry.state
    if state == OutboxState.SENT:
        return f"cancel of {target} sent: the server withdraws it"
    if state == OutboxState.QUEUED:
        return f"cancel of {target} queued in the outbox ({sent.why or sent.entry.reply}): sent when online"
    return f"the server refused the cancel of {target}: {sent.entry.reply} (kept in the outbox: O)"


def _from_a_list(article: Article | None) -> bool:
    return article is not None and bool(article.header("List-Post") or article.header("List-Id"))
