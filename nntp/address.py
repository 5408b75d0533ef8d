"""Where a server is: ``host:port`` and its TLS mode, parsed from what the reader types or configures."""

from __future__ import annotations

from dataclasses import dataclass

from nntp.errors import PithError
from nntp.tlsmode import TlsMode

DEFAULT_PORT = 119


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """Where a server is; ``identity`` keys its local store."""

    host: str
    port: int = DEFAULT_PORT
    tls: TlsMode = TlsMode.NONE
    """``implicit`` for nntps:// addresses."""

    @property
    def identity(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> ServerAddress:
        """``host``, ``host:port``, ``[v6]:port``, ``nntp://host:port`` or ``nntps://host:port``."""
        text = text.strip()
        tls = TlsMode.NONE
        if "://" in text:
            scheme, text = text.split("://", 1)
            tls = TlsMode.IMPLICIT if scheme.lower() in ("nntps", "snews") else TlsMode.NONE
            text = text.rstrip("/")
        default = tls.default_port
        if text.startswith("["):
            host, _, rest = text[1:].partition("]")
            port = rest.lstrip(":")
        else:
            host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
        try:
            return cls(host or "localhost", int(port) if port else default, tls)
        except ValueError:
            raise PithError(f"bad server address {text!r}: the port must be a number") from None
