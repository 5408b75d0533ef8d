"""Read state from the command line: subscribe, unsubscribe, .newsrc import/export, catch-up."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

from cli.columnar import numbers_dated_before
from cli.running import with_library
from cli.jsonout import write_json
from cli.posting import add_posting_commands
from store.library import Library
from store.newsrc import read_newsrc, write_newsrc


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def _subscriber(flag: bool) -> Callable[[Library, argparse.Namespace, TextIO], int]:
    """`pith subscribe` (``flag``) or `pith unsubscribe`: one command body for both."""
    def command(library: Library, args: argparse.Namespace, out: TextIO) -> int:
        if flag:
            library.check_group(args.group)  # the cache's word, else the server's (GROUP), else refused
        library.subscribe(args.group, flag)
        out.write(f"{'subscribed to' if flag else 'unsubscribed from'} {args.group}\n")
        return 0

    return command


def cmd_newsrc(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "import":
        entries = read_newsrc(args.path)  # raises with file:line before anything is written
        library.import_newsrc(entries)
        out.write(f"imported {len(entries)} groups from {args.path}\n")
    else:
        entries = library.newsrc_entries()
        write_newsrc(args.path, entries)
        out.write(f"exported {len(entries)} groups to {args.path}\n")
    return 0


def cmd_catchup(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    load = library.enter_group(args.group)
    if args.older_than is None:
        marked = len(load.overviews)
        library.catch_up(load.group)  # the reader's catch-up: the same high-water mark
    else:
        cutoff = datetime.now(timezone.utc) - timedelta(days=args.older_than)
        numbers = numbers_dated_before(load.overviews, cutoff)  # from the columns: no record per article
        library.mark_read(args.group, numbers)
        marked = len(numbers)
    unread = library.unread_count(load.group)
    if args.json:
        write_json({"group": args.group, "marked": marked, "unread": unread}, out,
                   indent=None, ensure_ascii=True)
        out.write("\n")
    else:
        out.write(f"{args.group}: marked {marked:,} read, {unread:,} unread\n")
    return 0
