"""Scripting commands: the same Library and threading the TUI uses, printed as text or JSON."""

from __future__ import annotations

import argparse
from collections.abc import Set
from typing import TextIO

from cli.running import dump as _dump, progress as _progress, with_library
from cli.columnar import numbers_of
from cli.exitcodes import USAGE
from cli.output import article_json, article_text, group_json
from cli.textout import field, warn
from cli.threads_text import ColumnLines, record_rest
from cli.threads_json import THREADS_JSONL_HELP, add_json_options, write_threads
from nntp.columns import Columns
from nntp.models import Article
from nntp.sanitize import sanitize_text
from nntp.missing import missing_titles
from nntp.threads import ThreadNode, thread
from store import export
from store.library import Library


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The read-only walking-skeleton commands: groups, threads, article."""
    groups = sub.add_parser("groups", help="list the server's groups")
    groups.add_argument("--json", action="store_true", help="print JSON")
    groups.set_defaults(handler=with_library(cmd_groups))

    threads = sub.add_parser("threads", help="print a group's thread trees")
    threads.add_argument("group")
    add_json_options(threads, "print JSON", THREADS_JSONL_HELP)
    threads.add_argument("--quiet", action="store_true", help="no progress on stderr")
    threads.add_argument("--all", action="store_true", help="include articles your rules kill or hide")
    threads.add_argument("--rules", metavar="PATH", help="rule file (default: score.toml in the config dir)")
    threads.set_defaults(handler=with_library(cmd_threads))

    article = sub.add_parser("article", help="print one article, decoded and sanitized")
    article.add_argument("group")
    article.add_argument("key", metavar="NUMBER|<msgid>")
    shape = article.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print JSON")
    shape.add_argument("--raw", action="store_true",
                       help="the article as the server sent it, byte for byte (sanitized on a terminal)")
    shape.add_argument("--mbox", action="store_true", help="the article as an mboxrd (for git am, b4, mutt)")
    article.add_argument("--thread", action="store_true", help="with --mbox: the article's whole thread")
    article.set_defaults(handler=with_library(cmd_article))


def cmd_groups(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    groups = library.groups(refresh=True)
    new = library.new_groups()
    if args.json:
        subscribed = set(library.subscribed())
        unread = library.unread_counts(groups)  # the group list's count (store/readstate.py)
        _dump([{**group_json(g, g.name in subscribed, unread[g.name]), "new": g.name in new}
               for g in groups], out)
        return 0
    width = max((len(g.name) for g in groups), default=10)
    for g in groups:
        flag = ("" if g.posting == "y" else f"  ({g.posting})") + ("  [new]" if g.name in new else "")
        out.write(f"{field(g.name):<{width}}  {g.count:>8,}{flag}  {field(g.description)}".rstrip() + "\n")
    return 0


def cmd_threads(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    from cli.score import score_overviews  # the killfile, loaded only by the commands that score

    load = library.enter_group(args.group, progress=_progress(args))
    if load.skipped:
        warn(f"{args.group}: skipped {load.skipped} malformed overview line(s)")
    table = score_overviews(library, args, load.overviews)
    roots = thread(load.overviews)  # after scoring: the trees never sit beside the scoring's working set
    if args.json or args.jsonl:  # streamed, article by article (cli/threads_json.py)
        write_threads(roots, table, library.read(args.group), out, show_all=args.all, jsonl=args.jsonl)
        return 0
    numbers = numbers_of(table.articles)  # the array itself for Columns: no record per article
    hidden = set() if args.all else {n for i, n in enumerate(numbers) if not table.visible(i)}
    lines = ColumnLines(load.overviews) if isinstance(load.overviews, Columns) else None
    for root in roots:
        _print_tree(root, out, hidden, lines)
    return 0


def _print_tree(root: ThreadNode, out: TextIO, hidden: Set[int] = frozenset(),
                lines: ColumnLines | None = None) -> None:
    """One thread as indented lines, written at once; ``lines`` formats the articles of its Columns."""
    titles: dict[int, str] | None = None
    text: list[str] = []
    for depth, node in root.walk():
        number = node.number
        if number is not None and number in hidden:
            continue
        indent = "  " * depth
        if number is None:  # titled from its replies, as slrn and tin do
            titles = missing_titles(root) if titles is None else titles
            title = titles.get(id(node), "")
            text.append(f"{'':>7}  {indent}[missing {field(node.message_id)}]{'  ' + field(title) if title else ''}\n")
            continue
        source = node.source
        if lines is not None and source is lines.source:
            text.append(f"{number:>7}  {indent}{lines.rest(node.index)}")
        else:
            art = node.article
            assert art is not None  # it has a number
            text.append(f"{number:>7}  {indent}{record_rest(art)}")
    out.write("".join(text))


def cmd_article(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    key: int | str = args.key
    if isinstance(key, str) and key.isdigit():
        key = int(key)
    if args.thread and not args.mbox:
        warn("article: --thread goes with --mbox (the thread as one mbox)")
        return USAGE
    article = library.article(args.group, key)
    if args.json:
        _dump(article_json(args.group, article), out)
    elif args.mbox:
        articles = _thread_articles(library, args.group, article) if args.thread else [article]
        _write_bytes(export.to_mboxrd(articles), out)
    elif args.raw:
        _write_bytes(export.article_bytes(article), out)
    else:
        out.write(article_text(article))
    return 0


def _thread_articles(library: Library, group: str, article: Article) -> list[Article]:
    """The whole thread of ``article`` in thread order, bodies fetched where not cached."""
    load = library.enter_group(group)
    members = export.thread_of(load.overviews, article.message_id)
    if not members:
        warn(f"{group}: {article.message_id} is not in the group's overview: only the article itself")
        return [article]
    articles, notes = export.fetch_thread(library, group, members)
    for note in notes:
        warn(note)
    return articles


def _write_bytes(data: bytes, out: TextIO) -> None:
    """Exact bytes to a pipe or file; on a terminal, sanitized text (escape sequences shown, not run)."""
    buffer = getattr(out, "buffer", None)
    if out.isatty() or buffer is None:
        out.write(sanitize_text(export.display_text(data)))
        return
    out.flush()
    buffer.write(data)
    buffer.flush()
