"""How to talk to one server, as a value: apart from nntp/connect.py, which opens the connection.

The reader builds these at start-up from config.toml and the command line; the
modules that connect (sockets, TLS, nntplib, hashlib: ~15 ms of imports) are
only needed once it connects, after a warm launch's first screen (issue 17).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nntp.tlsmode import TlsMode

Credentials = Callable[[str], tuple[str, str] | None]
"""Asked with the server identity when a password is needed and none is configured."""


@dataclass(frozen=True)
class ConnectOptions:
    """How to talk to one server (from a ``[servers.NAME]`` entry or the command line)."""

    tls: TlsMode = TlsMode.NONE
    """No TLS, NNTPS from the first byte, or STARTTLS (see TlsMode)."""
    user: str = ""
    password: str = field(default="", repr=False)
    compress: bool | None = None
    """COMPRESS DEFLATE when the server offers it: True, False, or None (unset) for everywhere but a server
    on this machine (a loopback address), where deflating only costs both ends CPU."""
    timeout: float = 30.0
    pin_sha256: str = ""
    ca_file: str = ""
    allow_plaintext_auth: bool = False
    netrc_default: bool = False
    """Whether a ``default`` entry of ~/.netrc / ~/.authinfo may be sent to this server."""
    credentials: Credentials | None = field(default=None, repr=False, compare=False)
    """Fallback for a missing password (the TUI's prompt)."""

    def __post_init__(self) -> None:
        """A plain ``"implicit"`` from a caller not yet moved over becomes the member (ValueError if unknown)."""
        object.__setattr__(self, "tls", TlsMode(self.tls))
