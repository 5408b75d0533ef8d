"""Opening a connection a power user can trust: TLS, pinning, AUTHINFO, COMPRESS.

Order matters (RFC 4642, 4643, 8054): TLS first (implicit, or STARTTLS before
anything else), then AUTHINFO, then COMPRESS. Passwords never go in clear to a
host off loopback unless the server entry allows it, and never appear in an
error message or a repr.
"""

from __future__ import annotations

import io
import ipaddress
import os
import socket
import ssl
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from nntp import predial
from nntp.compress import CountingSocketIO, DeflateSocketIO, WireStats
from nntp.connect_options import ConnectOptions
from nntp.deadline import ReplyDeadline, read_line
from nntp.errors import (
    AuthenticationFailed,
    RemoteProtocolError,
    ReplyTimeout,
    SecurityFailure,
    SourceUnavailable,
)
from nntp.quickack import quick_ack
from nntp.tlsmode import TlsMode

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import nntplib

MAX_LINE = 1 << 20
"""nntplib's 2048-byte line limit rejects real References lines (python/cpython#73157)."""


class Connection(nntplib.NNTP):
    """nntplib's NNTP as pith drives it: the private methods it calls, declared for the type checker.

    typeshed declares none of nntplib's private names, and pith needs a few (the raw
    command helpers, the capability cache, the socket and line hooks it overrides).
    """

    reply_deadline: ReplyDeadline
    """When the answer now being read must be complete (set when the socket opens)."""

    if TYPE_CHECKING:
        _caps: dict[str, list[str]] | None

        def _create_socket(self, timeout: float) -> socket.socket: ...
        def _putcmd(self, line: str) -> None: ...
        def _shortcmd(self, line: str) -> str: ...
        def _longcmdstring(self, line: str, file: object = None) -> tuple[str, list[str]]: ...


class _Lines(Connection):
    """nntplib's line reader with the line limit lifted and a deadline on every response
    (mixed into both classes): the greeting counts from the connect, each answer from
    its command (nntp/deadline.py)."""

    def _create_socket(self, timeout: float) -> socket.socket:
        self.reply_deadline = ReplyDeadline(timeout)
        return super()._create_socket(timeout)

    def _putcmd(self, line: str) -> None:
        self.reply_deadline.start()
        super()._putcmd(line)
        quick_ack(self.sock)  # before install_io too (nntp/quickack.py): CAPABILITIES answers at once

    def _getline(self, strip_crlf: bool = True) -> bytes:
        # nntplib's file is a buffered stream (sock.makefile's or install_io's), which peek() needs
        line = read_line(self.file, self.sock, self.reply_deadline, MAX_LINE)  # type: ignore[arg-type]  # typeshed: IO
        if len(line) > MAX_LINE:
            raise RemoteProtocolError("server sent a line longer than 1 MiB")
        if not line:
            raise EOFError
        if strip_crlf:
            if line[-2:] == b"\r\n":
                line = line[:-2]
            elif line[-1:] in (b"\r", b"\n"):
                line = line[:-1]
        return line


class PlainNNTP(_Lines):
    """Plain TCP (optionally upgraded with STARTTLS)."""

    def _create_socket(self, timeout: float) -> socket.socket:
        """The connection nntp/predial.py started for this address, if it did (once), else a new one."""
        early = predial.take(self.host, self.port, timeout)
        if early is None:
            return super()._create_socket(timeout)
        sys.audit("nntplib.connect", self, self.host, self.port)  # as nntplib's own dialling says
        self.reply_deadline = ReplyDeadline(timeout)
        return early


class ImplicitTLSNNTP(_Lines, nntplib.NNTP_SSL):
    """NNTPS: TLS from the first byte (RFC 8143)."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(options: ConnectOptions) -> ssl.SSLContext:
    """System trust store (+ the entry's CA file); a pinned entry checks the fingerprint instead."""
    context = ssl.create_default_context()
    if options.ca_file:
        context.load_verify_locations(cafile=os.path.expanduser(options.ca_file))
    if options.pin_sha256:
        # The pin replaces CA verification for this one server; verify_pin() checks it.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def fingerprint(der: bytes) -> str:
    import hashlib  # late, as the login's files below: a plain connection never needs them (start-up time)

    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _normal_pin(pin: str) -> str:
    return pin.replace(":", "").replace(" ", "").upper()


def verify_pin(sock: socket.socket, where: str, pin: str) -> None:
    """Refuse a certificate other than the pinned one (a socket without TLS has none, so it fails too)."""
    der = (sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None) or b""
    if _normal_pin(fingerprint(der)) != _normal_pin(pin):
        raise SecurityFailure(
            f"{where}: certificate fingerprint {fingerprint(der)} does not match the pinned "
            f"pin_sha256; refusing to continue (has the server's certificate changed?)"
        )


def peer_fingerprint(host: str, port: int, timeout: float, implicit: bool) -> str:
    """The server's certificate fingerprint, fetched without trusting it (for the error message)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            if not implicit:
                f = raw.makefile("rwb")
                f.readline()
                f.write(b"STARTTLS\r\n")
                f.flush()
                if not f.readline().startswith(b"382"):
                    return "unknown"
            with context.wrap_socket(raw, server_hostname=host) as tls:
                return fingerprint(tls.getpeercert(binary_form=True) or b"")
    except (OSError, ssl.SSLError):
        return "unknown"


def open_connection(host: str, port: int, options: ConnectOptions, stats: WireStats,
                    force_auth: bool = False) -> Connection:
    """Connect, greet, TLS, authenticate, compress. Raises PithError subclasses only.

    ``force_auth`` logs in up front even without a configured user: used when a
    compressed connection met 480, since AUTHINFO cannot follow COMPRESS (RFC 8054).
    """
    where = f"{host}:{port}"
    stats.compressed = False  # a new connection starts uncompressed
    try:
        conn = _tls_connect(host, port, options, where)
        if force_auth or options.user:
            authenticate(conn, host, where, options)
        install_io(conn, stats, where, wants_compress(options, host))
        return conn
    except ssl.SSLCertVerificationError as exc:
        fp = peer_fingerprint(host, port, options.timeout, options.tls is TlsMode.IMPLICIT)
        raise SecurityFailure(
            f"{where}: TLS certificate not trusted ({exc.verify_message}); its SHA-256 fingerprint is {fp}. "
            f"If you trust it, add pin_sha256 = \"{fp}\" to this server's entry in config.toml"
        ) from None
    except (ssl.SSLEOFError, ssl.SSLZeroReturnError):  # the link, not the certificate: may fall back
        raise SourceUnavailable(f"{where}: connection closed during the TLS handshake") from None
    except ssl.SSLError as exc:
        raise SecurityFailure(f"{where}: TLS failed: {exc.reason or exc}") from None
    except (socket.timeout, TimeoutError):
        raise ReplyTimeout(f"{where}: no answer within {options.timeout:g} s") from None
    except ConnectionRefusedError:
        raise SourceUnavailable(f"{where}: connection refused (is the server running?)") from None
    except socket.gaierror as exc:
        raise SourceUnavailable(f"{where}: cannot resolve host ({exc.strerror})") from None
    except OSError as exc:
        raise SourceUnavailable(f"{where}: {exc.strerror or exc}") from None
    except EOFError:
        raise SourceUnavailable(f"{where}: server closed the connection") from None
    except nntplib.NNTPError as exc:
        raise SourceUnavailable(f"{where}: refused: {reply_text(exc)}") from None


def _tls_connect(host: str, port: int, options: ConnectOptions, where: str) -> Connection:
    if options.tls is TlsMode.IMPLICIT:
        context = tls_context(options)
        conn: Connection = ImplicitTLSNNTP(host, port, ssl_context=context, readermode=True,
                                             timeout=options.timeout)
        if options.pin_sha256:
            verify_pin(conn.sock, where, options.pin_sha256)
        return conn
    conn = PlainNNTP(host, port, readermode=options.tls is not TlsMode.STARTTLS, timeout=options.timeout)
    if options.tls is TlsMode.STARTTLS:
        if "STARTTLS" not in conn.getcapabilities():
            raise SecurityFailure(f"{where}: the server does not offer STARTTLS (tls = \"starttls\")")
        conn.starttls(tls_context(options))
        if options.pin_sha256:
            verify_pin(conn.sock, where, options.pin_sha256)
        if "READER" not in conn.getcapabilities() and "MODE-READER" in conn.getcapabilities():
            conn.welcome = conn._shortcmd("MODE READER")  # 200 or 201: whether posting is allowed
            conn._caps = None
    return conn


def find_credentials(host: str, options: ConnectOptions, port: int | None = None,
                     problems: list[str] | None = None) -> tuple[str, str] | None:
    """Entry first, then ~/.netrc and ~/.authinfo, then the prompt callback.

    What could not be read in those files goes to ``problems`` (file:line: why), so
    a failed login can say why a file that was there did not help.
    """
    if options.user and options.password:
        return options.user, options.password
    for name in (".netrc", ".authinfo"):
        found = netrc_entry(Path.home() / name, host, options.netrc_default, port, problems)
        if found and found[2] is not None and (not options.user or found[0] == options.user):
            return found[0] or options.user, found[2]
    if options.credentials is not None:
        return options.credentials(host)
    return None


def netrc_entry(path: Path, host: str, use_default: bool, port: int | None = None,
                problems: list[str] | None = None) -> tuple[str, str, str | None] | None:
    """The ``machine host`` entry of a netrc file; its ``default`` entry only when the server opts in.

    netrc's own lookup falls back to ``default``, which would hand that password to
    any server that answers 480, so the fallback is taken here only on request. The
    file is read by nntp.authinfo (Gnus' ``port``/``force`` tokens, quoted values).
    """
    from nntp.authinfo import read_authinfo

    parsed = read_authinfo(path)
    if problems is not None:
        problems.extend(parsed.problems)
    entry = parsed.lookup(host, port, use_default)
    return None if entry is None else (entry.login, "", entry.password)


def authenticate(conn: Connection, host: str, where: str, options: ConnectOptions) -> None:
    """AUTHINFO USER/PASS, refusing clear text off loopback unless allowed."""
    problems: list[str] = []
    found = find_credentials(host, options, getattr(conn, "port", None), problems)
    if found is None:
        unread = f"; {problems[0]}" if problems else ""
        raise AuthenticationFailed(f"{where}: the server wants a login and no credentials are configured "
                                   f"(user/password in config.toml, ~/.netrc or ~/.authinfo){unread}")
    user, password = found
    if not options.tls.encrypted and not is_loopback(host) and not options.allow_plaintext_auth:
        raise AuthenticationFailed(
            f"{where}: refusing to send the password for {user!r} in clear; use tls = \"starttls\" or "
            f"\"implicit\", or set allow_plaintext_auth = true for this server"
        )
    try:
        conn.login(user, password, usenetrc=False)
    except nntplib.NNTPError as exc:
        raise AuthenticationFailed(f"{where}: login as {user!r} failed: {reply_text(exc)}") from None
    conn.authenticated = True


def wants_compress(options: ConnectOptions, host: str) -> bool:
    """COMPRESS as configured; unset, everywhere but on this machine: over loopback there is no wire to
    spare, and deflating costs both ends CPU (INN deflates local.big's 40 MB of OVER in 2.1 s, sent plain
    in 0.7 s)."""
    return options.compress if options.compress is not None else not is_loopback(host)


def install_io(conn: Connection, stats: WireStats, where: str, compress: bool) -> None:
    """Swap nntplib's file for a counting (and, if ``compress`` and the server agrees, deflating) one."""
    caps = conn.getcapabilities()
    raw_cls: type[CountingSocketIO] = CountingSocketIO
    if compress and "DEFLATE" in [m.upper() for m in caps.get("COMPRESS", [])]:
        reply = conn._shortcmd("COMPRESS DEFLATE")
        if not reply.startswith("206"):
            raise RemoteProtocolError(f"{where}: unexpected reply to COMPRESS: {reply!r}")
        raw_cls = DeflateSocketIO
    if stats.compressed:
        return  # already deflating: the stream cannot be restarted
    raw = raw_cls(conn.sock, stats)
    # nntplib only reads lines from its file and writes to it: any buffered binary stream will do
    conn.file = io.BufferedRWPair(raw, raw, 1 << 16)  # type: ignore[assignment]  # typeshed says IO[bytes]


def reply_text(exc: BaseException) -> str:
    return str(exc.args[0] if exc.args else exc).strip()


def is_auth_required(exc: BaseException) -> bool:
    return isinstance(exc, nntplib.NNTPError) and reply_text(exc)[:3] == "480"


def is_encryption_required(exc: BaseException) -> bool:
    return isinstance(exc, nntplib.NNTPError) and reply_text(exc)[:3] == "483"
