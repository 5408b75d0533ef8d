"""Turning command-line arguments into a Library: which source, which store."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from nntp.address import ServerAddress
from nntp.connect_options import ConnectOptions
from nntp.errors import PithError
from nntp.sanitize import error_line
from store.config import ServerConfig, load_config
from store.library import Library

if TYPE_CHECKING:
    from nntp.resilient import ResilientSource


def open_library_factory(args: argparse.Namespace) -> tuple[Callable[[], Library], str]:
    """A function that builds the Library (run it on the thread that will own it), and a title."""
    from store.cache import Store, store_path
    from store.paths import data_dir

    if args.command == "demo":
        from sample import SAMPLE_MBOX

        archives = [str(SAMPLE_MBOX)]
    else:
        archives = args.archive or []
    if archives:
        from nntp.archive import ArchiveSource  # only for archives: a server's command never needs it

        source = ArchiveSource(*archives)  # read once, here: archives are local and read-only
        identity = "demo" if args.command == "demo" else source.identity
        return (lambda: Library(Store(store_path(data_dir(), identity)), lambda: source)), identity

    endpoint = resolve_server(args)

    def open_library() -> Library:
        path = store_path(data_dir(), endpoint.address.identity)
        fresh = not path.exists()  # a mistyped host must not leave an empty store behind
        library = Library(Store(path), endpoint.connect, offline=args.offline, read_only=endpoint.read_only,
                          fresh_store=fresh)
        if endpoint.newsrc is not None:
            attach_live_newsrc(library, endpoint.newsrc)
        return library

    return open_library, endpoint.address.identity


@dataclass(frozen=True)
class Endpoint:
    """A server to talk to and how (address + connection options)."""

    address: ServerAddress
    options: ConnectOptions
    read_only: bool = False
    """``read_only = true`` in the config entry: the reader never offers to post there."""
    newsrc: Path | None = None
    """A live .newsrc shared with other readers (``newsrc`` in config.toml), else None."""

    def connect(self) -> ResilientSource:
        """A reconnecting source; the first connection is made now and fails fast."""
        from nntp.predial import predial

        predial(self.address.host, self.address.port, self.options.tls)  # the greeting comes while these import
        from nntp.client import NNTPClient  # late: a warm reader shows its first screen before connecting
        from nntp.resilient import ResilientSource

        return ResilientSource(lambda: NNTPClient(self.address, options=self.options), self.address.identity)


NNTPSERVER_FILE = Path("/etc/nntpserver")
"""The system's news server, as slrn and tin read it; a module global so tests can point it elsewhere."""


def resolve_server(args: argparse.Namespace) -> Endpoint:
    """--server (a config entry name or an address), then $NNTPSERVER, then default_server,
    then /etc/nntpserver; $NNTPPORT (tin's) is the port of an address that names none."""
    config = load_config(getattr(args, "config", None))
    wanted = (getattr(args, "server", None) or "").strip()
    if wanted and wanted in config.servers:
        return _from_entry(config.servers[wanted], args, config.newsrc)
    wanted = wanted or os.environ.get("NNTPSERVER", "").strip()
    if not wanted and config.default_server:
        return _from_entry(config.servers[config.default_server], args, config.newsrc)
    wanted = wanted or system_server()
    if wanted:
        address = address_with_env_port(wanted)
        return Endpoint(address, ConnectOptions(tls=address.tls, timeout=_timeout(args, 30.0)),
                        newsrc=_newsrc_path(config.newsrc))
    raise PithError("no server given: use --server HOST[:PORT] or NAME from config.toml, "
                    f"or set NNTPSERVER, or write one in {NNTPSERVER_FILE} (or try `pith demo`)")


def system_server() -> str:
    """The first line of /etc/nntpserver that is not blank or a # comment; "" when there is none."""
    try:
        text = NNTPSERVER_FILE.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise PithError(f"{NNTPSERVER_FILE}: cannot read: {exc.strerror or exc}") from None
    lines = (line.strip() for line in text.splitlines())
    return next((line for line in lines if line and not line.startswith("#")), "")


def address_with_env_port(text: str) -> ServerAddress:
    """``text`` as an address; when it names no port, $NNTPPORT's (as tin does) if set."""
    address = ServerAddress.parse(text)
    port = os.environ.get("NNTPPORT", "").strip()
    if not port or _names_port(text):
        return address
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise PithError(f"NNTPPORT: not a port number: {port[:40]!r}")
    return replace(address, port=int(port))


def _names_port(text: str) -> bool:
    """Whether an address (host, host:port, [v6]:port, scheme://...) spells out its port."""
    host = text.strip().split("://", 1)[-1].rstrip("/")
    if host.startswith("["):
        return "]:" in host
    return host.count(":") == 1


def _from_entry(entry: ServerConfig, args: argparse.Namespace, newsrc: str = "") -> Endpoint:
    """The entry's address and options; ``newsrc``: the top-level live .newsrc, if the entry has none."""
    address = ServerAddress(entry.host, entry.effective_port, entry.tls)
    options = ConnectOptions(
        tls=entry.tls, user=entry.user, password=entry.password, compress=entry.compress,
        timeout=_timeout(args, entry.timeout), pin_sha256=entry.pin_sha256, ca_file=entry.ca_file,
        allow_plaintext_auth=entry.allow_plaintext_auth, netrc_default=entry.netrc_default,
    )
    return Endpoint(address, options, read_only=entry.read_only, newsrc=_newsrc_path(entry.newsrc or newsrc))


def _newsrc_path(text: str) -> Path | None:
    return Path(text).expanduser() if text.strip() else None


def attach_live_newsrc(library: Library, path: Path) -> None:
    """Read the live .newsrc into the store now; write it back when the Library closes.

    A file that cannot be read stops here (one line, file:line), before anything is
    shown as unread that another reader has read. One that cannot be written at the
    end is reported on stderr and loses nothing in pith's own store.
    """
    live = library.live_newsrc(path)
    try:
        live.open()
    except PithError:
        library.close()
        raise

    def save() -> None:
        try:
            live.close()
        except PithError as exc:
            sys.stderr.write(f"pith: {error_line(exc)}\n")

    library.before_close.append(save)


def _timeout(args: argparse.Namespace, default: float) -> float:
    """--timeout, else the config's; 0, negative, nan or inf would hang or fail every command."""
    given = getattr(args, "timeout", None)
    if given is None:
        return default
    seconds = float(given)
    if not (math.isfinite(seconds) and seconds > 0):
        raise PithError(f"--timeout: must be a number of seconds above 0, not {given!r}")
    return seconds
