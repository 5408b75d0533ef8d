"""Building an article to post: our own Message-ID, encoded headers, checks before sending.

Pure functions. The Message-ID is made here, not by the server, so that a retry
after a lost reply can recognise its own article ("435 duplicate" means sent).
"""

from __future__ import annotations

import re
import secrets
import socket
import time
from email.header import Header
from email.utils import formatdate, parseaddr

_HEADER = re.compile(rb"^([!-9;-~]+):[ \t]?(.*)$")
_GROUP = re.compile(r"^[a-z0-9+_.-]+$", re.IGNORECASE)


def make_message_id(domain: str | None = None) -> str:
    """``<time.random@domain>``; unique without asking the server."""
    host = domain or socket.getfqdn()
    if "." not in host or host.endswith(".localdomain") or host == "localhost":
        host = "pith.invalid"
    return f"<{int(time.time())}.{secrets.token_hex(8)}@{host}>"


def split_article(raw: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """Header fields (unfolded, in order) and the body of an article as written in a file."""
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    fields: list[tuple[str, str]] = []
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + " " + line.strip().decode("utf-8", "surrogateescape"))
            continue
        match = _HEADER.match(line)
        if match:
            fields.append((match.group(1).decode(), match.group(2).decode("utf-8", "surrogateescape")))
        elif line.strip():
            fields.append(("", line.decode("utf-8", "surrogateescape")))  # reported by check_article
    return fields, body


def encode_value(value: str) -> str:
    """RFC 2047-encode a header value that is not plain ASCII."""
    try:
        value.encode("ascii")
        return value
    except UnicodeEncodeError:
        return Header(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), "utf-8").encode()


def check_article(fields: list[tuple[str, str]], known_groups: set[str] | None = None) -> list[str]:
    """Problems that would make a server refuse the article (empty list: fine)."""
    problems = []
    names = {k.lower(): v for k, v in fields if k}
    if any(not k for k, _ in fields):
        problems.append("a header line has no 'Name: value' shape")
    groups = [g.strip() for g in names.get("newsgroups", "").split(",") if g.strip()]
    if not groups:
        problems.append("Newsgroups is missing or empty")
    for group in groups:
        if not _GROUP.match(group):
            problems.append(f"Newsgroups: {group!r} is not a group name")
        elif known_groups is not None and group not in known_groups:
            problems.append(f"Newsgroups: {group} does not exist on this server")
    if not names.get("subject", "").strip():
        problems.append("Subject is missing or empty")
    address = parseaddr(names.get("from", ""))[1]
    if "@" not in address or address.startswith("@") or address.endswith("@"):
        problems.append("From needs a valid address (name@domain)")
    return problems


def finish_article(fields: list[tuple[str, str]], body: bytes, message_id: str | None = None) -> tuple[bytes, str]:
    """Add Message-ID and Date when missing, encode 8-bit headers; returns (raw, message_id)."""
    present = {k.lower() for k, _ in fields}
    fields = list(fields)
    if "message-id" not in present:
        fields.append(("Message-ID", message_id or make_message_id()))
    if "date" not in present:
        fields.append(("Date", formatdate(usegmt=True)))
    if "content-type" not in present and not body.isascii():
        fields += [("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=utf-8"),
                   ("Content-Transfer-Encoding", "8bit")]
    mid = next(v.strip() for k, v in fields if k.lower() == "message-id")
    head = "\n".join(f"{k}: {encode_value(v)}" for k, v in fields if k)
    if not body.endswith(b"\n"):
        body += b"\n"
    return head.encode("ascii", "replace") + b"\n\n" + body, mid
