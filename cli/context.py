"""Turning command-line arguments into a Library: which source, which store."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from nntp.errors import PithError
from store.library import Library


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
