"""The composer's pure rules: follow-up and mail headers, quoting, attribution, signature, warnings,
the $EDITOR file round trip, and the [compose] / [mail] config keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nntp.article import parse_article
from store.config import ConfigError, load_config
from app import posting
from app.compose_text import (
    attribution,
    crosspost_warning,
    editor_text,
    followup_headers,
    mail_headers,
    parse_editor_text,
    quote,
    quoted_body,
    references_for,
    reply_subject,
    with_signature,
)


def article(extra: str = "", body: str = "Hello there.\n\n> older\nbye\n-- \nsig line\n") -> object:
    raw = ("From: Ann Example <ann@example.org>\nNewsgroups: comp.a,comp.b\nSubject: Re: RE: Aw: question\n"
           "Message-ID: <p@x>\nReferences: <r1@x> <r2@x>\nDate: Mon, 2 Nov 2026 10:00:00 +0000\n"
           f"{extra}\n{body}")
    return parse_article(raw.encode("utf-8"), 7)


def test_re_once_whatever_the_parent_had() -> None:
    assert reply_subject("Re: RE: Aw: question") == "Re: question"
    assert reply_subject("Re[2]: sv: x") == "Re: x"
    assert reply_subject("plain") == "Re: plain"
    assert reply_subject("") == "Re: (no subject)"


def test_followup_newsgroups_and_references() -> None:
    headers, wants_mail = followup_headers(article(), "me@example.net", "comp.a")  # type: ignore[arg-type]
    assert not wants_mail
    assert headers["Newsgroups"] == "comp.a,comp.b"
    assert headers["References"] == "<r1@x> <r2@x> <p@x>"
    assert headers["Subject"] == "Re: question"
    assert headers["From"] == "me@example.net"


def test_followup_to_wins_and_poster_means_mail() -> None:
    headers, wants_mail = followup_headers(article("Followup-To: comp.b\n"), "me@x.net")  # type: ignore[arg-type]
    assert headers["Newsgroups"] == "comp.b" and not wants_mail
    _, wants_mail = followup_headers(article("Followup-To: poster\n"), "me@x.net")  # type: ignore[arg-type]
    assert wants_mail


def test_references_fall_back_to_in_reply_to_and_are_trimmed() -> None:
    parent = parse_article(b"From: a@b.c\nMessage-ID: <m@x>\nIn-Reply-To: <i@x>\n\nbody\n")
    assert references_for(parent) == "<i@x> <m@x>"
    many = " ".join(f"<{n}@x>" for n in range(40))
    parent = parse_article(f"From: a@b.c\nMessage-ID: <m@x>\nReferences: {many}\n\nb\n".encode())
    ids = references_for(parent).split()
    assert len(ids) == 20 and ids[0] == "<0@x>" and ids[-1] == "<m@x>"


def test_mail_reply_to_wins_over_from() -> None:
    headers = mail_headers(article("Reply-To: list@example.org\n"), "me@x.net")  # type: ignore[arg-type]
    assert headers["To"] == "list@example.org" and headers["In-Reply-To"] == "<p@x>"
    assert mail_headers(article(), "me@x.net")["To"] == "Ann Example <ann@example.org>"  # type: ignore[arg-type]


def test_quote_drops_the_signature_and_nests() -> None:
    assert quote("Hello there.\n\n> older\nbye\n-- \nsig line\n") == "> Hello there.\n>\n>> older\n> bye"


def test_attribution_template_and_broken_template() -> None:
    parent = article()
    assert attribution(parent) == "Ann Example wrote:"  # type: ignore[arg-type]
    assert attribution(parent, "On {date}, {from} wrote in {group}:", "comp.a") == (  # type: ignore[arg-type]
        "On Mon, 2 Nov 2026 10:00:00 +0000, Ann Example <ann@example.org> wrote in comp.a:")
    assert attribution(parent, "{unknown} says") == "{unknown} says"  # type: ignore[arg-type]
    assert attribution(parent, "{name!z}") == "Ann Example wrote:"  # type: ignore[arg-type]
    assert quoted_body(parent).startswith("Ann Example wrote:\n> Hello there.\n")  # type: ignore[arg-type]


def test_signature() -> None:
    assert with_signature("text", "me\n") == "text\n\n-- \nme\n"
    assert with_signature("text", "") == "text"


def test_crosspost_warning() -> None:
    assert crosspost_warning("a.b") == ""
    assert "without Followup-To" in crosspost_warning("a.b, c.d")
    assert crosspost_warning("a.b,c.d", "a.b") == ""
    assert "5 groups" in crosspost_warning("a,b,c,d,e", "a")


def test_editor_round_trip_and_garbage_keeps_the_text() -> None:
    headers = {"From": "me@x.net", "Newsgroups": "a.b", "Subject": "s"}
    text = editor_text(headers, "body\n\nmore\n")
    assert parse_editor_text(text, {}) == (headers, "body\n\nmore\n")
    edited = text.replace("Subject: s", "Subject: new\n  folded")
    assert parse_editor_text(edited, {})[0]["Subject"] == "new folded"
    assert parse_editor_text("no headers here\n\nbody", headers) == (headers, "no headers here\n\nbody")


def test_compose_and_mail_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[compose]\nfrom = "Me <me@x.net>"\nsignature_file = "~/sig"\n'
                    'attribution = "{name} wrote:"\neditor = "vi"\n[mail]\nmbox = "~/out.mbox"\n')
    config = load_config(path)
    assert config.compose.from_address == "Me <me@x.net>" and config.compose.editor == "vi"
    assert config.mail.mbox == "~/out.mbox" and posting.from_address(config.compose) == "Me <me@x.net>"
    path.write_text("[compose]\nsignatur_file = \"x\"\n")
    with pytest.raises(ConfigError, match=r"config.toml:2: compose.signatur_file: unknown key \(did you mean 'signature_file'"):
        load_config(path)


def test_editor_and_signature_lookup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.config import ComposeConfig

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert posting.editor_command(ComposeConfig()) == []
    monkeypatch.setenv("EDITOR", "nano -w")
    monkeypatch.setenv("VISUAL", "vim")
    assert posting.editor_command(ComposeConfig()) == ["vim"]
    assert posting.editor_command(ComposeConfig(editor="emacs -nw")) == ["emacs", "-nw"]
    text, problem = posting.load_signature(ComposeConfig(signature_file=str(tmp_path / "none")))
    assert text == "" and "none" in problem


def test_mail_goes_to_the_mbox(tmp_path: Path) -> None:
    import mailbox

    from store.config import MailConfig

    raw = posting.mail_bytes([("From", "me@x.net"), ("To", "ann@example.org"), ("Subject", "Grüße")], "hé\n")
    delivered = posting.deliver(raw, MailConfig(mbox=str(tmp_path / "out.mbox")))
    assert delivered.how == "mbox"
    messages = list(mailbox.mbox(str(tmp_path / "out.mbox")))
    assert len(messages) == 1 and messages[0]["To"] == "ann@example.org"
    assert messages[0].get_payload(decode=True) == "hé\n".encode()


def test_sendmail_gets_the_message(tmp_path: Path) -> None:
    from store.config import MailConfig

    target = tmp_path / "piped"
    posting.deliver(b"To: a@b.c\n\nhi\n", MailConfig(sendmail=f"sh -c 'cat > {target}'"))
    assert target.read_bytes() == b"To: a@b.c\n\nhi\n"
    with pytest.raises(Exception, match="failed"):
        posting.deliver(b"x", MailConfig(sendmail="false"))


def test_followup_note_says_where_followup_to_sends_it() -> None:
    from app.compose_text import followup_note

    moved: Any = article("Followup-To: comp.b\n")  # posted to comp.a,comp.b
    assert followup_note(moved, "comp.a") == "Followup-To: comp.b — your follow-up goes to comp.b, not comp.a, comp.b"
    assert followup_note(article("Followup-To: comp.b, comp.a\n"), "comp.a") == ""  # type: ignore[arg-type]
    assert followup_note(article(), "comp.a") == ""  # type: ignore[arg-type]
    assert "goes by mail" in followup_note(article("Followup-To: Poster\n"), "comp.a")  # type: ignore[arg-type]
