"""An NNTP reader connection: nntplib for the handshake and simple commands, a fast OVER reader.

nntplib (``standard-nntplib`` on Python >= 3.13) does the greeting, CAPABILITIES,
MODE READER, STARTTLS and AUTHINFO (nntp/connect.py sets that up). Bulk responses
(OVER) are read here in large chunks, because nntplib's line-at-a-time reader and
dict parsing cost more than the wire. Every command goes through ``_run``, which
turns socket trouble into ConnectionLost (worth a reconnect), logs in when the
server says 480, and explains 483. One NNTPClient belongs to one thread.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from nntp.compress import WireStats
from nntp.deadline import DeadlineStream
from nntp.connect import (
    ConnectOptions,
    authenticate,
    install_io,
    is_auth_required,
    is_encryption_required,
    open_connection,
    reply_text,
    wants_compress,
)
from nntp.errors import (
    ConnectionLost,
    PithError,
    NoSuchArticle,
    NoSuchGroup,
    PostRefused,
    RemoteProtocolError,
    ReplyTimeout,
    SecurityFailure,
)
from nntp.listaddr import address_in, mailto_in, with_list_address
from nntp.address import ServerAddress
from nntp.listing import active_groups, number_or_zero, split_description
from nntp.models import Article, GroupInfo, OverviewBatch, RawOverviews
from nntp.parse import STANDARD_FORMAT, parse_overview_format
from nntp import streams
from nntp.pipeline import WINDOW, Fetched, Key
from nntp.responses import ChunkSource, ResponseReader
from nntp.source import Capability, NewsSource

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

T = TypeVar("T")

OVER_CHUNK = 5_000
"""Articles per OVER command: progress and cancellation points on a big group."""


class NNTPClient(NewsSource):
    """A reader's connection to one server; methods map to NNTP commands."""

    capabilities = (Capability.POST | Capability.RAW_OVERVIEWS | Capability.PIPELINED_ARTICLES
                    | Capability.LIST_ACTIVE | Capability.STATS)

    def __init__(self, address: ServerAddress, timeout: float = 30.0,
                 options: ConnectOptions | None = None) -> None:
        self.address = address
        self.options = options or ConnectOptions(tls=address.tls, timeout=timeout)
        self._stats = WireStats()
        self._conn = open_connection(address.host, address.port, self.options, self._stats)
        self._overview_fmt: tuple[str, ...] | None = None
        self.current_group: str | None = None
        self._post_group_high = 0
        """The high number GROUP gave before the last POST: where to look for List-Post."""

    @property
    def identity(self) -> str:
        return self.address.identity

    @property
    def stats(self) -> WireStats:
        """Bytes on the wire of this connection (counted as they pass: the one object is kept)."""
        return self._stats

    @property
    def greeting(self) -> str:
        """The server's last word on this reader: its greeting, or its answer to MODE READER."""
        return str(self._conn.welcome)

    @property
    def posting_allowed(self) -> bool:
        """Whether this server lets this reader post (RFC 3977 5.1.1, 3.3.2).

        A server with CAPABILITIES lists POST when it does (nntplib reads them again
        after a login, when the answer may change); an older one says so in its
        greeting, 200 or 201. Only cached capabilities are read: never a round trip.
        """
        capabilities = getattr(self._conn, "_caps", None) or {}
        if "READER" in capabilities or "VERSION" in capabilities:
            return "POST" in capabilities
        return self.greeting.startswith("200")

    @property
    def timeout(self) -> float:
        return self.options.timeout

    @property
    def server_capabilities(self) -> dict[str, list[str]]:
        """The server's CAPABILITIES (not what this source can do: that is ``capabilities``)."""
        return dict(self._conn.getcapabilities())

    def close(self) -> None:
        try:
            self._conn.quit()
        except (OSError, EOFError, ValueError, nntplib.NNTPError):
            pass
        finally:
            try:
                self._conn.sock.close()
            except OSError:
                pass

    # -- the one way commands are run -----------------------------------
    def _run(self, what: str, action: Callable[[], T]) -> T:
        """Run one command; log in on 480 and retry once; socket trouble -> ConnectionLost."""
        try:
            try:
                return action()
            except nntplib.NNTPError as exc:
                if is_auth_required(exc) and not getattr(self._conn, "authenticated", False):
                    self._login_on_demand()
                    if self.current_group and not what.startswith("GROUP"):
                        self._conn._shortcmd(f"GROUP {self.current_group}")
                    return action()
                if is_encryption_required(exc):
                    raise SecurityFailure(
                        f"{self.identity}: the server requires encryption (483) for {what}; "
                        f"set tls = \"starttls\" or \"implicit\" for this server"
                    ) from None
                raise
        except (nntplib.NNTPProtocolError, nntplib.NNTPDataError) as exc:
            raise RemoteProtocolError(f"{self.identity}: {what}: malformed reply: {reply_text(exc)[:200]!r}") from None
        except (OSError, EOFError, ValueError) as exc:
            # ValueError: nntplib reading a closed file after the peer went away.
            raise self.lost(what, exc) from None

    def lost(self, what: str, exc: BaseException) -> ConnectionLost | ReplyTimeout:
        """Socket trouble as our error: an answer still dripping in at its deadline is not worth a
        reconnect (the server would only drip again); silence or a drop is (a dead link)."""
        deadline = getattr(self._conn, "reply_deadline", None)
        if isinstance(exc, TimeoutError) and deadline is not None and deadline.dripping():
            self.abort()  # out of step, and a QUIT would only wait on the drip again
            return ReplyTimeout(f"{self.identity}: no complete answer to {what} within {self.timeout:g} s")
        return ConnectionLost(f"{self.identity}: connection lost during {what}: {exc or type(exc).__name__}")

    def abort(self) -> None:
        """Close the socket without a word (close() then skips the QUIT quickly)."""
        try:
            self._conn.sock.close()
        except OSError:
            pass

    def reader(self) -> ResponseReader:
        """A ResponseReader whose reads keep to the current command's deadline."""
        conn = self._conn
        # typeshed types nntplib's file as IO[bytes]; it is the socket's BufferedRWPair (makefile("rwb"))
        return ResponseReader(DeadlineStream(conn.file, lambda: conn.sock, conn.reply_deadline))  # type: ignore[arg-type]

    def send_raw(self, data: bytes, verb: str) -> None:
        """Write commands in one go; the reply deadline runs from this write."""
        self._conn.reply_deadline.start()
        try:
            self._conn.file.write(data)
            self._conn.file.flush()
        except (OSError, ValueError) as exc:
            raise ConnectionLost(f"{self.identity}: connection lost sending {verb}: {exc}") from None

    def _login_on_demand(self) -> None:
        """The server said 480: log in, then compress; a compressed link must start over."""
        if self.stats.compressed:
            self._conn.sock.close()
            self._conn = open_connection(self.address.host, self.address.port, self.options, self.stats,
                                         force_auth=True)
            return
        authenticate(self._conn, self.address.host, self.identity, self.options)
        install_io(self._conn, self.stats, self.identity, wants_compress(self.options, self.address.host))

    def _short(self, command: str) -> str:
        return self._run(command.split()[0], lambda: self._conn._shortcmd(command))

    def _long(self, command: str) -> list[str]:
        return self._run(command.split()[0], lambda: self._conn._longcmdstring(command)[1])

    # -- groups ------------------------------------------------------------
    def list_groups(self) -> list[GroupInfo]:
        """LIST ACTIVE (+ LIST NEWSGROUPS for descriptions, if the server has it)."""
        try:
            active = self._long("LIST ACTIVE")
        except nntplib.NNTPError as exc:
            raise RemoteProtocolError(f"{self.identity}: LIST ACTIVE failed: {reply_text(exc)}") from None
        try:
            descriptions = dict(split_description(line) for line in self._long("LIST NEWSGROUPS"))
        except nntplib.NNTPError:
            descriptions = {}
        return active_groups(active, descriptions)

    def list_active(self, name: str) -> list[GroupInfo] | None:
        """LIST ACTIVE name: the group's line with its posting flag (RFC 3977 7.6.3), [] if the
        server does not carry it, None if it cannot say (the argument refused, or not a plain name).

        Cheap enough to ask before queuing a post, so a read-only group is refused up front.
        """
        if not name or any(c in name for c in "*?[]\\!,") or name.split() != [name]:
            return None  # never sent as a wildmat
        try:
            return [g for g in active_groups(self._long(f"LIST ACTIVE {name}"), {}) if g.name == name]
        except nntplib.NNTPError:
            return None

    def select_group(self, name: str) -> GroupInfo:
        """GROUP name; the name is sent and kept exactly as given (nntplib's group() lower-cases)."""
        try:
            reply = self._short(f"GROUP {name}")
        except nntplib.NNTPError as exc:
            if reply_text(exc).startswith("411"):
                raise NoSuchGroup(f"{self.identity}: no such group {name!r}") from None
            raise RemoteProtocolError(f"{self.identity}: GROUP {name}: {reply_text(exc)}") from None
        parts = reply.split()
        if len(parts) < 4 or not parts[0].startswith("211"):
            raise RemoteProtocolError(f"{self.identity}: unexpected GROUP reply {reply!r}")
        self.current_group = name
        return GroupInfo(name, number_or_zero(parts[2]), number_or_zero(parts[3]), number_or_zero(parts[1]))

    def overview_format(self) -> tuple[str, ...]:
        if self._overview_fmt is None:
            try:
                self._overview_fmt = parse_overview_format(self._long("LIST OVERVIEW.FMT"))
            except nntplib.NNTPError:
                self._overview_fmt = STANDARD_FORMAT
        return self._overview_fmt

    # -- OVER --------------------------------------------------------------
    def iter_overviews(self, name: str, first: int, last: int, chunk: int = OVER_CHUNK) -> Iterator[OverviewBatch]:
        """Parsed batches of ``iter_raw_overviews`` (a block at a time, see nntp/overblock.py)."""
        for raw in self.iter_raw_overviews(name, first, last, chunk):
            yield raw.parse()

    def iter_raw_overviews(self, name: str, first: int, last: int, chunk: int = OVER_CHUNK) -> Iterator[RawOverviews]:
        """OVER first-last in ranges, two commands in flight, each answer yielded as raw bytes.

        Nothing is parsed here: the bytes go out as they came, so reading keeps pace
        with the wire, and while the caller stores or parses one answer the server
        already produces the next (nntp/streams.py raw_overviews: cuts and cancels).
        """
        fmt = self.overview_format()
        if self.current_group != name:
            self.select_group(name)
        command = "OVER" if "OVER" in self.server_capabilities else "XOVER"
        ranges = [(s, min(last, s + chunk - 1)) for s in range(first, last + 1, chunk)]
        yield from streams.raw_overviews(self, command, ranges, fmt)  # a generator: nothing is sent before next()

    def hdr(self, name: str, header: str, first: int, last: int) -> list[tuple[int, str]]:
        """HDR (or XHDR on old servers) for a range: (number, value) pairs."""
        if self.current_group != name:
            self.select_group(name)
        command = "HDR" if "HDR" in self.server_capabilities else "XHDR"
        try:
            lines = self._long(f"{command} {header} {first}-{last}")
        except nntplib.NNTPError as exc:
            raise RemoteProtocolError(f"{self.identity}: {command} {header}: {reply_text(exc)}") from None
        pairs = []
        for line in lines:
            number, _, value = line.partition(" ")
            if number.isdigit():
                pairs.append((int(number), value))
        return pairs

    # -- ARTICLE -----------------------------------------------------------
    def article(self, name: str, key: int | str) -> Article:
        """ARTICLE by number (in group ``name``) or by <message-id>."""
        if isinstance(key, int) and self.current_group != name:
            self.select_group(name)
        try:
            _, info = self._run("ARTICLE", lambda: self._conn.article(str(key)))
        except nntplib.NNTPTemporaryError as exc:
            raise NoSuchArticle(f"{self.identity}: no article {key} in {name}: {reply_text(exc)}") from None
        except nntplib.NNTPError as exc:
            raise RemoteProtocolError(f"{self.identity}: ARTICLE {key}: {reply_text(exc)}") from None
        raw = b"\r\n".join(info.lines) + b"\r\n"
        from nntp.article import parse_article  # late: the email package, ~10 ms of start-up

        return parse_article(raw, number=info.number or (key if isinstance(key, int) else None))

    def iter_articles(self, name: str, keys: Sequence[Key], window: int = WINDOW,
                      verb: str = "ARTICLE") -> Iterator[Fetched]:
        """ARTICLE (or BODY) for each key, ``window`` commands in flight, answers yielded in order
        (nntp/streams.py articles: a gone article, a cut, a stop)."""
        if any(isinstance(k, int) for k in keys) and self.current_group != name:
            self.select_group(name)
        yield from streams.articles(self, verb, keys, window)

    def has_article(self, message_id: str) -> bool:
        """STAT <message-id>: whether the server holds the article (223) or not (430).

        How a POST whose reply was lost is resolved before anything is sent again.
        """
        try:
            return self._short(f"STAT {message_id}").startswith("223")
        except nntplib.NNTPTemporaryError as exc:
            if reply_text(exc)[:3] in ("430", "423"):
                return False
            raise RemoteProtocolError(f"{self.identity}: STAT {message_id}: {reply_text(exc)}") from None
        except nntplib.NNTPError as exc:
            raise RemoteProtocolError(f"{self.identity}: STAT {message_id}: {reply_text(exc)}") from None

    # -- POST --------------------------------------------------------------
    def post(self, raw: bytes) -> str:
        """POST a complete article (headers + body, LF or CRLF); returns the 240 reply.

        Raises PostRefused with the server's words on 440 (posting not allowed, e.g.
        a public-inbox mirror answering ``440 mailto:list@...``) or 441 (failed,
        including ``441 435 Duplicate`` when the article already arrived).
        """
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        group = _first_newsgroup(lines)
        self._select_for_post(group)
        try:
            return self._run("POST", lambda: self._conn.post(lines))
        except nntplib.NNTPError as exc:
            reply = reply_text(exc)
            if reply.startswith("440") and group and not mailto_in(reply):
                reply = with_list_address(reply, *self._list_address(group))
            raise PostRefused(reply) from None

    def _list_address(self, group: str) -> tuple[str, str]:
        """(address, where it was found) for a bare 440: the group's description, else List-Post."""
        try:
            for line in self._long(f"LIST NEWSGROUPS {group}"):
                name, description = split_description(line)
                if name == group and address_in(description):
                    return address_in(description), "the group's description"
            high = self._post_group_high or self.select_group(group).high
            if high:
                for _, value in self.hdr(group, "List-Post", max(1, high - 20), high):
                    if mailto_in(value):
                        return mailto_in(value), "the articles' List-Post"
        except (nntplib.NNTPError, PithError):
            pass
        return "", ""

    def _select_for_post(self, group: str) -> None:
        """GROUP the article's first newsgroup before POST, unless it is already current.

        A read-only public-inbox mirror names the list address in its refusal
        (``440 mailto:list@...``) only when a group is selected; anywhere else the
        GROUP is one cheap round trip. A group the server lacks is the POST's
        problem to report, not this one's.
        """
        if not group or self.current_group == group:
            return
        try:
            self._post_group_high = self.select_group(group).high
        except (NoSuchGroup, RemoteProtocolError):
            pass


def read_multiline(stream: ChunkSource) -> list[str]:
    """Read one dot-terminated block; bytes after it are an error (no command was pipelined)."""
    reader = ResponseReader(stream)
    lines = reader.block()
    if reader.buf:
        raise RemoteProtocolError(f"server sent {len(reader.buf)} unexpected bytes after a response")
    return lines


def _first_newsgroup(lines: list[bytes]) -> str:
    """The first group of the Newsgroups header in an article's lines ("" when none)."""
    for line in lines:
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"newsgroups":
            first = value.decode("ascii", "replace").split(",")[0].strip()
            return first if first and " " not in first else ""
    return ""
