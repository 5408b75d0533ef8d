"""Building an article or a mail to send: our own Message-ID, standards-true headers, checks first.

Pure functions. The Message-ID is made here, not by the server, so that a retry
after a lost reply can recognise its own article ("435 duplicate" means sent).

One builder serves ``pith post``, the composer and mail replies, so what one
server accepts the others get too. Servers refuse what older code sent
(INN: "441 Address in From header field not in Internet syntax" for an encoded
address, "441 Header line too long" for 40 unfolded References), hence:

- RFC 2047 only where RFC 5322 allows it: display names (through the ``email``
  package's address headers) and unstructured text such as Subject; the
  addresses and every structured news header (References, Newsgroups, ...) stay
  in clear and are folded at their spaces, never encoded;
- every line folded at 78 where there is a space, and never beyond 998;
- a text body whose lines exceed 998 octets goes quoted-printable;
- Date with a numeric zone, ``User-Agent: pith/VERSION``, and a Message-ID whose
  right-hand side is the From domain (or the one given), not ``pith.invalid``.
"""

from __future__ import annotations

import re
import secrets
import socket
import time
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, getaddresses

from nntp.addresses import MAX_COMMENT_DEPTH, comment_depth
from nntp.errors import PithError

POLICY = EmailPolicy(max_line_length=78, linesep="\n", cte_type="8bit")
"""The ``email`` policy of everything built here: folds at 78, LF (client.post sends CRLF)."""
MAX_LINE = 998
"""RFC 5322 2.1.1: no line of a message may be longer (CRLF not counted)."""
ADDRESS_HEADERS = frozenset({"from", "sender", "reply-to", "to", "cc", "bcc", "mail-followup-to",
                             "mail-reply-to", "approved"})
"""Values that are address lists: only their display names may be RFC 2047-encoded."""
TEXT_HEADERS = frozenset({"subject", "organization", "summary", "keywords", "comments",
                          "content-description", "x-face", "user-agent"})
"""Unstructured text: RFC 2047 where not ASCII (X-* headers count as text too)."""
_HEADER = re.compile(rb"^([!-9;-~]+):[ \t]?(.*)$")
_NAME = re.compile(r"^[!-9;-~]+$")
_GROUP = re.compile(r"^[a-z0-9+_.-]+$", re.IGNORECASE)
_BODY_HEADERS = ("MIME-Version", "Content-Type", "Content-Transfer-Encoding")


def user_agent() -> str:
    """``pith/VERSION`` (nntp/version.py); plain ``pith`` when the version cannot be known."""
    from nntp.version import pith_version

    found = pith_version()
    return "pith" if found == "unknown" else f"pith/{found}"


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


# -- checks ------------------------------------------------------------------
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
    problems += _from_problems(names.get("from", ""))
    return problems + header_problems(fields)


def _from_problems(value: str) -> list[str]:
    pairs = _addresses(value)
    if pairs is None or len(pairs) != 1 or not _is_address(pairs[0][1]):
        return ["From needs a valid address (name@domain)"]
    return []


def header_problems(fields: list[tuple[str, str]]) -> list[str]:
    """What the builder could not write standards-true: each names the header and why."""
    problems = []
    for name, value in fields:
        if not name:
            continue
        why = _header_problem(name, value)
        if why:
            problems.append(f"{name}: {why}")
    return problems


def _header_problem(name: str, value: str) -> str:
    lowered = name.lower()
    if any(ord(c) < 32 and c != "\t" or c == "\x7f" for c in value):
        return "contains control characters"
    if lowered in ADDRESS_HEADERS:
        return "" if _addresses(value) is not None else "cannot be read as addresses (name <user@domain>)"
    if not value.isascii() and lowered not in TEXT_HEADERS and not lowered.startswith("x-"):
        return "must be plain ASCII (only text such as Subject may carry other characters)"
    if any(len(word) > MAX_LINE - len(name) - 2 for word in value.split()):
        return f"has a word longer than a line may be ({MAX_LINE} octets)"
    return ""


def _is_address(addr: str) -> bool:
    local, at, domain = addr.rpartition("@")
    return bool(at and local and domain and " " not in addr)


def _addresses(value: str) -> list[tuple[str, str]] | None:
    """(display name, address) pairs of an address list; None when it cannot be read.

    The stdlib parsers recurse into nested comments: a value nested deeper than
    nntp.addresses allows is unreadable, not a crash (nor a RecursionError).
    """
    clean = _clean(value)
    if comment_depth(clean) > MAX_COMMENT_DEPTH:
        return None
    try:
        pairs = getaddresses([clean])
    except (RecursionError, ValueError, IndexError):
        return None
    found = [(n, a) for n, a in pairs if n or a]
    if not found or any(not _is_address(a) for _, a in found):
        return None
    return found


# -- building ------------------------------------------------------------------
def finish_article(fields: list[tuple[str, str]], body: bytes, message_id: str | None = None,
                   domain: str | None = None) -> tuple[bytes, str]:
    """The article to send, as bytes with LF line ends, and its Message-ID.

    Message-ID, Date and User-Agent are added when missing. Raises PithError naming
    the header when one cannot be written (check_article reports the same first).
    """
    fields = [(k, _clean(v)) for k, v in fields if k]
    present = {k.lower() for k, _ in fields}
    if "message-id" not in present:
        fields.append(("Message-ID", message_id or make_message_id(domain or _from_domain(fields))))
    if "date" not in present:
        fields.append(("Date", format_datetime(datetime.now(timezone.utc).astimezone())))
    if "user-agent" not in present:
        fields.append(("User-Agent", user_agent()))
    body_fields, body = _body(body) if "content-type" not in present else ([], body)
    head = b"".join(fold_header(k, v) for k, v in fields + body_fields)
    mid = next(v.strip() for k, v in fields if k.lower() == "message-id")
    if not body.endswith(b"\n"):
        body += b"\n"
    return head + b"\n" + body, mid


def build_mail(fields: list[tuple[str, str]], body: str) -> bytes:
    """A whole RFC 5322 mail (To, Cc, ... in ``fields``) through the same builder as articles."""
    return finish_article(fields, body.encode("utf-8"))[0]


def _clean(value: str) -> str:
    """A header value as text, outer space stripped; bytes that were not UTF-8 read as Latin-1, as the body is."""
    raw = value.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return raw.decode("latin-1").strip()


def _from_domain(fields: list[tuple[str, str]]) -> str | None:
    value = next((v for k, v in fields if k.lower() == "from"), "")
    pairs = _addresses(value)
    if not pairs:
        return None
    return pairs[0][1].rpartition("@")[2].lower() or None


def fold_header(name: str, value: str) -> bytes:
    """One header field, folded, as ASCII bytes ending in LF; PithError if it cannot be."""
    why = _header_problem(name, value)
    if why:
        raise PithError(f"{name}: {why}")
    lowered = name.lower()
    if lowered in ADDRESS_HEADERS:
        return _fold_addresses(name, value)
    if not value.isascii():
        return _fold_text(name, value)
    return fold_words(name, value).encode("ascii")


def fold_words(name: str, value: str, width: int = 78) -> str:
    """``Name: value`` folded at its spaces, lines of at most ``width`` where a space allows.

    For structured headers (References, Newsgroups, Message-ID): nothing is encoded;
    a word longer than the width stands on a line of its own.
    """
    lines = [f"{name}:"]
    for word in value.split():
        if len(lines[-1]) + 1 + len(word) > width and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += " " + word
    return "\n".join(lines) + "\n"


def _fold_text(name: str, value: str) -> bytes:
    """Unstructured non-ASCII text: the ``email`` policy encodes (RFC 2047) and folds it."""
    return _ascii(name, POLICY.header_factory(name, value).fold(policy=POLICY))


def _ascii(name: str, folded: str) -> bytes:
    try:
        return folded.encode("ascii")
    except UnicodeEncodeError:
        raise PithError(f"{name}: cannot be encoded for sending") from None


def _fold_addresses(name: str, value: str) -> bytes:
    """Address headers: display names encoded when needed, addresses always in clear."""
    pairs = _addresses(value) or []
    if all(n.isascii() for n, _ in pairs):
        return fold_words(name, ", ".join(_plain(n, a) for n, a in pairs)).encode("ascii")
    try:
        items = [Address(display_name=n, addr_spec=a) for n, a in pairs]
        return _ascii(name, POLICY.header_factory(name, items).fold(policy=POLICY))
    except (ValueError, IndexError, TypeError, RecursionError):
        raise PithError(f"{name}: cannot be read as addresses (name <user@domain>)") from None


def _plain(name: str, addr: str) -> str:
    """An ASCII display name and address, quoted only when the name needs it."""
    if not name:
        return addr
    return f"{Address(display_name=name, addr_spec=addr)}" if _needs_quotes(name) else f"{name} <{addr}>"


def _needs_quotes(name: str) -> bool:
    return any(c in name for c in '()<>[]:;@\\,."')


def _body(body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """MIME headers and the encoded body of a plain-text body.

    Text that is not UTF-8 is read as Latin-1 (lossless, and the usual other
    charset of a hand-written file), so the declared charset is always true.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    text = text.replace("\r\n", "\n")
    if text.isascii() and _longest(text) <= MAX_LINE:
        return [], text.encode("ascii")
    cte = "quoted-printable" if _longest(text) > MAX_LINE else "8bit"
    part = EmailMessage(policy=POLICY)
    part.set_content(text, charset="utf-8", cte=cte)
    head, _, encoded = part.as_bytes().partition(b"\n\n")
    return [(n, str(part[n])) for n in _BODY_HEADERS], encoded


def _longest(text: str) -> int:
    return max((len(line.encode("utf-8")) for line in text.split("\n")), default=0)


def encode_value(value: str) -> str:
    """RFC 2047-encode an unstructured header value that is not plain ASCII (kept for old callers)."""
    if value.isascii():
        return value
    return " ".join(_fold_text("X-Text", value).decode("ascii")[len("X-Text:"):].split())
