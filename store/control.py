"""Cancel and supersede your own articles (RFC 5537 5.3, 5.4): the use cases behind
``pith cancel`` / ``pith supersede`` and the reader's keys.

A cancel is an ordinary article (``Control: cancel <id>``, ``Subject: cmsg cancel
<id>``, the original's Newsgroups, my From), built by nntp.compose like any post
and sent through the outbox, so offline it waits there. A supersede is a new
article with ``Supersedes: <id>``. Both are refused here, before anything is
queued, unless the original's From is my address (store.identity).

Servers withdraw an article only for its poster: every article pith posts
carries a Cancel-Lock made from a local secret (``cancel-lock.key`` in the data
directory, 0600), and a cancel or supersede carries the matching Cancel-Key
(nntp.cancellock, RFC 8315).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from nntp.addresses import split_address
from nntp.cancellock import key_header, lock_header
from nntp.compose import check_article, finish_article, make_message_id, split_article
from nntp.errors import NoSuchArticle, PithError, SourceUnavailable
from nntp.models import Article
from store.identity import is_mine
from store.library import Library
from store.outbox import Outbox, OutboxEntry, send_queued
from store.paths import data_dir, private_file, private_umask

Fields = list[tuple[str, str]]
SECRET_FILE = "cancel-lock.key"
CANCEL_BODY = "This article was cancelled by its author.\n"


@dataclass(frozen=True)
class Sent:
    """What became of a cancel or supersede: its outbox entry, and why it was not sent ("" if it was)."""

    entry: OutboxEntry
    why: str


# -- the secret and the lock ----------------------------------------------------
def cancel_secret(folder: Path | None = None) -> bytes:
    """The local Cancel-Lock secret, made (0600) on first use; PithError if it cannot be read or made."""
    path = (folder or data_dir()) / SECRET_FILE
    try:
        if not path.exists():
            private_file(path)
            with private_umask():
                path.write_bytes(secrets.token_hex(32).encode("ascii") + b"\n")
        secret = path.read_bytes().strip()
    except OSError as exc:
        raise PithError(f"{path}: cannot keep the Cancel-Lock secret: {exc.strerror or exc}") from None
    if len(secret) < 16:
        raise PithError(f"{path}: the Cancel-Lock secret is too short; delete the file to make a new one")
    return secret


def finish_own(fields: Fields, body: bytes, secret: bytes | None = None,
               domain: str = "") -> tuple[bytes, str]:
    """finish_article, with a Cancel-Lock so that only I can cancel or supersede it later; the
    Message-ID's right-hand side is ``domain`` ([compose] message_id_domain) or the From's domain."""
    given = _value(fields, "Message-ID")
    message_id = given or make_message_id(domain or _domain(_value(fields, "From")))
    secret, fields = secret or cancel_secret(), list(fields)
    if not _value(fields, "Cancel-Lock"):
        fields.append(("Cancel-Lock", lock_header(secret, message_id)))
    target = _value(fields, "Supersedes")
    if target and not _value(fields, "Cancel-Key"):  # the key that opens the superseded one's lock
        fields.append(("Cancel-Key", key_header(secret, target)))
    return finish_article(fields, body, message_id=message_id)


# -- building -------------------------------------------------------------------------
def check_mine(original: Article, me: str) -> None:
    """PithError unless the original's From is my address: only the poster may withdraw it."""
    author = original.header("From")
    if not is_mine(author, me):
        _, theirs = split_address(author)
        raise PithError(f"{original.message_id}: not yours: it is from {theirs or author or 'nobody'}, "
                        f"you are {split_address(me)[1] or me} ([compose] from, else $EMAIL)")


def cancel_fields(original: Article, me: str, secret: bytes) -> Fields:
    """The header of a cancel of ``original`` (RFC 5537 5.3)."""
    target = original.message_id
    return [("From", me), ("Newsgroups", _groups(original)), ("Subject", f"cmsg cancel {target}"),
            ("Control", f"cancel {target}"), ("Cancel-Key", key_header(secret, target))]


def supersede_fields(original: Article, raw: bytes, me: str) -> tuple[Fields, bytes]:
    """The header and body of the article that supersedes ``original`` (RFC 5537 5.4).

    The file may leave out From (mine) and Newsgroups (the original's).
    """
    fields, body = split_article(raw)
    drop = {"supersedes", "cancel-key", "message-id", "control"}
    fields = [(k, v) for k, v in fields if k.lower() not in drop]
    if not _value(fields, "From"):
        fields.insert(0, ("From", me))
    if not _value(fields, "Newsgroups"):
        fields.append(("Newsgroups", _groups(original)))
    return [*fields, ("Supersedes", original.message_id)], body  # finish_own adds the Cancel-Key


def supersede_draft(original: Article, me: str) -> dict[str, str]:
    """The composer's headers for rewriting my article ``original`` (its body is the draft's)."""
    check_mine(original, me)
    headers = {"From": original.header("From") or me, "Newsgroups": _groups(original),
               "Subject": original.header("Subject"), "Followup-To": original.header("Followup-To")}
    if original.header("References"):
        headers["References"] = original.header("References")
    return {**headers, "Supersedes": original.message_id}


# -- the use cases ----------------------------------------------------------------------
def cancel(library: Library, message_id: str, me: str) -> Sent:
    """Queue and send a cancel of my article ``message_id``; PithError (nothing queued) if it is not mine."""
    original = _original(library, message_id)
    check_mine(original, me)
    secret = cancel_secret()
    raw, mid = finish_own(cancel_fields(original, me, secret), CANCEL_BODY.encode(), secret)
    return _queue_and_send(library, raw, mid)


def supersede(library: Library, message_id: str, raw: bytes, me: str, name: str = "the new article") -> Sent:
    """Queue and send ``raw`` (an article file) as the replacement of my article ``message_id``."""
    original = _original(library, message_id)
    check_mine(original, me)
    secret = cancel_secret()
    fields, body = supersede_fields(original, raw, me)
    if not is_mine(_value(fields, "From"), me):
        raise PithError(f"{name}: its From must be yours ({split_address(me)[1] or me}), as the original's is")
    problems = check_article(fields, library.known_groups())
    if problems:
        raise PithError(f"{name}: not posted: " + "; ".join(problems))
    return _queue_and_send(library, *finish_own(fields, body, secret))


def _original(library: Library, message_id: str) -> Article:
    wanted = message_id.strip()
    if not (wanted.startswith("<") and wanted.endswith(">") and "@" in wanted):
        raise PithError(f"{message_id!r} is not a Message-ID (it looks like <part@domain>)")
    try:
        return library.article("", wanted)
    except NoSuchArticle as exc:
        reply = str(exc).rpartition(": ")[2]
        raise NoSuchArticle(f"{wanted}: not found, so there is nothing to cancel or supersede ({reply})") from None


def _queue_and_send(library: Library, raw: bytes, message_id: str) -> Sent:
    entry_id = Outbox(library.store.db).add(raw, message_id)
    try:
        entries, why = send_queued(library)
    except SourceUnavailable as exc:
        entries, why = Outbox(library.store.db).entries(), str(exc)
    return Sent(next(e for e in entries if e.id == entry_id), why)


def _groups(original: Article) -> str:
    return ",".join(g.strip() for g in original.header("Newsgroups").split(",") if g.strip())


def _value(fields: Fields, name: str) -> str:
    return next((v.strip() for k, v in fields if k.lower() == name.lower()), "")


def _domain(from_value: str) -> str | None:
    _, address = split_address(from_value)
    return address.rpartition("@")[2].lower() or None
