"""pith: command line entry point. Parses arguments, builds the source, runs the TUI or a command.

Every failure the user can cause or meet (server down, unknown group, bad
address) ends here as one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from nntp.errors import PithError
from store.library import Library

EXIT_USAGE = 2

COMMANDS = ("read", "demo", "groups", "threads", "article")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pith",
        description="A terminal newsreader. With no command, `pith` is `pith read`.",
    )
    parser.add_argument("--server", metavar="HOST[:PORT]",
                        help="NNTP server (default: $NNTPSERVER); nntp://HOST:PORT works too")
    parser.add_argument("--archive", metavar="PATH", action="append",
                        help="read an mbox archive instead of a server (repeatable)")
    parser.add_argument("--offline", action="store_true", help="use only what is cached locally")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the server")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    read = sub.add_parser("read", help="open the reader (optionally straight into a group or article)")
    read.add_argument("group", nargs="?", help="group to open")
    read.add_argument("article", nargs="?", help="article number or <message-id> to open")

    sub.add_parser("demo", help="the reader on the built-in sample (no server, no network)")

    groups = sub.add_parser("groups", help="list the server's groups")
    groups.add_argument("--json", action="store_true", help="print JSON")

    threads = sub.add_parser("threads", help="print a group's thread trees")
    threads.add_argument("group")
    threads.add_argument("--json", action="store_true", help="print JSON")
    threads.add_argument("--quiet", action="store_true", help="no progress on stderr")

    article = sub.add_parser("article", help="print one article, decoded and sanitized")
    article.add_argument("group")
    article.add_argument("key", metavar="NUMBER|<msgid>")
    article.add_argument("--json", action="store_true", help="print JSON")
    article.add_argument("--raw", action="store_true", help="the article as sent (sanitized)")
    return parser


def open_library_factory(args: argparse.Namespace) -> tuple[Callable[[], Library], str]:
    """A function that builds the Library (run it on the thread that will own it), and a title."""
    from nntp.archive import ArchiveSource
    from store.cache import Store, store_path
    from store.paths import data_dir

    if args.command == "demo":
        from sample import SAMPLE_MBOX

        archives = [str(SAMPLE_MBOX)]
    else:
        archives = args.archive or []
    if archives:
        source = ArchiveSource(*archives)  # read once, here: archives are local and read-only
        identity = "demo" if args.command == "demo" else source.identity
        return (lambda: Library(Store(store_path(data_dir(), identity)), lambda: source)), identity

    from nntp.client import NNTPClient, ServerAddress

    server = args.server or os.environ.get("NNTPSERVER", "").strip()
    if not server:
        raise PithError("no server given: use --server HOST[:PORT] or set NNTPSERVER (or try `pith demo`)")
    address = ServerAddress.parse(server)
    timeout = args.timeout

    def open_library() -> Library:
        return Library(
            Store(store_path(data_dir(), address.identity)),
            lambda: NNTPClient(address, timeout=timeout),
            offline=args.offline,
        )

    return open_library, address.identity


def run_command(args: argparse.Namespace) -> int:
    from cli import commands

    handlers = {"groups": commands.cmd_groups, "threads": commands.cmd_threads, "article": commands.cmd_article}
    factory, _ = open_library_factory(args)
    library = factory()
    try:
        return handlers[args.command](library, args, sys.stdout)
    finally:
        library.close()


def run_tui(args: argparse.Namespace) -> int:
    from tui.app import PithApp

    factory, title = open_library_factory(args)
    start_group = getattr(args, "group", None)
    start_article: int | str | None = getattr(args, "article", None)
    if isinstance(start_article, str) and start_article.isdigit():
        start_article = int(start_article)
    PithApp(factory, title=f"pith — {title}", start_group=start_group, start_article=start_article).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "read"
        args.group = args.article = None
    try:
        if args.command in ("read", "demo"):
            return run_tui(args)
        return run_command(args)
    except PithError as exc:
        print(f"pith: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("pith: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
