"""Read state from the command line: subscribe, unsubscribe, .newsrc import/export, catch-up."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

from cli.commands import with_library
from cli.jsonout import write_json
from nntp.compose import check_article, finish_article, split_article
from nntp.errors import NoSuchGroup, PithError
from store.library import Library
from store.newsrc import read_newsrc, write_newsrc
from store.outbox import Outbox, OutboxEntry
from store.readstate import ReadState


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    add_posting_commands(sub)
    for name, flag in (("subscribe", True), ("unsubscribe", False)):
        parser = sub.add_parser(name, help=f"{name} to a group (kept per server)")
        parser.add_argument("group")
        parser.set_defaults(handler=with_library(_subscriber(flag)))

    newsrc = sub.add_parser("newsrc", help="import or export a slrn/tin/trn .newsrc")
    newsrc.add_argument("action", choices=("import", "export"))
    newsrc.add_argument("path", type=Path)
    newsrc.set_defaults(handler=with_library(cmd_newsrc))

    catchup = sub.add_parser("catchup", help="mark a group's articles read")
    catchup.add_argument("group")
    catchup.add_argument("--older-than", type=float, metavar="DAYS", help="only articles older than DAYS")
    catchup.add_argument("--json", action="store_true", help="print JSON")
    catchup.set_defaults(handler=with_library(cmd_catchup))


def _subscriber(flag: bool):  # type: ignore[no-untyped-def]
    def command(library: Library, args: argparse.Namespace, out: TextIO) -> int:
        known = {g.name for g in library.store.groups()}
        if known and args.group not in known:
            raise NoSuchGroup(f"{args.group}: no such group in the cached group list (run `pith groups` first)")
        ReadState(library.store.db).subscribe(args.group, flag)
        out.write(f"{'subscribed to' if flag else 'unsubscribed from'} {args.group}\n")
        return 0

    return command


def cmd_newsrc(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    state = ReadState(library.store.db)
    if args.action == "import":
        entries = read_newsrc(args.path)  # raises with file:line before anything is written
        state.import_entries(entries)
        out.write(f"imported {len(entries)} groups from {args.path}\n")
    else:
        entries = state.entries()
        write_newsrc(args.path, entries)
        out.write(f"exported {len(entries)} groups to {args.path}\n")
    return 0


def cmd_catchup(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    load = library.enter_group(args.group)
    state = ReadState(library.store.db)
    if args.older_than is None:
        numbers = [o.number for o in load.overviews]
        state.mark_through(args.group, load.group.high)
    else:
        cutoff = datetime.now(timezone.utc) - timedelta(days=args.older_than)
        numbers = [o.number for o in load.overviews if o.date is not None and o.date < cutoff]
        state.mark_read(args.group, numbers)
    unread = state.unread_count(load.group)
    if args.json:
        write_json({"group": args.group, "marked": len(numbers), "unread": unread}, out,
                   indent=None, ensure_ascii=True)
        out.write("\n")
    else:
        out.write(f"{args.group}: marked {len(numbers):,} read, {unread:,} unread\n")
    return 0


def add_posting_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    try:
        raw = args.file.read_bytes()
    except OSError as exc:
        raise PithError(f"{args.file}: cannot read: {exc.strerror or exc}") from None
    fields, body = split_article(raw)
    known = {g.name for g in library.store.groups()} or None
    problems = check_article(fields, known)
    if problems:
        raise PithError(f"{args.file}: not posted: " + "; ".join(problems))
    if library.read_only:  # the reader's own word: nothing goes to the outbox of a read-only server
        raise PithError(f"{args.file}: not posted: posting is not allowed here: {library.posting_refusal()}")
    article, message_id = finish_article(fields, body)
    outbox = Outbox(library.store.db)
    entry_id = outbox.add(article, message_id)
    entries = _flush(library, outbox)
    entry = next(e for e in entries if e.id == entry_id)
    _show_entries([entry], args, out)
    return 0 if entry.state in ("sent", "queued") else 1


def _flush(library: Library, outbox: Outbox) -> list[OutboxEntry]:
    """Send what is queued if a live server can take posts; otherwise keep it queued."""
    if library.offline:
        return outbox.entries()
    try:
        source = library.source
    except PithError:
        return outbox.entries()
    post = getattr(source, "post", None)
    if post is None:
        return outbox.entries()  # a read-only archive: nothing to send to
    return outbox.flush(post)


def cmd_outbox(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    outbox = Outbox(library.store.db)
    if args.action == "flush":
        _show_entries(_flush(library, outbox), args, out)
        return 0
    if args.action in ("show", "drop"):
        entry = outbox.get(args.id) if args.id is not None else None
        if entry is None:
            raise PithError(f"outbox: no entry {args.id} (see `pith outbox list`)")
        if args.action == "drop":
            outbox.drop(entry.id)
            out.write(f"dropped {entry.id} {entry.message_id}\n")
        else:
            out.write(entry.raw.decode("utf-8", "replace"))
        return 0
    _show_entries(outbox.entries(), args, out)
    return 0


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
