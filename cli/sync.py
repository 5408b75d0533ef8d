"""`pith sync`, `pith expire`, `pith search`: the cache from the command line.

Progress goes to stderr: a rich progress bar on a terminal, plain lines when
stderr is a file or a pipe (logs, cron); results go to stdout.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

from cli.running import with_library
from cli.textout import field
from nntp.sanitize import error_line
from nntp.errors import NoSuchGroup, PithError
from store.library import Library
from store.search import SearchHit
from store.sync import expire_and_give_back, parse_size, sync_group


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = sub.add_parser("sync", help="fetch new overviews (and bodies) into the local cache")
    sync.add_argument("groups", nargs="*", metavar="GROUP", help="groups to sync (default: subscribed ones)")
    sync.add_argument("--bodies", action="store_true", help="also fetch the bodies of unread articles")
    sync.add_argument("--days", type=int, metavar="N", help="fetch the bodies of all articles of the last N days")
    sync.add_argument("--quiet", action="store_true", help="no progress on stderr")
    sync.set_defaults(handler=with_library(cmd_sync))

    exp = sub.add_parser("expire", help="drop cached bodies by age or size budget (never read marks)")
    exp.add_argument("groups", nargs="*", metavar="GROUP", help="groups to expire (default: all cached)")
    exp.add_argument("--days", type=int, metavar="N", help="drop bodies of articles older than N days")
    exp.add_argument("--max-size", metavar="SIZE",
                     help="per group, drop the oldest bodies until they take at most SIZE (500M, 2G; "
                          "a body counts with its text in the search index)")
    exp.set_defaults(handler=with_library(cmd_expire))

    search = sub.add_parser("search", help="full-text search of cached headers and bodies")
    search.add_argument("query", help='words (all must match), "a phrase", prefix*, subject:/from:/body:word')
    search.add_argument("--group", metavar="G", help="only this group")
    search.add_argument("--from", dest="author", metavar="ADDR", help="only authors containing ADDR")
    search.add_argument("--since", metavar="DATE", help="only articles dated DATE (YYYY-MM-DD) or later")
    search.add_argument("--limit", type=int, default=50, metavar="N", help="at most N matches (0: all; default 50)")
    search.add_argument("--sort", choices=("date", "rank"), default="date", help="newest first, or best first")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.set_defaults(handler=with_library(cmd_search))


def _is_archive(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "archive", None)) or args.command == "demo"


# -- sync ------------------------------------------------------------------
def cmd_sync(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if _is_archive(args):
        library.import_progress = None if args.quiet else _import_progress()
        library.require_online()
        sys.stderr.write("\r" if not args.quiet and sys.stderr.isatty() else "")
        out.write(f"archive: {library.imported:,} new message(s)\n")
        return 0
    groups = args.groups or library.subscribed()  # read articles' bodies wait (library.read)
    if not groups:
        raise PithError("sync: no subscribed groups; name the groups (pith sync GROUP...) or subscribe first")
    failed = 0
    with _Reporter(args.quiet) as report:
        for group in groups:
            try:
                result = sync_group(library, group, args.bodies, args.days, library.read, report)
            except NoSuchGroup as exc:
                failed += 1
                report.note(f"pith: sync: {exc}")
                continue
            for note in result.notes:
                report.note(f"pith: sync: {note}")
            out.write(result.summary() + "\n")
            out.flush()
    return 2 if failed else 0


def _import_progress() -> Any:
    def report(done: int, _: int) -> None:
        if sys.stderr.isatty():
            sys.stderr.write(f"\rimporting: {done:,} messages")
            sys.stderr.flush()

    return report


class _Reporter:
    """SyncProgress for the terminal (rich bar) or for a log (a line per phase)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.task: Any = None
        self.last: tuple[str, str] | None = None

    def __enter__(self) -> _Reporter:
        if not self.quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("sync", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, phase: str, group: str, done: int, expected: int) -> None:
        if self.quiet:
            return
        if self.bar is not None:
            self.bar.update(self.task, description=f"{field(group)} {phase}", completed=done, total=max(expected, 1))
        elif done >= expected or self.last != (phase, group):
            sys.stderr.write(f"pith: {field(group)}: {phase} {done:,}/{expected:,}\n")
        self.last = (phase, group)

    def note(self, text: str) -> None:
        text = error_line(text)  # server replies inside: one sanitized, clipped line
        if self.bar is not None:
            self.bar.console.print(text, markup=False, highlight=False)
        else:
            sys.stderr.write(text + "\n")


# -- expire ----------------------------------------------------------------
def cmd_expire(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.days is None and args.max_size is None:
        raise PithError("expire: give --days N and/or --max-size SIZE")
    if _is_archive(args):
        out.write("archive: nothing to expire (an archive keeps every body; the archive file is the copy)\n")
        return 0
    try:
        budget = parse_size(args.max_size) if args.max_size is not None else None
    except ValueError as exc:
        raise PithError(f"expire: --max-size: {exc}") from None
    groups = args.groups or [g.name for g in library.groups(refresh=False)]
    dropped = total = 0
    results, space = expire_and_give_back(library, groups, args.days, budget)
    for result in results:
        if result.bodies:
            out.write(f"{result.group}: dropped {result.bodies:,} bodies ({_size(result.bytes)})\n")
        dropped += result.bodies
        total += result.bytes
    out.write(f"expired {dropped:,} bodies ({_size(total)}); overviews and read marks kept\n")
    out.write(f"freed {_size(space.freed)}; store now {_size(space.after)}\n")
    return 0


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GiB"


# -- search ----------------------------------------------------------------
def cmd_search(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if _is_archive(args):
        library.groups(refresh=True)  # import what was appended since the last open
    since = _since(args.since) if args.since else None
    hits = library.search(args.query, group=args.group, author=args.author, since=since,
                          limit=args.limit or None, order=args.sort)
    if args.json:
        from cli.jsonout import write_json  # late: sync and expire never load it

        write_json([hit_json(h) for h in hits], out)
        out.write("\n")
        return 0
    for hit in hits:
        date = hit.date.strftime("%Y-%m-%d") if hit.date else "????-??-??"
        out.write(f"{field(hit.group)} {hit.number}  {date}  {field(hit.subject)} — {field(hit.author)}"
                  f"  {field(hit.message_id)}\n")
        if hit.snippet:
            out.write(f"    {field(hit.snippet)}\n")
    if not hits:
        sys.stderr.write("pith: search: no matches in the cache\n")
    return 0 if hits else 1


def hit_json(hit: SearchHit) -> dict[str, Any]:
    return {"group": hit.group, "number": hit.number, "message_id": hit.message_id, "subject": hit.subject,
            "from": hit.author, "date": hit.date.isoformat() if hit.date else None, "snippet": hit.snippet}


def _since(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise PithError(f"search: --since {text!r}: not a date (use YYYY-MM-DD)") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
