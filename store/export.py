"""Articles as bytes for other tools: the server's exact bytes, mboxrd, a whole thread.

What ``git am``, ``b4``, mutt and ``formail`` need is the article exactly as the
server sent it: 8-bit headers and bodies untouched (a Latin-1 patch decoded and
re-encoded no longer applies). The store keeps every article as the whole ARTICLE
answer (headers and body, dot-unstuffed by the client, lines joined with CRLF;
an archive's message as it is in the file), so the exact bytes come from the
cache as well as from the server. Output uses LF line ends, as mbox files and
``git am`` on Unix expect.

mboxrd (the variant public-inbox and lore serve): a ``From `` line opens each
message, every line matching ``>*From `` gets one more ``>``, and a blank line
closes it, so a reader that strips one ``>`` gets the exact bytes back.

Used by the CLI (``pith article --raw / --mbox [--thread]``) and the reader
(``|`` pipe, ``w`` save); nothing here imports textual or rich.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from nntp.addresses import split_address
from nntp.errors import NoSuchArticle
from nntp.models import Article, Overview
from nntp.charsets import utf8_or_latin1
from nntp.parse import parse_date
from nntp.threads import thread

_FROM_LINE = re.compile(rb"^(>*From )", re.MULTILINE)
_ENVELOPE_SENDER = re.compile(r"[!-~]+@[!-~]+")
"""An address fit for the From_ line: printable ASCII, no spaces."""
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class ArticleSource(Protocol):
    """What fetching a thread needs of the Library (its ``article``)."""

    def article(self, name: str, key: int | str) -> Article: ...


def lf_bytes(raw: bytes) -> bytes:
    """``raw`` with CRLF line ends turned into LF, ending in exactly one line end."""
    data = raw.replace(b"\r\n", b"\n")
    return data if data.endswith(b"\n") or not data else data + b"\n"


def article_bytes(article: Article) -> bytes:
    """The article as the server sent it (headers and body), LF line ends."""
    return lf_bytes(article.raw)


def display_text(data: bytes) -> str:
    """Bytes for a terminal: each line UTF-8, else Latin-1 (mails of both kinds share a thread)."""
    return "\n".join(utf8_or_latin1(line) for line in data.split(b"\n"))


def from_line(article: Article) -> bytes:
    """The mbox separator: ``From sender date``, from the article's From and Date headers.

    A sender that is not a plain ASCII address becomes MAILER-DAEMON and an
    unreadable date the epoch, so the line is always one mbox readers accept.
    """
    _, address = split_address(article.header("From"))
    sender = address if _ENVELOPE_SENDER.fullmatch(address) else "MAILER-DAEMON"
    when = (parse_date(article.header("Date")) or EPOCH).astimezone(timezone.utc)
    return f"From {sender} {when:%a %b} {when.day:2d} {when:%H:%M:%S %Y}\n".encode("ascii")


def mboxrd_quote(data: bytes) -> bytes:
    """One more ``>`` on every line matching ``>*From `` (mboxrd: reversible, unlike mboxo)."""
    return _FROM_LINE.sub(rb">\1", data)


def mboxrd_unquote(data: bytes) -> bytes:
    """The inverse of :func:`mboxrd_quote` (for tests and for reading mboxrd back)."""
    return re.sub(rb"^>(>*From )", rb"\1", data, flags=re.MULTILINE)


def mbox_entry(article: Article) -> bytes:
    """One mboxrd message: From_ line, the quoted exact bytes, a closing blank line."""
    return from_line(article) + mboxrd_quote(article_bytes(article)) + b"\n"


def to_mboxrd(articles: Iterable[Article]) -> bytes:
    """Several articles as one mboxrd, in the order given."""
    return b"".join(mbox_entry(article) for article in articles)


def thread_of(overviews: Sequence[Overview], message_id: str,
              root_of: Mapping[str, str] | None = None) -> list[Overview]:
    """The articles of the thread holding ``message_id``, in thread order (depth-first, by date).

    ``root_of`` (Message-ID -> its thread root, as the reader keeps it) narrows the
    threading to that one thread; without it the whole group is threaded. An
    article not in ``overviews`` gives an empty list.
    """
    if root_of is not None:
        root = root_of.get(message_id, message_id)
        overviews = [o for o in overviews if root_of.get(o.message_id, o.message_id) == root]
    for node in thread(overviews):
        members = list(node.articles())
        if any(member.message_id == message_id for member in members):
            return members
    return []


def fetch_thread(source: ArticleSource, group: str, members: Iterable[Overview]) -> tuple[list[Article], list[str]]:
    """Every member's article (cached, else fetched and cached); -> (articles, one note per one gone)."""
    articles: list[Article] = []
    notes: list[str] = []
    for member in members:
        try:
            articles.append(source.article(group, member.number))
        except NoSuchArticle as exc:
            notes.append(f"{group}: article {member.number} {member.message_id}: left out ({exc})")
    return articles, notes


def append_mbox(path: Path, data: bytes) -> None:
    """Append mbox ``data`` to ``path`` (created 0600 if new), under an flock as mutt and procmail take.

    A file that does not end in a blank line gets one first, so the new From_
    line starts a message of its own.
    """
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "ab") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write(_separator(path) + data)
            handle.flush()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _separator(path: Path) -> bytes:
    """What must come before a new message so it starts after a blank line."""
    size = path.stat().st_size
    if size == 0:
        return b""
    with path.open("rb") as handle:
        handle.seek(max(0, size - 2))
        tail = handle.read()
    return b"" if tail.endswith(b"\n\n") else (b"\n" if tail.endswith(b"\n") else b"\n\n")
