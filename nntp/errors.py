"""Errors split into ours and the server's, so callers can phrase the message right."""

from __future__ import annotations


class PithError(Exception):
    """Base for every error pith reports to the user as one clean line."""


class SourceUnavailable(PithError):
    """The server could not be reached, refused us, or went silent."""


class RemoteProtocolError(PithError):
    """The server said something that is not valid NNTP (or not what we asked)."""


class NoSuchGroup(PithError):
    """The group does not exist on this source (411)."""


class NoSuchArticle(PithError):
    """The article does not exist (423/430), or no body is cached offline."""


class LocalProtocolError(PithError):
    """We were asked to do something the protocol does not allow (our bug or bad input)."""


class PostRefused(PithError):
    """The server refused a POST (440 not allowed, 441 failed); ``reply`` is its exact words."""

    def __init__(self, reply: str) -> None:
        super().__init__(reply)
        self.reply = reply
        self.code = reply[:3]


class ConnectionLost(SourceUnavailable):
    """An established connection dropped or timed out mid-command; worth a reconnect."""


class ReplyTimeout(SourceUnavailable):
    """A response did not arrive whole before its deadline (a silent or dripping server).

    Not a ConnectionLost: reconnecting to a server that drips would only wait again."""


class SecurityFailure(PithError):
    """TLS, certificate, pin or login trouble. Deliberately *not* a SourceUnavailable:
    a changed certificate may be a man in the middle, so nothing falls back to the
    cache on it; the command stops and says so (exit status 4)."""


class AuthenticationFailed(SecurityFailure):
    """AUTHINFO was refused, or we refused to send a password in clear."""
