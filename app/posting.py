"""The I/O side of composing, without textual: the outbox flush, mail, the editor, the signature.

Drafts live in store/draftbox.py (a connection of their own, so an autosave never
waits on the session thread). Sending goes through the session thread like every
other network call.
"""

from __future__ import annotations

import mailbox
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from nntp.compose import build_mail, split_article
from nntp.errors import PithError, SourceUnavailable
from store.config import ComposeConfig, MailConfig
from store.identity import from_address as from_address  # who I am: one answer for all
from store.library import Library
from store.outbox import OutboxEntry, send_queued
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


# -- the outbox (session thread: these take the Library) --------------------
def entries(library: Library) -> list[OutboxEntry]:
    """Everything in the outbox (session thread)."""
    return library.outbox_entries()


def flush(library: Library) -> tuple[list[OutboxEntry], str]:
    """Send what is queued: (entries after the attempt, why nothing went out, or "").

    The one flush of the reader (f in the outbox, ctrl+s, what an earlier run left
    queued) and of the CLI (`pith post`, `pith outbox flush`), over store/outbox.py
    ``send_queued``. An unreachable server leaves everything queued and says why; a
    TLS or login failure (SecurityFailure) is not that, and goes up.
    """
    try:
        return send_queued(library)
    except SourceUnavailable as exc:
        return library.outbox_entries(), str(exc)


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
