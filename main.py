"""pith: command line entry point. Parses arguments, builds the source, runs the TUI or a command.

Every failure the user can cause or meet (server down, unknown group, bad
address, a changed certificate) ends here as one line on stderr and an exit
status that says which kind it was (cli/exitcodes.py), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from nntp.errors import PithError
from cli.exitcodes import BUG, INTERRUPTED, USAGE, exit_status_for
from cli.lazy import add_commands
from cli.textout import text_output
from nntp.sanitize import error_line
from store.errors import describe_local_failure

if TYPE_CHECKING:
    from tui.app import PithApp

EXIT_USAGE = USAGE


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Every command (``argv`` None), or only what ``argv``'s command needs (cli/lazy.py: start-up time)."""
    parser = argparse.ArgumentParser(
        prog="pith",
        description="A terminal newsreader. With no command, `pith` is `pith read`.",
    )
    parser.add_argument("--version", action=VersionAction, help="print pith's version and exit")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    read = sub.add_parser("read", help="open the reader (optionally straight into a group or article)")
    read.add_argument("group", nargs="?", help="group to open")
    read.add_argument("article", nargs="?", help="article number or <message-id> to open")

    sub.add_parser("demo", help="the reader on the built-in sample (no server, no network)")

    add_commands(sub, argv)  # each command parser sets handler(args, out) -> int
    _global_options_everywhere(parser)
    return parser


class VersionAction(argparse.Action):
    """``--version``, looked up only when asked for: the package metadata costs every start ~20 ms."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from nntp.version import pith_version

        print(f"pith {pith_version()}")
        parser.exit()


def add_global_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """--server, --archive, --offline, --timeout, --config, --verbose.

    Added to every subcommand too (``suppress``: no default there), so that
    ``pith threads G --server X`` works as ``pith --server X threads G`` does; a
    subcommand's parser without defaults never clobbers what was given before it.
    """
    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    parser.add_argument("--server", metavar="SERVER", default=default(None),
                        help="a [servers.NAME] from config.toml, HOST[:PORT], nntp://HOST:PORT or "
                             "nntps://HOST:PORT (default: $NNTPSERVER and $NNTPPORT, then default_server, "
                             "then /etc/nntpserver)")
    parser.add_argument("--archive", metavar="PATH", action="append", default=default(None),
                        help="read a list archive (mbox, .gz/.xz, Maildir, pipermail dir) instead of a server "
                             "(repeatable)")
    parser.add_argument("--offline", action="store_true", default=default(False),
                        help="use only what is cached locally")
    parser.add_argument("--timeout", type=float, default=default(None),
                        help="seconds any command may wait for the server (default 30, or the config's)")
    parser.add_argument("--config", metavar="PATH", default=default(None),
                        help="config file (default: the user config dir's config.toml)")
    parser.add_argument("--verbose", action="store_true", default=default(False),
                        help="report bytes on the wire and compression")


def _global_options_everywhere(parser: argparse.ArgumentParser) -> None:
    """Every subcommand (and sub-subcommand, as ``rules check``) also takes the global options."""
    stack = [parser]
    while stack:
        for action in stack.pop()._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child in dict.fromkeys(action.choices.values()):  # aliases share a parser
                    add_global_options(child, suppress=True)
                    stack.append(child)


def run_command(args: argparse.Namespace) -> int:
    return int(args.handler(args, text_output(args, sys.stdout)))


def run_tui(args: argparse.Namespace) -> int:
    """The reader. Until its first frame, the garbage collector waits and dataclass methods come compiled
    (cli/launch.py); its modules load here, not at main's import, so that both apply to them."""
    from cli.launch import Launch

    with Launch() as launch:
        _reader_app(args, on_first_frame=launch.first_frame).run()
    return 0


def _reader_app(args: argparse.Namespace, on_first_frame: Callable[[], None]) -> PithApp:
    from cli.context import open_library_factory
    from store.config import load_config
    from tui.app import PithApp

    config = load_config(getattr(args, "config", None))
    factory, title = open_library_factory(args)
    start_group = getattr(args, "group", None)
    start_article: int | str | None = getattr(args, "article", None)
    if isinstance(start_article, str) and start_article.isdigit():
        start_article = int(start_article)
    return PithApp(factory, title=f"pith — {title}", start_group=start_group, start_article=start_article,
                   config=config, server=title, on_first_frame=on_first_frame)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    if args.command is None:
        args.command = "read"
        args.group = args.article = None
    try:
        if args.command in ("read", "demo"):
            return run_tui(args)
        return run_command(args)
    except PithError as exc:
        print(f"pith: {error_line(exc)}", file=sys.stderr)
        return exit_status_for(exc)
    except KeyboardInterrupt:
        print("pith: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, the traceback only on request
        if (local := describe_local_failure(exc)) is not None:  # disk full, read-only store: not a bug
            print(f"pith: {local}", file=sys.stderr)
            return EXIT_USAGE
        if os.environ.get("PITH_DEBUG"):
            raise
        print(f"pith: internal error: {error_line(f'{type(exc).__name__}: {exc}')} (set PITH_DEBUG=1 for details)",
              file=sys.stderr)
        return BUG


if __name__ == "__main__":
    sys.exit(main())
