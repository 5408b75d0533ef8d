"""Acknowledge the server's answer at once, so its Nagle never waits for our delayed ACK.

INN writes a multi-line answer in pieces; with Nagle on its side the second piece
waits until the first is acknowledged, and Linux delays that ACK up to 40 ms
because we have nothing to send back. So every command with a multi-line answer
(CAPABILITIES, LIST OVERVIEW.FMT, OVER, a single ARTICLE) took ~44 ms on loopback
whatever its size: a third of a small `pith sync`, and every article the reader
fetched. TCP_QUICKACK turns the delayed ACK off, but Linux leaves quick-ACK mode
again on its own, so it is armed after every command sent (one setsockopt).
Elsewhere (no TCP_QUICKACK, a socket that is not TCP) this does nothing.
"""

from __future__ import annotations

import socket

_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


def quick_ack(sock: object) -> None:
    """Ask the kernel to acknowledge what arrives next on ``sock`` without delay (best effort)."""
    setsockopt = getattr(sock, "setsockopt", None)
    if _QUICKACK is None or setsockopt is None:
        return
    try:
        setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
    except OSError:  # not a TCP socket (a socketpair in tests, a Unix socket)
        pass
