"""config.toml: servers, keys, UI. Read with tomllib; never written by pith.

Every problem is reported with the file, the line and the key, and an unknown
key suggests the nearest valid one (``tsl`` -> ``tls``), because a config typo
should cost a user seconds, not an evening.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nntp.errors import PithError
from nntp.tlsmode import TlsMode
from store import tomlsafe
from store.paths import config_dir

TLS_MODES = tuple(TlsMode)


class ConfigError(PithError):
    """config.toml is unreadable or wrong; the message names file, line and key."""


@dataclass(frozen=True)
class ServerConfig:
    """One ``[servers.NAME]`` entry."""

    name: str
    """The table name: what ``--server NAME`` and ``default_server`` refer to."""
    host: str
    """Host name or address of the NNTP server."""
    port: int = 0
    """TCP port; 0 means the default for the TLS mode (119, or 563 for implicit TLS)."""
    tls: TlsMode = TlsMode.NONE
    """``none``, ``implicit`` (NNTPS, RFC 8143) or ``starttls`` (RFC 4642)."""
    user: str = ""
    """AUTHINFO user; empty means look in ~/.netrc / ~/.authinfo, then ask."""
    password: str = ""
    """AUTHINFO password (prefer ~/.netrc / ~/.authinfo, which other readers share)."""
    compress: bool | None = None
    """Use COMPRESS DEFLATE (RFC 8054) when the server offers it; unset: yes, but for a server on this machine
    (a loopback address), where compressing costs CPU and spares no wire."""
    timeout: float = 30.0
    """Seconds any single command may wait for the server."""
    read_only: bool = False
    """Never offer to post here (public-inbox mirrors answer 440 anyway)."""
    pin_sha256: str = ""
    """SHA-256 fingerprint of a self-signed certificate to accept for this server only."""
    ca_file: str = ""
    """Extra CA bundle (PEM) to trust for this server, on top of the system store."""
    allow_plaintext_auth: bool = False
    """Allow sending the password without TLS to a host that is not on loopback."""
    netrc_default: bool = False
    """Also send the ``default`` entry of ~/.netrc / ~/.authinfo here (by default only a
    ``machine HOST`` entry is sent: a default password would go to any server that asks)."""
    newsrc: str = ""
    """A live .newsrc shared with slrn/tin/neomutt (``~`` allowed): read at start, written on exit
    and on catch-up; empty means the top-level ``newsrc``, if any."""

    @property
    def effective_port(self) -> int:
        return self.port or self.tls.default_port


@dataclass(frozen=True)
class ComposeConfig:
    """``[compose]``: how new articles, follow-ups and mail replies start."""

    from_address: str = ""
    """``from``: the From of what you write; empty means $EMAIL, else user@host."""
    signature_file: str = ""
    """A file whose text goes under ``-- `` at the end of each article (``~`` allowed)."""
    attribution: str = "{name} wrote:"
    """The line above a quote: ``{name}``, ``{from}``, ``{date}``, ``{message_id}``, ``{group}``."""
    editor: str = ""
    """Editor command; empty means $VISUAL, then $EDITOR, then the built-in editor."""
    message_id_domain: str = ""
    """The right-hand side of the Message-IDs pith makes; empty means the From address's domain."""


@dataclass(frozen=True)
class MailConfig:
    """``[mail]``: where replies by mail go."""

    sendmail: str = ""
    """A command that reads a whole message on stdin, e.g. ``/usr/sbin/sendmail -t -i``."""
    mbox: str = ""
    """The mbox replies are appended to when no sendmail is set (default: outgoing.mbox in the data dir)."""


DEFAULT_HEADERS = ("From", "Subject", "Date", "Newsgroups", "Followup-To", "Reply-To", "Cc", "Organization")


@dataclass(frozen=True)
class ArticleConfig:
    """``[article]``: what the pager shows above the body."""

    headers: tuple[str, ...] = DEFAULT_HEADERS
    """Header names, in display order; each is shown when the article has it (H shows them all)."""


@dataclass(frozen=True)
class ReadingConfig:
    """``[reading]``: read marks that follow from the killfile."""

    mark_killed_read: bool = True
    """Articles the killfile kills are marked read when a group is scored (entering it, ``pith threads``,
    ``pith score``), as slrn and tin do, so the unread counts say what is left to read."""


@dataclass(frozen=True)
class Config:
    """The whole file."""

    path: Path | None = None
    """Where it was read from (None: no file, defaults)."""
    default_server: str = ""
    """Name of the ``[servers.NAME]`` used when no --server is given."""
    servers: dict[str, ServerConfig] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated keys, e.g. ``next-unread = "n,tab"``."""
    theme: str = ""
    """Theme name (``dark``, ``light``, ``high-contrast`` or a user theme)."""
    plugins: tuple[str, ...] = ()
    """Python filter modules for the killfile (paths)."""
    compose: ComposeConfig = field(default_factory=ComposeConfig)
    mail: MailConfig = field(default_factory=MailConfig)
    article: ArticleConfig = field(default_factory=ArticleConfig)
    reading: ReadingConfig = field(default_factory=ReadingConfig)
    newsrc: str = ""
    """Top-level ``newsrc``: the live .newsrc of every server without its own (and of $NNTPSERVER)."""


_TOP_KEYS = {"default_server": str, "servers": dict, "keys": dict, "ui": dict, "killfile": dict,
             "compose": dict, "mail": dict, "article": dict, "reading": dict, "newsrc": str}
_COMPOSE_KEYS = {"from": str, "signature_file": str, "attribution": str, "editor": str, "message_id_domain": str}
_MAIL_KEYS = {"sendmail": str, "mbox": str}
_UI_KEYS = {"theme": str}
_ARTICLE_KEYS = {"headers": list}
_KILLFILE_KEYS = {"plugins": list}
_READING_KEYS = {"mark_killed_read": bool}


def default_config_path() -> Path:
    """The one place tests patch: ``$XDG_CONFIG_HOME/pith/config.toml``."""
    return config_dir() / "config.toml"


def load_config(path: Path | str | None = None) -> Config:
    """Read ``path`` (--config) or the default file; no default file means defaults."""
    explicit = path is not None
    target = Path(path) if path is not None else default_config_path()
    if not target.exists():
        if explicit:
            raise ConfigError(f"{target}: no such config file")
        return Config()
    try:
        text = target.read_text(encoding="utf-8")
        data = tomlsafe.loads(text)
    except tomlsafe.TooDeep as exc:
        raise ConfigError(f"{target}:{exc.line}: {exc.key or 'value'}: nested more than "
                          f"{tomlsafe.MAX_DEPTH} levels deep (no pith setting is)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{target}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: cannot read: {exc}") from None
    return _build(target, text, data)


def _build(path: Path, text: str, data: dict[str, Any]) -> Config:
    where = _Locator(path, text)
    _check_keys(where, "", data, _TOP_KEYS)
    servers = {}
    for name, entry in (data.get("servers") or {}).items():
        if not isinstance(entry, dict):
            raise where.error(f"servers.{name}", "must be a table: [servers.NAME]")
        servers[name] = _server(where, name, entry)
    default = data.get("default_server", "")
    if default and default not in servers:
        raise where.error("default_server", f"names no [servers.{default}]{_nearest(default, servers)}")
    ui = data.get("ui") or {}
    _check_keys(where, "ui.", ui, _UI_KEYS)
    killfile = data.get("killfile") or {}
    _check_keys(where, "killfile.", killfile, _KILLFILE_KEYS)
    keys = data.get("keys") or {}
    for key, value in keys.items():
        if not isinstance(value, str):
            raise where.error(f"keys.{key}", "must be a string of keys, e.g. \"n,tab\"")
    compose = data.get("compose") or {}
    _check_keys(where, "compose.", compose, _COMPOSE_KEYS)
    mail = data.get("mail") or {}
    _check_keys(where, "mail.", mail, _MAIL_KEYS)
    reading = data.get("reading") or {}
    _check_keys(where, "reading.", reading, _READING_KEYS)
    return Config(path, default, servers, dict(keys), ui.get("theme", ""), tuple(killfile.get("plugins", ())),
                  compose=ComposeConfig(**{("from_address" if k == "from" else k): v for k, v in compose.items()}),
                  mail=MailConfig(**mail), article=_article(where, data.get("article") or {}),
                  reading=ReadingConfig(**reading), newsrc=data.get("newsrc", ""))


_HEADER_NAME = re.compile(r"[!-9;-~]{1,76}")
"""A header field name (RFC 5322: printable ASCII but the colon)."""


def _article(where: _Locator, table: dict[str, Any]) -> ArticleConfig:
    """``[article] headers = ["From", ...]``: a list of header names, each checked."""
    _check_keys(where, "article.", table, _ARTICLE_KEYS)
    headers = table.get("headers", DEFAULT_HEADERS)
    for name in headers:
        if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
            raise where.error("article.headers", f"must list header names such as \"Reply-To\", not {name!r:.60}")
    return ArticleConfig(tuple(headers))


def _server(where: _Locator, name: str, entry: dict[str, Any]) -> ServerConfig:
    kinds = {f.name: f.type for f in fields(ServerConfig) if f.name != "name"}
    expected = {k: _PY_TYPES[str(t)] for k, t in kinds.items()}
    _check_keys(where, f"servers.{name}.", entry, expected)
    if "host" not in entry:
        raise where.error(f"servers.{name}", "needs host = \"...\"")
    tls = entry.get("tls", "none")
    if tls not in TLS_MODES:
        raise where.error(f"servers.{name}.tls", f"must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    values: dict[str, Any] = {k: (float(v) if expected[k] is float else v) for k, v in entry.items()}
    values["tls"] = TlsMode(tls)
    _check_numbers(where, name, values)
    return ServerConfig(name=name, **values)


def _check_numbers(where: _Locator, name: str, values: dict[str, Any]) -> None:
    """A timeout of 0, -1, nan or inf would hang or fail every command later, far from the typo."""
    timeout = values.get("timeout", 30.0)
    if not (math.isfinite(timeout) and timeout > 0):
        raise where.error(f"servers.{name}.timeout", f"must be a number of seconds above 0, not {timeout!r}")
    port = values.get("port", 0)
    if not 0 <= port <= 65535:
        raise where.error(f"servers.{name}.port", f"must be a TCP port (1-65535), not {port!r}")


_PY_TYPES: dict[str, type] = {"str": str, "int": int, "bool": bool, "bool | None": bool, "float": float,
                               "TlsMode": str}
"""ServerConfig's field annotations (strings here) -> the TOML value type each key takes."""


def _check_keys(where: _Locator, prefix: str, table: dict[str, Any], allowed: Mapping[str, type]) -> None:
    for key, value in table.items():
        if key not in allowed:
            raise where.error(prefix + key, f"unknown key{_nearest(key, allowed)}")
        kind = allowed[key]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise where.error(prefix + key, f"must be {_KIND_NAMES[kind]}, not {type(value).__name__} {value!r}")


_KIND_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number",
               dict: "a table", list: "a list"}


def _nearest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Locator:
    """Finds the line of a dotted key in the TOML text (tomllib keeps no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line_of(self, dotted: str) -> int:
        parts = dotted.split(".")
        key = parts[-1]
        table = ".".join(parts[:-1])
        current = ""
        for number, line in enumerate(self.lines, 1):
            stripped = line.strip()
            header = re.match(r"\[\s*([^\]]+?)\s*\]", stripped)
            if header:
                current = header.group(1).replace('"', "")
                if current == dotted:
                    return number
                continue
            if current == table and re.match(rf'"?{re.escape(key)}"?\s*=', stripped):
                return number
        return 0

    def error(self, dotted: str, message: str) -> ConfigError:
        line = self.line_of(dotted)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {dotted}: {message}")
