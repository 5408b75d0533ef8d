"""Turning declared-charset bytes into text without ever raising.

A charset name in an article is attacker-controlled and goes straight to
``codecs``: ``undefined`` raises on every call, ``idna`` and ``punycode`` refuse
``errors="replace"``, a name with NUL is a ValueError, and ``rot13`` or ``zlib``
are not text encodings at all. One unusable charset in one header once made a
whole group (and the store holding it) unreadable, so every decode of declared
text goes through ``decode_declared``: a real text codec with ``errors="replace"``,
anything else as UTF-8 if valid, else Latin-1 (which never fails).
"""

from __future__ import annotations

import codecs
from functools import lru_cache

_NOT_CHARSETS = frozenset({
    "undefined", "idna", "punycode", "unicode_escape", "raw_unicode_escape", "unicode_internal",
    "escape_codec", "string_escape",
})
"""Codecs Python calls text encodings that no mail or news charset label means."""


@lru_cache(maxsize=256)
def text_codec(name: str | None) -> str | None:
    """The codec for a charset label if it is a real text encoding, else None (never raises)."""
    if not name or len(name) > 64:
        return None
    try:
        info = codecs.lookup(name)
    except Exception:  # LookupError, ValueError (NUL), anything a search function throws
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name.replace("-", "_") in _NOT_CHARSETS:
        return None
    return info.name


def utf8_or_latin1(raw: bytes) -> str:
    """Undeclared 8-bit text: UTF-8 if it is valid, else Latin-1 (which never fails)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def decode_declared(raw: bytes, charset: str | None, default: str = "utf-8") -> str:
    """Bytes in a declared charset -> text; an unusable label falls back to UTF-8/Latin-1."""
    codec = text_codec(charset or default)
    if codec is None:
        return utf8_or_latin1(raw)
    try:
        return raw.decode(codec, errors="replace")
    except Exception:  # a codec that still cannot cope (state machines, odd error handling)
        return utf8_or_latin1(raw)

