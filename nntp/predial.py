"""A plain server's TCP connection opened before the connection code is imported (issue 16: a command's start).

Importing nntplib, ssl and pith's client takes ~8 ms; a server's greeting takes
about as long to come (INN forks a reader process for each connection; a remote
server adds its round trip). Dialled first, the two overlap: ``predial`` starts a
non-blocking connect and returns, and nntp/connect.py's plain connection takes
that socket (``take``) instead of dialling. Only a numeric address without TLS is
dialled early (a name's resolution and a TLS handshake stay where they were);
whatever goes wrong here is left for the real connection to meet and report as
it always did, so nothing said to the user changes.
"""

from __future__ import annotations

import errno
import ipaddress
import socket

from nntp.tlsmode import TlsMode

_dialled: dict[tuple[str, int], socket.socket] = {}


def predial(host: str, port: int, tls: TlsMode) -> None:
    """Start connecting to ``host:port`` (a numeric address, plain or STARTTLS) now, for ``take``; nothing if
    it cannot start."""
    if tls is TlsMode.IMPLICIT:
        return  # its connection is TLS from the first byte: dialled and wrapped by nntplib
    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
    except ValueError:
        return  # a name: resolved where it always was
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        started = sock.connect_ex((host, port))
    except OSError:
        started = -1
    if started not in (0, errno.EINPROGRESS):
        sock.close()
        return
    previous = _dialled.pop((host, port), None)
    if previous is not None:
        previous.close()
    _dialled[(host, port)] = sock


def take(host: str, port: int, timeout: float) -> socket.socket | None:
    """The socket ``predial`` started for ``host:port`` (once), in blocking mode with ``timeout``; else None."""
    sock = _dialled.pop((host, port), None)
    if sock is not None:
        sock.settimeout(timeout)  # a connect still under way is waited for by the first read, within it
    return sock
