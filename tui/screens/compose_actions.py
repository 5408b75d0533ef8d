"""P, f, F, r and O on every pith screen: start a post, a follow-up or a mail reply; open the outbox.

The article under the cursor (thread list) or on screen (pager) is fetched on
the session thread, its follow-up built by tui.compose_text, the signature read
from ``[compose] signature_file``, and the composer pushed. A parent whose
Followup-To says ``poster`` gets a mail reply instead, with a note saying why.
Where posting cannot work (a read-only server or group, an archive: see
``Library.posting_refusal``) P, f and F say so on the status line instead of
opening the composer; r (a mail) is always offered.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from nntp.errors import PithError
from nntp.models import Article
from store.config import Config
from tui import posting
from tui.compose_text import followup_headers, mail_headers, new_post_headers, quoted_body, with_signature

if TYPE_CHECKING:
    from textual.screen import Screen

    from tui.backend import LibraryHandle
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
        """(group, article number or <message-id>) the keys act on; "" / None when there is none."""
        from tui.screens.article import ArticleScreen
        from tui.screens.groups import GroupsScreen
        from tui.screens.threads import ThreadsScreen

        if isinstance(self, ThreadsScreen):
            row = self.thread_list.current if self.loaded else None
            article = row.article if row is not None else None
            return self.group, article.number if article is not None else None
        if isinstance(self, ArticleScreen):
            return self.group, self.key
        if isinstance(self, GroupsScreen):
            current = self.group_list.current
            return (current.name if current is not None else ""), None
        return str(getattr(self, "group", "") or ""), None

    def action_post(self) -> None:
        group, _ = self.compose_context()
        self._prepare("post", group, None)

    def action_followup(self) -> None:
        self._reply_to("followup")

    def action_followup_no_quote(self) -> None:
        self._reply_to("followup-no-quote")

    def action_reply(self) -> None:
        self._reply_to("reply")

    def action_outbox(self) -> None:
        from tui.screens.outbox import OutboxScreen

        self.app.push_screen(OutboxScreen())

    def _reply_to(self, how: str) -> None:
        group, key = self.compose_context()
        if key is None:
            self.status.show("no article here: move to one first")
            return
        self._prepare(how, group, key)

    @work(thread=True, group="compose", exit_on_error=False)
    def _prepare(self, how: str, group: str, key: int | str | None) -> None:
        """Off the event loop: the store path, the parent article (network), the signature file.

        A post or follow-up first asks whether posting can work here at all (store and
        connection state only, no round trip), so a read-only place says so at once.
        """
        if how != "reply":
            why = self.library.call(lambda library: library.posting_refusal(group), local=True)
            if why:
                self.app.call_from_thread(self.status.show_error, f"posting is not allowed here: {why}")
                return
        path = self.library.call(lambda library: library.store.path, local=True)
        parent = self.library.call(lambda library: library.article(group, key)) if key is not None else None
        config: Config = getattr(self.app, "config", None) or Config()
        headers, body, note = start_of(how, group, parent, config)
        self.app.call_from_thread(self._open_composer, path, headers, body, note)

    def _open_composer(self, path: Path, headers: dict[str, str], body: str, note: str) -> None:
        from tui.screens.compose import ComposeScreen

        try:
            screen = ComposeScreen(path, headers, body, note=note)
        except PithError as exc:
            self.status.show_error(f"cannot open the composer: {exc}")
            return
        self.app.push_screen(screen)


def start_of(how: str, group: str, parent: Article | None, config: Config) -> tuple[dict[str, str], str, str]:
    """Headers, body and a note for the composer: ``how`` is post, followup, followup-no-quote or reply."""
    compose = config.compose
    sender = posting.from_address(compose)
    signature, problem = posting.load_signature(compose)
    note = problem
    if parent is None:
        return new_post_headers(group, sender), with_signature("", signature), note
    headers, wants_mail = followup_headers(parent, sender, group)
    if how == "reply" or wants_mail:
        headers = mail_headers(parent, sender)
        if how != "reply":
            note = "the author set Followup-To: poster, so this reply goes by mail"
    body = "" if how == "followup-no-quote" else quoted_body(parent, compose.attribution, group)
    return headers, with_signature(body, signature), note
