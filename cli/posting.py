"""`pith post FILE` and `pith outbox`: queue articles and send them, never twice, and say what happened.

The same file (or the same Message-ID) is queued once: giving it again finds
its entry (by a digest of the file's bytes) instead of making a new article
with a new Message-ID. Sending goes through app/posting.py ``flush``, as the
reader's outbox does, so a POST whose reply was lost is looked up on
the server before anything is sent again. The exit status tells a script what
happened (README "Exit status"): 0 sent (or already on the server, or queued
under --offline), 1 not sent (refused, or the server could not be reached),
2 refused before anything was queued.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import TextIO

from app.posting import flush
from cli.running import with_library
from cli.jsonout import write_json
from cli.textout import warn
from nntp.compose import check_article, split_article
from nntp.errors import PithError
from store.config import load_config
from store.control import finish_own
from store.listroute import list_address
from store.library import Library
from store.outbox import OutboxEntry, OutboxState

NOT_SENT = 1


def add_posting_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    post = sub.add_parser("post", help="queue an article file in the outbox and send it when online")
    post.add_argument("file", type=Path)
    post.add_argument("--json", action="store_true", help="print JSON")
    post.set_defaults(handler=with_library(cmd_post))

    outbox = sub.add_parser("outbox", help="list, flush, show or drop queued articles")
    outbox.add_argument("action", nargs="?", default="list", choices=("list", "flush", "show", "drop"))
    outbox.add_argument("id", nargs="?", type=int)
    outbox.add_argument("--json", action="store_true", help="print JSON")
    outbox.set_defaults(handler=with_library(cmd_outbox))


def cmd_post(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    raw = _read(args.file)
    entry = _queued_before(library, raw)
    if entry is None:
        domain = load_config(getattr(args, "config", None)).compose.message_id_domain
        entry_id = library.queue_article(*_checked_article(library, args.file, raw, domain), source_digest=_digest(raw))
    else:
        entry_id = entry.id
        _say(f"{args.file}: already in the outbox as {entry.id} ({entry.state}); not queued again")
    waiting = entry is None or entry.state == OutboxState.QUEUED
    entries, why = flush(library) if waiting else (library.outbox_entries(), "")
    entry = next(e for e in entries if e.id == entry_id)
    _show_entries([entry], args, out)
    return _post_status(entry, why, str(args.file))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PithError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _queued_before(library: Library, raw: bytes) -> OutboxEntry | None:
    """The entry made from this file earlier, or with the Message-ID the file gives."""
    fields, _ = split_article(raw)
    given = next((v.strip() for k, v in fields if k.lower() == "message-id"), "")
    return library.find_queued(_digest(raw), given)


def _checked_article(library: Library, path: Path, raw: bytes, domain: str = "") -> tuple[bytes, str]:
    """The article to queue and its Message-ID, or PithError (exit 2) saying why not, before queuing.

    Group names are checked only against a full group list: groups never listed
    may exist, so the article is queued and the server decides when it is sent.
    """
    fields, body = split_article(raw)
    problems = check_article(fields, library.known_groups())
    if problems:
        raise PithError(f"{path}: not posted: " + "; ".join(problems))
    listed = next((v for k, v in fields if k.lower() == "newsgroups"), "")
    groups = [g.strip() for g in listed.split(",") if g.strip()]
    missing = library.look_up_groups(groups)  # a read-only group's flag, if the server can be asked
    if missing:
        raise PithError(f"{path}: not posted: {', '.join(missing)} does not exist on this server")
    for group in groups or [""]:
        refusal = library.posting_refusal(group)
        if refusal is not None:
            raise PithError(f"{path}: not posted: posting is not allowed here: {refusal}{_mail_hint(library, group)}")
    return finish_own(fields, body, domain=domain)  # with a Cancel-Lock: `pith cancel` works later


def _mail_hint(library: Library, group: str) -> str:
    """Where a read-only list mirror's list takes mail (its description names it, as lore's do)."""
    if not group:
        return ""
    info = library.cached_group(group)
    if info is not None and not info.description and not library.offline:
        try:
            library.groups()  # the descriptions come with the full list (LIST NEWSGROUPS)
        except PithError:
            return ""
    address = list_address(library, group)
    return f"; {group} is a mailing list: mail it to {address}" if address else ""


def _post_status(entry: OutboxEntry, why: str, name: str) -> int:
    """Exit status of `pith post`, with a line on stderr for anything but a clean send."""
    if entry.state in (OutboxState.SENT, OutboxState.MAILED):
        return 0
    if entry.state == OutboxState.QUEUED:
        if why.startswith("offline (--offline)"):
            _say(f"{name}: queued as {entry.id}; `pith outbox flush` sends it")
            return 0
        _say(f"{name}: queued as {entry.id}, not sent: {why or entry.reply}")
        return NOT_SENT
    what = f"send it by mail to {entry.mailto}" if entry.mailto else "kept in the outbox"
    _say(f"{name}: the server refused it: {entry.reply} ({what})")
    return NOT_SENT


def cmd_outbox(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "flush":
        return _flush(library, args, out)
    if args.action in ("show", "drop"):
        entry = library.outbox_entry(args.id) if args.id is not None else None
        if entry is None:
            raise PithError(f"outbox: no entry {args.id} (see `pith outbox list`)")
        if args.action == "drop":
            library.drop_from_outbox(entry.id)
            out.write(f"dropped {entry.id} {entry.message_id}\n")
        else:
            out.write(entry.raw.decode("utf-8", "replace"))
        return 0
    _show_entries(library.outbox_entries(), args, out)
    return 0


def _flush(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    """`pith outbox flush`: 0 when nothing that was queued is left unsent, else 1 and a line why."""
    before = {e.id for e in library.outbox_entries() if e.state == OutboxState.QUEUED}
    entries, why = flush(library)  # the reader's flush too (app/posting.py)
    _show_entries(entries, args, out)
    tried = [e for e in entries if e.id in before]
    left = [e for e in tried if e.state == OutboxState.QUEUED]
    refused = [e for e in tried if e.state in (OutboxState.REFUSED, OutboxState.NEEDS_MAIL)]
    if left:
        _say(f"outbox: {len(left)} article(s) not sent: {why or left[0].reply}")
    if refused:
        _say(f"outbox: {len(refused)} article(s) refused by the server (see `pith outbox list`)")
    return NOT_SENT if left or refused else 0


def _say(line: str) -> None:
    warn(line)  # carries the server's reply text: one sanitized line


def _show_entries(entries: list[OutboxEntry], args: argparse.Namespace, out: TextIO) -> None:
    if getattr(args, "json", False):
        write_json([{"id": e.id, "message_id": e.message_id, "state": e.state, "reply": e.reply,
                    "mailto": e.mailto, "subject": e.header("Subject"), "newsgroups": e.header("Newsgroups")}
                    for e in entries], out, indent=None)
        out.write("\n")
        return
    for e in entries:
        extra = f"  send by mail to {e.mailto}" if e.mailto else ""
        out.write(f"{e.id:>4}  {e.state:<10} {e.message_id}  {e.header('Subject')}  [{e.reply}]{extra}\n")
