"""The three ways to talk TLS to a server, as one type instead of strings compared in many places.

A ``StrEnum``: a member equals its config word (``TlsMode.IMPLICIT == "implicit"``), so config
files, JSON output and callers not yet moved over keep working unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class TlsMode(StrEnum):
    """``tls = "..."`` of a ``[servers.NAME]`` entry, or what an ``nntps://`` URL implies."""

    NONE = "none"
    """Plain TCP (port 119)."""
    IMPLICIT = "implicit"
    """NNTPS: TLS from the first byte (RFC 8143, port 563)."""
    STARTTLS = "starttls"
    """Plain TCP upgraded with STARTTLS before anything else (RFC 4642)."""

    @property
    def default_port(self) -> int:
        """The port a server listens on for this mode when none is given."""
        return 563 if self is TlsMode.IMPLICIT else 119

    @property
    def encrypted(self) -> bool:
        """Whether a password sent after the handshake travels encrypted."""
        return self is not TlsMode.NONE
