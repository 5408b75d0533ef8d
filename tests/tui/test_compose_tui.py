"""The composer, the outbox and the drafts list, driven by Pilot on the fixed archives (no server).
An archive's groups are read-only, so these tests flag them as taking posts (``postable``): the
archive then stands in for a server that takes posts but cannot be reached, and what is sent
stays queued, as it does offline."""

from __future__ import annotations

import mailbox
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from store.config import ComposeConfig, Config, MailConfig
from store.outbox import Drafts, Outbox
from tests.tui.conftest import SIZE, screen_text, settle
from tests.tui.snapshot_app import SNAPSHOT_MBOX
from tests.tui.conftest import archive_library
from tui.app import PithApp
from tui.keymap import keys_for
from tui.screens.compose import ComposeScreen
from tui.screens.outbox import DraftsScreen, OutboxScreen, RawScreen


@pytest.fixture(autouse=True)
def no_editor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in TextArea unless a test sets an editor; a fixed From."""
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", "Tess Ter <tess@example.org>")


def make(tmp_path: Path, config: Config | None = None, postable: bool = True, **options: object) -> PithApp:
    return PithApp(archive_library(SNAPSHOT_MBOX, tmp_path / "store.sqlite3", postable=postable),
                   title="pith test", config=config, **options)  # type: ignore[arg-type]


def store_db(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "store.sqlite3")


def field(app: PithApp, name: str) -> Input:
    return app.screen.query_one(f"#field-{name.lower()}", Input)


async def test_followup_quotes_and_stays_queued_on_an_archive(tmp_path: Path) -> None:
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen) and app.screen.sub_title == "follow-up"
        text = screen_text(app)
        assert "Subject:     Re: Best way to thread news?" in text
        assert "References: <root1@example.org>" in text
        assert "Alice Example wrote:" in text and "> what is the best way to thread a newsgroup?" in text
        await pilot.press(*"Use JWZ.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert "queued in the outbox (this source is a read-only archive)" in screen_text(app)
        await pilot.press("O")
        await settle(pilot)
        assert isinstance(app.screen, OutboxScreen)
        assert "queued      pith.test.tree" in screen_text(app) and "Re: Best way to thread news?" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RawScreen)
        raw = screen_text(app)
        assert "References: <root1@example.org>" in raw and "Use JWZ." in raw and "From: Tess Ter" in raw
    entries = Outbox(store_db(tmp_path)).entries()
    assert [e.state for e in entries] == ["queued"] and b"\n\nAlice Example wrote:\n> Hello all," in entries[0].raw
    assert Drafts(store_db(tmp_path)).ids() == []  # the draft went when the article was queued


async def test_bad_headers_are_refused_on_screen(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        field(app, "Newsgroups").value = "no such group!"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        text = screen_text(app)
        assert "not sent: Newsgroups: 'no such group!' is not a group name; Subject is missing or empty" in text
    assert Outbox(store_db(tmp_path)).entries() == []


async def test_crosspost_warning_then_send_anyway(tmp_path: Path) -> None:
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert field(app, "Newsgroups").value == "pith.test.tree"
        await pilot.press(*"Hello")  # the Subject field has the focus
        await pilot.click("#field-newsgroups")
        await pilot.press("end", *",pith.test.misc")
        await pilot.pause()
        assert "⚠ cross-posted to 2 groups without Followup-To: replies will go to all of them" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert "press ctrl+s again to send anyway" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
    entry = Outbox(store_db(tmp_path)).entries()[0]
    assert entry.header("Newsgroups") == "pith.test.tree,pith.test.misc" and entry.header("Subject") == "Hello"


async def test_reply_by_mail_lands_in_the_mbox(tmp_path: Path) -> None:
    mbox = tmp_path / "mail" / "out.mbox"
    config = Config(compose=ComposeConfig(attribution="On {date}, {name} wrote:"), mail=MailConfig(mbox=str(mbox)))
    app = make(tmp_path, config, start_group="pith.test.tree", start_article=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen) and app.screen.kind == "mail"
        assert field(app, "To").value == "Alice Example <alice@example.org>"
        assert "Newsgroups" not in app.screen.headers()
        await pilot.press(*"Thanks!", "ctrl+s")
        await settle(pilot)
        assert app.screen.status.message == f"mail to Alice Example <alice@example.org> appended to {mbox}"
        assert "mail to Alice Example <alice@example.org> appended to" in screen_text(app)
    messages = list(mailbox.mbox(str(mbox)))
    assert len(messages) == 1
    assert messages[0]["In-Reply-To"] == "<root1@example.org>" and messages[0]["Subject"] == "Re: Best way to thread news?"
    body = messages[0].get_payload(decode=True).decode()
    assert "wrote:\n> Hello all," in body and "Thanks!" in body and body.startswith("On ")


async def test_external_editor_rewrites_headers_and_body(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/^Subject: .*/Subject: from the editor/' \"$1\"\n"
                      "echo 'written in the editor' >> \"$1\"\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen) and screen.editor_runs == 1
        assert field(app, "Subject").value == "from the editor"
        assert "written in the editor" in screen.query_one(TextArea).text
        assert "back from the editor" in screen_text(app)
        assert Drafts(store_db(tmp_path)).ids() == [screen.draft_id]  # saved as soon as the editor returned


async def test_failing_editor_keeps_the_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISUAL", "/no/such/editor")
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert "cannot run the editor '/no/such/editor'" in screen_text(app)
        assert field(app, "Newsgroups").value == "pith.test.tree"


async def test_drafts_are_kept_resumed_and_deleted(tmp_path: Path) -> None:
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        await pilot.press(*"half written", "tab", *"body text", "escape")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        await pilot.press("O", "D")
        await settle(pilot)
        assert isinstance(app.screen, DraftsScreen)
        assert "half written  (1 lines)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen) and field(app, "Subject").value == "half written"
        assert app.screen.query_one(TextArea).text.startswith("body text")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DraftsScreen)
        await pilot.press("d")
        assert "press d again to delete draft" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert "(no drafts)" in screen_text(app)
    assert Drafts(store_db(tmp_path)).ids() == []


async def test_untouched_composer_leaves_no_draft(tmp_path: Path) -> None:
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert Drafts(store_db(tmp_path)).ids() == []


async def test_outbox_drop_needs_two_presses(tmp_path: Path) -> None:
    Outbox(store_db(tmp_path)).add(b"Newsgroups: a.b\nSubject: keep me\n\nx\n", "<k@x>")
    app = make(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert "keep me" in screen_text(app)
        await pilot.press("d")
        assert "press d again to drop #1 'keep me'" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert "not sent: this source is a read-only archive" in screen_text(app)
        await pilot.press("d", "d")
        await settle(pilot)
        assert "(the outbox is empty)" in screen_text(app)


async def test_compose_keys_are_live_everywhere(tmp_path: Path) -> None:
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [keys_for(app, i) for i in ("followup", "followup-no-quote", "reply", "post", "outbox")] == [
            "f", "F", "r", "P", "O"]
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Follow up without quoting" in text and "not available yet" not in text


async def test_quitting_mid_draft_keeps_it(tmp_path: Path) -> None:
    """ctrl+q before any autosave: the screen's unmount writes the draft."""
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        await pilot.press(*"quit early", "tab", *"unsaved words")
        await pilot.press("ctrl+q")
        await pilot.pause()
    drafts = Drafts(store_db(tmp_path))
    found = [drafts.load(i) for i in drafts.ids()]
    assert found and found[0] is not None and found[0][0]["Subject"] == "quit early"
    assert found[0][1].startswith("unsaved words")


async def test_needs_mail_article_is_mailed_from_the_outbox(tmp_path: Path) -> None:
    mbox = tmp_path / "out.mbox"
    outbox = Outbox(store_db(tmp_path))
    entry_id = outbox.add(b"From: tess@example.org\nNewsgroups: list.dev\nSubject: patch\nMessage-ID: <m@x>\n\nhi\n",
                          "<m@x>")
    outbox._refused(outbox.get(entry_id), "440 posting not allowed, send to mailto:dev@lists.example")  # type: ignore[arg-type]
    app = make(tmp_path, Config(mail=MailConfig(mbox=str(mbox))))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        assert "needs-mail" in screen_text(app) and "send by mail to dev@lists.example" in screen_text(app)
        await pilot.press("m")
        await settle(pilot)
        assert "mailed #1 to dev@lists.example" in screen_text(app)
        assert "mailed      list.dev" in screen_text(app)
    message = next(iter(mailbox.mbox(str(mbox))))
    assert message["To"] == "dev@lists.example" and message["Message-ID"] == "<m@x>"
    assert message["Newsgroups"] is None and message.get_payload() == "hi\n"


async def test_a_second_ctrl_s_does_not_queue_twice(tmp_path: Path) -> None:
    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        await pilot.press(*"once", "tab", *"only once", "ctrl+s", "ctrl+s")
        await settle(pilot)
    assert len(Outbox(store_db(tmp_path)).entries()) == 1


def test_cursor_starts_above_the_signature() -> None:
    from tui.screens.compose import kind_of, writing_row

    assert writing_row("A wrote:\n> x\n\n\n-- \nsig\n") == 3
    assert writing_row("") == 0 and writing_row("a\nb") == 1
    assert kind_of({"To": "a@b", "Subject": "s"}) == "mail" and kind_of({"Newsgroups": "a", "To": "x"}) == "news"


async def test_a_post_announced_for_the_group_reloads_its_list_in_the_same_view(tmp_path: Path) -> None:
    """What the composer (or the outbox) announces after a send: the thread list of that group enters
    it again and stays in its view, on its article, with the marks made meanwhile; other groups' lists
    are left alone."""
    from tui.messages import ArticlesPosted
    from tui.screens.threads import ThreadsScreen
    from tui.widgets.thread_list import ThreadList

    app = make(tmp_path, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ThreadsScreen)
        await pilot.press("u", "o")  # the first article read; flat by date
        await settle(pilot)
        threads = screen.query_one(ThreadList)
        await pilot.press("j", "j")
        current = threads.current
        screen.post_message(ArticlesPosted(frozenset({"pith.test.misc"}), "posted to pith.test.misc: <a@b>"))
        await settle(pilot)
        assert not screen.status.message.startswith("posted to")
        screen.post_message(ArticlesPosted(frozenset({"pith.test.misc", "pith.test.tree"}),
                                           "posted to pith.test.tree: <a@b>"))
        await settle(pilot)
        assert screen.status.message.startswith("posted to pith.test.tree: <a@b> · pith.test.tree: 8 articles")
        assert screen.view == "date" and threads.current == current
        assert "7 unread of 8 · flat by date" in screen_text(app)


async def test_posting_to_a_read_only_archive_group_is_refused_up_front(tmp_path: Path) -> None:
    """Issue #6: P, f and F on a group that takes no posts (an archive's) say so on the status line at
    once, on the thread list, in the pager and on the group list; r, a mail, still opens the composer."""
    refused = "posting is not allowed here: pith.test.tree is a read-only archive"
    app = make(tmp_path, postable=False, start_group="pith.test.tree")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("P", "f", "F"):
            app.screen.status.show("")
            await pilot.press(key)
            await settle(pilot)
            assert not isinstance(app.screen, ComposeScreen), key
            assert app.screen.status.message == refused and refused in screen_text(app), key
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen) and refused in screen_text(app)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen) and app.screen.kind == "mail"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("q", "q")  # to the group list: P there is about the group under the cursor
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert "posting is not allowed here: pith.test." in app.screen.status.message
    assert Outbox(store_db(tmp_path)).entries() == [] and Drafts(store_db(tmp_path)).ids() == []
