"""Reply by mail, list-aware: reply (author), reply-all (author + list + Cc) honouring Reply-To,
Mail-Followup-To and Mail-Reply-To; on a list archive P and f write to the list (app/compose_text.py,
store/listroute.py, tui/screens/compose_actions.py)."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest
from textual.widgets import Input

from nntp.article import parse_article
from nntp.errors import PostRefused
from nntp.models import Article
from store.cache import Store
from store.config import Config, MailConfig
from store.library import Library
from store.listroute import from_list_id, list_address
from store.outbox import Outbox
from tests.tui.conftest import SIZE, archive_library, settle
from tui.app import PithApp
from app.compose_text import list_followup_headers, mail_headers, reply_all_headers
from tui.screens.compose import ComposeScreen

ME = "Tess Ter <tess@example.org>"
LIST = "dev@lists.example.org"


def article(*headers: str) -> Article:
    head = "\n".join(("Message-ID: <p@example.org>", "Subject: Plan", *headers))
    return parse_article(f"{head}\n\nbody\n".encode())


def test_reply_goes_to_mail_reply_to_then_reply_to_then_from() -> None:
    assert mail_headers(article("From: A <a@x.org>"), ME)["To"] == "A <a@x.org>"
    assert mail_headers(article("From: A <a@x.org>", "Reply-To: r@x.org"), ME)["To"] == "r@x.org"
    parent = article("From: A <a@x.org>", "Reply-To: r@x.org", "Mail-Reply-To: m@x.org")
    headers = mail_headers(parent, ME)
    assert headers["To"] == "m@x.org" and headers["Cc"] == "" and headers["In-Reply-To"] == "<p@example.org>"


def test_reply_all_ccs_to_cc_and_the_list_without_me_or_repeats() -> None:
    parent = article("From: José Pérez <jose@x.org>", f"To: {LIST}, Tess <TESS@example.org>",
                     "Cc: b@x.org, José <jose@x.org>, \"Doe, Jane\" <jane@x.org>")
    headers = reply_all_headers(parent, ME, LIST)
    assert headers["To"] == "José Pérez <jose@x.org>"
    assert headers["Cc"] == f'{LIST}, b@x.org, "Doe, Jane" <jane@x.org>'
    assert headers["Subject"] == "Re: Plan" and headers["References"] == "<p@example.org>"


def test_mail_followup_to_is_taken_as_it_is() -> None:
    parent = article("From: a@x.org", f"To: {LIST}", "Cc: b@x.org", f"Mail-Followup-To: {LIST}, tess@example.org")
    headers = reply_all_headers(parent, ME, LIST)
    assert headers["To"] == LIST and headers["Cc"] == ""


def test_a_follow_up_on_a_mirror_goes_to_the_list_with_the_author_in_cc() -> None:
    headers = list_followup_headers(article("From: A <a@x.org>", "Reply-To: r@x.org"), ME, LIST)
    assert headers["To"] == LIST and headers["Cc"] == "r@x.org" and headers["In-Reply-To"] == "<p@example.org>"
    assert list_followup_headers(article(f"From: {LIST}"), ME, LIST)["Cc"] == ""


def test_hostile_address_lists_give_nothing_rather_than_a_crash() -> None:
    parent = article("From: a@x.org", "Cc: " + "(" * 5000 + "x@y.org")
    assert reply_all_headers(parent, ME)["Cc"] == ""


def mirror_refuses(raw: bytes) -> str:
    raise PostRefused("440 mailto:h@lists.example.org")


def test_the_list_address_is_found_where_it_is_known(tmp_path: Path) -> None:
    from nntp.models import GroupInfo

    library = Library(Store(tmp_path / "s.sqlite3"), None, offline=True)
    assert list_address(library, "g", article(f"List-Post: <mailto:{LIST}>")) == LIST
    assert list_address(library, "g", article("List-Id: Dev list <dev.lists.example.org>")) == LIST
    assert list_address(library, "g") == ""
    library.store.group_table.save([GroupInfo("g", 1, 2, 2, "n", f"Mirror of {LIST}")])
    assert list_address(library, "g") == LIST
    Outbox(library.store.db).add(b"Newsgroups: h\n\nx\n", "<q@x>")
    Outbox(library.store.db).flush(mirror_refuses)
    assert list_address(library, "h") == "h@lists.example.org"
    assert from_list_id("<no-dots>") == "" and from_list_id("x <a.b.c>") == "a@b.c"


# -- the reader ------------------------------------------------------------------
THREAD = f"""From alice Mon Jan  1 00:00:00 2024
From: Alice Example <alice@example.org>
To: {LIST}
Cc: Bob <bob@example.org>, {ME}
Subject: Release plan
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <plan@example.org>
List-Id: <dev.lists.example.org>
List-Post: <mailto:{LIST}>

When do we cut the release?
"""


@pytest.fixture(autouse=True)
def me(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EMAIL", ME)


def list_app(tmp_path: Path, mbox_out: Path) -> PithApp:
    archive = tmp_path / "dev.mbox"
    archive.write_text(THREAD)
    return PithApp(archive_library(archive, tmp_path / "store.sqlite3"), title="pith test",
                   config=Config(mail=MailConfig(mbox=str(mbox_out))), start_group="dev.lists.example.org")


def fields(app: PithApp) -> dict[str, str]:
    assert isinstance(app.screen, ComposeScreen)
    return {name: app.screen.query_one(f"#field-{name.lower()}", Input).value for name in app.screen.fields}


async def test_g_replies_to_all_and_the_mail_carries_the_cc(tmp_path: Path) -> None:
    out = tmp_path / "out.mbox"
    app = list_app(tmp_path, out)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert fields(app) == {"From": ME, "To": "Alice Example <alice@example.org>",
                               "Cc": f"{LIST}, Bob <bob@example.org>", "Subject": "Re: Release plan"}
        assert app.screen.extra["In-Reply-To"] == "<plan@example.org>"
        await pilot.press(*"Friday.")
        await pilot.press("ctrl+s")
        await settle(pilot)
    (sent,) = list(mailbox.mbox(str(out)))
    assert sent["To"] == "Alice Example <alice@example.org>" and sent["Cc"] == f"{LIST}, Bob <bob@example.org>"
    assert sent["In-Reply-To"] == "<plan@example.org>" and "Friday." in sent.get_payload()


async def test_f_and_p_on_a_list_archive_write_to_the_list(tmp_path: Path) -> None:
    app = list_app(tmp_path, tmp_path / "out.mbox")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert fields(app) == {"From": ME, "To": LIST, "Cc": "Alice Example <alice@example.org>",
                               "Subject": "Re: Release plan"}
        assert f"this goes by mail to the list {LIST}" in app.screen.status.message
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert fields(app) == {"From": ME, "To": LIST, "Cc": "", "Subject": ""}
        assert app.screen.sub_title == "mail"


# -- cancel and supersede keys ---------------------------------------------------
MINE = f"""From tess Mon Jan  1 00:00:00 2024
From: {ME}
Newsgroups: pith.test.mine
Subject: Oops
Date: Mon, 1 Jan 2024 10:00:00 +0000
Message-ID: <oops@example.org>

Wrong words.

From other Mon Jan  1 00:00:00 2024
From: Other <other@example.org>
Newsgroups: pith.test.mine
Subject: Re: Oops
Date: Mon, 1 Jan 2024 11:00:00 +0000
Message-ID: <theirs@example.org>
References: <oops@example.org>

Not yours.
"""


def news_app(tmp_path: Path) -> PithApp:
    archive = tmp_path / "mine.mbox"
    archive.write_text(MINE)
    return PithApp(archive_library(archive, tmp_path / "store.sqlite3", postable=True), title="pith test",
                   start_group="pith.test.mine")


async def test_d_asks_then_queues_a_cancel_of_my_article_and_refuses_anothers(tmp_path: Path) -> None:
    from tui.screens.confirm import ConfirmScreen

    app = news_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Cancel your article" in app.screen.question
        await pilot.press("n")
        await settle(pilot)
        assert Outbox(Store(tmp_path / "store.sqlite3").db).entries() == []
        await pilot.press("D", "y")
        await settle(pilot)
        assert app.screen.status.message.startswith("cancel of <oops@example.org> queued in the outbox")
        await pilot.press("j", "D", "y")
        await settle(pilot)
        assert "not cancelled: <theirs@example.org>: not yours" in app.screen.status.message
    (entry,) = Outbox(Store(tmp_path / "store.sqlite3").db).entries()
    assert entry.header("Control") == "cancel <oops@example.org>"


async def test_e_rewrites_my_article_as_a_supersede(tmp_path: Path) -> None:
    app = news_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen) and app.screen.sub_title == "supersede <oops@example.org>"
        assert app.screen.body.text.startswith("Wrong words.")
        app.screen.body.text = "Right words.\n"
        await pilot.press("ctrl+s")
        await settle(pilot)
    (entry,) = Outbox(Store(tmp_path / "store.sqlite3").db).entries()
    assert entry.header("Supersedes") == "<oops@example.org>" and entry.header("Cancel-Key").startswith("sha256:")
    assert b"Right words." in entry.raw and entry.header("Cancel-Lock").startswith("sha256:")


async def test_the_new_keys_are_in_help_with_their_ids(tmp_path: Path) -> None:
    from tui.screens.help import HelpScreen

    app = news_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = [line.split() for line in app.screen.help_text().plain.splitlines()]
    for key, binding_id in (("g", "reply-all"), ("D", "cancel-article"), ("E", "supersede-article")):
        assert any(words and words[0] == key and words[-1] == binding_id for words in lines), binding_id


# -- where mail goes ----------------------------------------------------------------
def test_the_default_sendmail_is_used_where_it_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import posting

    assert posting.sendmail_command(MailConfig()) == ""  # tests point the default at a missing file
    fake = tmp_path / "sendmail"
    fake.write_text(f"#!/bin/sh\ncat > {tmp_path / 'got'}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(posting, "DEFAULT_SENDMAIL", str(fake))
    assert posting.sendmail_command(MailConfig()) == f"{fake} -t -i"
    assert posting.sendmail_command(MailConfig(mbox="~/x")) == ""  # a chosen mbox is a choice
    assert posting.sendmail_command(MailConfig(sendmail="msmtp -t")) == "msmtp -t"
    assert posting.deliver(b"To: a@b.c\n\nhi\n", MailConfig()).how == "sendmail"
    assert (tmp_path / "got").read_bytes() == b"To: a@b.c\n\nhi\n"


def test_an_mbox_append_for_want_of_sendmail_says_the_mail_was_not_sent() -> None:
    from app import posting

    delivered = posting.deliver(b"To: a@b.c\n\nhi\n", MailConfig())
    assert delivered.how == "mbox" and delivered.fallback
    assert posting.mail_outcome("a@b.c", delivered).startswith("mail to a@b.c NOT sent: no sendmail here, so it was appended")
    chosen = posting.Delivered("mbox", "/x.mbox")
    assert posting.mail_outcome("a@b.c", chosen) == "mail to a@b.c appended to /x.mbox"
