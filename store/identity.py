"""Who "I" am when writing: the From of what pith sends, and whether an article is mine.

One answer for the composer, mail replies, ``pith cancel`` and ``pith supersede``:
``[compose] from``, else $EMAIL, else user@host. Cancelling or superseding is
allowed only for articles whose From address is that one (RFC 5537 lets only
the poster withdraw an article), compared as killfile rules compare authors
(nntp.addresses.address_key: lower-case, invisible characters removed).
"""

from __future__ import annotations

import getpass
import os

from nntp.addresses import address_key
from nntp.compose import make_message_id
from store.config import ComposeConfig


def from_address(config: ComposeConfig) -> str:
    """``[compose] from``, else $EMAIL, else user@host (``pith.invalid`` when the host has no domain)."""
    if config.from_address:
        return config.from_address
    if os.environ.get("EMAIL", "").strip():
        return os.environ["EMAIL"].strip()
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    host = make_message_id().rsplit("@", 1)[1].rstrip(">")
    return f"{user}@{host}"


def is_mine(from_value: str, me: str) -> bool:
    """Whether an article's From names my address (display names do not count)."""
    mine = address_key(me)
    return bool(mine) and "@" in mine and address_key(from_value) == mine
