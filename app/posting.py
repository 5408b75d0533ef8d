"""The I/O side of composing, without textual: drafts, the outbox, mail, the editor, the signature.

Drafts are written through a SQLite connection of the composer's own (the store
is in WAL mode), not through the session thread: an autosave must not wait
behind a 150,000-article overview fetch, and the save on exit must work while
the app is tearing its session down. Sending goes through the session thread
like every other network call.
"""

from __future__ import annotations

import mailbox
import os
import shlex
import sqlite3
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from nntp.compose import build_mail, split_article
from nntp.errors import PithError
from store.config import ComposeConfig, MailConfig
from store.identity import from_address as from_address  # who I am: one answer for all
from store.library import Library
from store.outbox import Drafts, Outbox, OutboxEntry, send_queued
from store.paths import data_dir, private_file, private_umask

SENDMAIL_TIMEOUT = 60
DEFAULT_SENDMAIL = "/usr/sbin/sendmail"
"""Used (with ``-t -i``) when ``[mail] sendmail`` is unset and the file exists (tests point it elsewhere)."""


def load_signature(config: ComposeConfig) -> tuple[str, str]:
    """(signature text, problem): a missing or unreadable file is a problem line, not an error."""
    if not config.signature_file:
        return "", ""
    path = Path(config.signature_file).expanduser()
    try:
        return path.read_text(encoding="utf-8", errors="replace"), ""
    except OSError as exc:
        return "", f"compose.signature_file: {path}: {exc.strerror or exc}"


def editor_command(config: ComposeConfig) -> list[str]:
    """``[compose] editor``, else $VISUAL, else $EDITOR, as argv; [] means the built-in editor."""
    for value in (config.editor, os.environ.get("VISUAL", ""), os.environ.get("EDITOR", "")):
        if value.strip():
            try:
                return shlex.split(value)
            except ValueError:
                return [value.strip()]
    return []


class DraftBox:
    """Drafts of one store through a connection of their own; safe from any thread (one lock)."""

    def __init__(self, store_path: Path) -> None:
        self.path = store_path
        self._lock = threading.Lock()
        try:
            db = sqlite3.connect(str(store_path), check_same_thread=False, isolation_level=None, timeout=10)
            db.execute("PRAGMA busy_timeout=10000")
            self._drafts = Drafts(db)
        except sqlite3.Error as exc:
            raise PithError(f"{store_path}: cannot keep drafts here ({exc})") from None

    def save(self, draft_id: int | None, headers: dict[str, str], body: str) -> int:
        with self._lock:
            return self._drafts.save(draft_id, headers, body)

    def load(self, draft_id: int) -> tuple[dict[str, str], str] | None:
        with self._lock:
            return self._drafts.load(draft_id)

    def listing(self) -> list[tuple[int, dict[str, str], str]]:
        """Every draft, newest first: (id, headers, body)."""
        with self._lock:
            found = [(i, self._drafts.load(i)) for i in self._drafts.ids()]
        return [(i, item[0], item[1]) for i, item in found if item is not None]

    def delete(self, draft_id: int) -> None:
        with self._lock:
            self._drafts.delete(draft_id)

    def close(self) -> None:
        with self._lock:
            self._drafts.db.close()


# -- the outbox (session thread: these take the Library) --------------------
def queue(library: Library, raw: bytes, message_id: str) -> int:
    return Outbox(library.store.db).add(raw, message_id)


def entries(library: Library) -> list[OutboxEntry]:
    return Outbox(library.store.db).entries()


def flush(library: Library) -> tuple[list[OutboxEntry], str]:
    """Send what is queued (store/outbox.py send_queued, shared with the CLI)."""
    return send_queued(library)


# -- mail ---------------------------------------------------------------------
@dataclass(frozen=True)
class Delivered:
    """Where a mail went: ``how`` is "mbox" or "sendmail"; ``where`` the file or command."""

    how: str
    where: str
    fallback: bool = False
    """Appended to the mbox only because no sendmail was set or found: the mail has not left."""


def mail_outcome(to: str, delivered: Delivered) -> str:
    """One line on where a mail went; an mbox append for want of a sendmail says it plainly."""
    if delivered.how == "sendmail":
        return f"mail to {to} handed to sendmail"
    if delivered.fallback:
        return (f"mail to {to} NOT sent: no sendmail here, so it was appended to {delivered.where} "
                "(set [mail] sendmail to send mail)")
    return f"mail to {to} appended to {delivered.where}"


def mail_bytes(fields: list[tuple[str, str]], body: str) -> bytes:
    """A whole RFC 5322 message, built by nntp.compose as articles are (addresses kept in clear)."""
    return build_mail(fields, body)


# The MIME headers stay: the body is passed on as encoded (quoted-printable for long lines).
_NOT_FOR_MAIL = {"newsgroups", "followup-to", "path", "xref"}


def article_as_mail(raw: bytes, to: str) -> bytes:
    """A queued article re-addressed to ``to`` (a read-only server's mailto:), Message-ID kept."""
    fields, body = split_article(raw)
    kept = [(name, value) for name, value in fields if name and name.lower() not in _NOT_FOR_MAIL]
    return mail_bytes([("To", to), *kept], body.decode("utf-8", "replace"))


def default_mbox() -> Path:
    return data_dir() / "outgoing.mbox"


def sendmail_command(config: MailConfig) -> str:
    """``[mail] sendmail``; unset, ``/usr/sbin/sendmail -t -i`` where it exists and no ``[mail] mbox``
    was chosen instead; "" means the mbox."""
    if config.sendmail.strip():
        return config.sendmail
    if not config.mbox and Path(DEFAULT_SENDMAIL).exists():
        return f"{DEFAULT_SENDMAIL} -t -i"
    return ""


def deliver(raw: bytes, config: MailConfig) -> Delivered:
    """Pipe to sendmail (sendmail_command) when there is one, else append to the mbox; PithError says why not."""
    command = sendmail_command(config)
    if command:
        return _sendmail(raw, command)
    path = Path(config.mbox).expanduser() if config.mbox else default_mbox()
    try:
        private_file(path)
        with private_umask():  # mail you wrote: 0600, like the store
            box = mailbox.mbox(str(path))
        box.lock()
        try:
            box.add(mailbox.mboxMessage(raw))
            box.flush()
        finally:
            box.unlock()
            box.close()
    except (OSError, mailbox.Error) as exc:
        raise PithError(f"{path}: cannot append the mail: {getattr(exc, 'strerror', None) or exc}") from None
    return Delivered("mbox", str(path), fallback=not config.mbox)


def _sendmail(raw: bytes, command: str) -> Delivered:
    try:
        argv = shlex.split(command)
        done = subprocess.run(argv, input=raw.replace(b"\r\n", b"\n"), capture_output=True,
                              timeout=SENDMAIL_TIMEOUT, check=False)
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise PithError(f"mail.sendmail {command!r}: {exc}") from None
    if done.returncode != 0:
        words = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PithError(f"mail.sendmail {command!r} failed ({done.returncode}): {words[-1] if words else ''}")
    return Delivered("sendmail", command)
