"""Cancel-Lock and Cancel-Key (RFC 8315): proof that a cancel or supersede comes from the poster.

Every article pith posts carries ``Cancel-Lock: sha256:<lock>``; a cancel or a
supersede of it carries ``Cancel-Key: sha256:<key>``. A server such as INN with
``docancels: require-auth`` withdraws an article only when the hash of the key
matches the lock, so nobody but the holder of the secret can cancel it. The key
of an article is derived from a local secret and its Message-ID (RFC 8315
section 4: HMAC over the Message-ID), so nothing per article has to be stored.
Pure functions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SCHEME = "sha256"


def cancel_key(secret: bytes, message_id: str) -> str:
    """The c-key of an article: base64 of HMAC-SHA256(secret, Message-ID)."""
    digest = hmac.new(secret, message_id.strip().encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def cancel_lock(key: str) -> str:
    """The c-lock published in the article: base64 of SHA-256 of the c-key's text."""
    return base64.b64encode(hashlib.sha256(key.encode("ascii")).digest()).decode("ascii")


def lock_header(secret: bytes, message_id: str) -> str:
    """The value of the Cancel-Lock header of the article ``message_id``."""
    return f"{SCHEME}:{cancel_lock(cancel_key(secret, message_id))}"


def key_header(secret: bytes, message_id: str) -> str:
    """The value of the Cancel-Key header of a cancel or supersede of ``message_id``."""
    return f"{SCHEME}:{cancel_key(secret, message_id)}"


def unlocks(key_value: str, lock_value: str) -> bool:
    """Whether a Cancel-Key value opens any lock of a Cancel-Lock value (what a server checks)."""
    keys = [k.split(":", 1)[1] for k in key_value.split() if k.lower().startswith(SCHEME + ":")]
    locks = {v.split(":", 1)[1] for v in lock_value.split() if v.lower().startswith(SCHEME + ":")}
    return any(cancel_lock(k) in locks for k in keys)
