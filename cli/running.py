"""Running a command: the Library it needs built and closed, offline said once, progress and JSON written.

Every command module adapts its handlers here (``with_library``), so none of them
imports another command's module to get it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO, cast

from cli.context import open_library_factory
from cli.exitcodes import finished
from cli.stale import CacheAwareOut
from cli.textout import warn
from store.library import Library


def dump(data: Any, out: TextIO) -> None:
    """One JSON document and a newline: the shape every --json answer that is not streamed takes."""
    from cli.jsonout import write_json  # late: a command without --json (a sync) never loads it

    write_json(data, out)  # any depth; C1 and bidi controls escaped
    out.write("\n")


def progress(args: argparse.Namespace) -> Any:
    """Progress lines on stderr when it is a terminal and --quiet was not given."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        return None

    def report(done: int, expected: int) -> None:
        sys.stderr.write(f"\rfetching overviews {done:,}/{expected:,}")
        sys.stderr.flush()
        if done >= expected:
            sys.stderr.write("\n")

    return report


def with_library(
        command: Callable[[Library, argparse.Namespace, TextIO], int]) -> Callable[[argparse.Namespace, TextIO], int]:
    """Adapt a command that needs the Library: build it from the arguments, close it after.

    A command that succeeded on cached data only, because the server could not be
    reached, exits FROM_CACHE (3), and its JSON says ``"stale": true`` (cli/stale.py).
    """

    def handler(args: argparse.Namespace, out: TextIO) -> int:
        factory, _ = open_library_factory(args)
        library = factory()
        announce_offline(library)
        try:
            # CacheAwareOut is a TextIO by delegation (its __getattr__ forwards the rest to ``out``)
            status = command(library, args, cast(TextIO, CacheAwareOut(out, library)))
            return finished(status, library.answered_from_cache)
        finally:
            for warning in library.warnings:
                warn(warning)
            _report_wire(library, args)
            library.close()

    return handler


def announce_offline(library: Library) -> None:
    """Say once, on stderr, that what follows comes from the cache (now, or when the server fails)."""

    def say(reason: str) -> None:
        warn(f"offline ({reason}) — showing cached data")

    if library.offline:
        say(library.offline_reason)
    else:
        library.on_offline = say


def _report_wire(library: Library, args: argparse.Namespace) -> None:
    """--verbose: bytes on the wire and the compression ratio, on stderr."""
    stats = library.wire_stats()
    if getattr(args, "verbose", False) and stats is not None:
        sys.stderr.write(f"pith: {stats.summary()}\n")
