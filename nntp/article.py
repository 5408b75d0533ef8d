"""Whole articles: bytes off the wire (or out of an archive) -> decoded, sanitized Article.

Uses the stdlib email parser in its lenient compat32 mode, which never raises on
the broken MIME real news is full of; anything it cannot decode is shown raw.
"""

from __future__ import annotations

import email
import email.message
from email import policy

from nntp.models import Article
from nntp.parse import decode_words, parse_references, utf8_or_latin1
from nntp.sanitize import sanitize_line, sanitize_text


def parse_article(raw: bytes, number: int | None = None) -> Article:
    """Decode headers (RFC 2047) and pick the text/plain body of a MIME article."""
    message = email.message_from_bytes(raw, policy=policy.compat32)
    headers = tuple((sanitize_line(k), header_text(v)) for k, v in message.raw_items())
    message_id = _first_msgid(message.get("Message-ID", ""))
    body, attachments = _body_text(message)
    return Article(number, message_id, headers, sanitize_text(body), raw, tuple(attachments))


def references_of(message: email.message.Message) -> tuple[str, ...]:
    """References, falling back to the last In-Reply-To id (mail clients)."""
    refs = parse_references(_unfold(str(message.get("References", "") or "")))
    if refs:
        return refs
    in_reply_to = parse_references(_unfold(str(message.get("In-Reply-To", "") or "")))
    return in_reply_to[-1:]


def undo_surrogates(text: str) -> str:
    """Raw 8-bit header bytes (kept by the email parser as surrogates): UTF-8, else Latin-1."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("ascii", "surrogateescape")
    return utf8_or_latin1(raw)


def header_text(value: object) -> str:
    """One header value for display: unfolded, 8-bit recovered, RFC 2047 decoded, sanitized."""
    return sanitize_line(decode_words(undo_surrogates(_unfold(value)))).strip()


def _unfold(value: object) -> str:
    text = str(value)
    return text.replace("\r\n", "\n").replace("\n\t", " ").replace("\n ", " ").replace("\n", " ")


def _first_msgid(value: object) -> str:
    ids = parse_references(_unfold(value))
    return ids[0] if ids else str(value).strip()


def _body_text(message: email.message.Message) -> tuple[str, list[str]]:
    """The first text/plain part, decoded; other parts listed as attachments."""
    text: str | None = None
    attachments: list[str] = []
    parts = message.walk() if message.is_multipart() else iter([message])
    for part in parts:
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        filename = part.get_filename()
        if text is None and ctype == "text/plain" and not filename:
            text = _decode_part(part)
        elif part is not message:
            attachments.append(f"{sanitize_line(decode_words(filename or ''))} ({ctype})".strip())
    if text is None:
        text = _decode_part(message) if not message.is_multipart() else ""
    return text, attachments


def _decode_part(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:  # unknown charset: try UTF-8, then bytes as Latin-1
        text = payload.decode("utf-8", errors="replace")
    if "\ufffd" in text and charset.lower() in ("utf-8", "us-ascii", "ascii"):
        text = utf8_or_latin1(payload)
    if part.get_param("format", "").lower() == "flowed":
        text = unflow(text, delsp=part.get_param("delsp", "").lower() == "yes")
    return text


def unflow(text: str, delsp: bool = False) -> str:
    """RFC 3676 format=flowed: join soft-broken lines (ending in a space) of equal quote depth.

    The quote marks of a continuation line are dropped (section 4.5), so a flowed,
    quoted paragraph reads ``> one long line`` rather than ``> part > part``.
    """
    out: list[str] = []
    current: str | None = None
    current_depth = -1
    for raw_line in text.split("\n"):
        line = raw_line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing (or the space after the quote marks)
        if current is not None and depth != current_depth:
            out.append(_quoted(current_depth, current))
            current = None
        flowed = content.endswith(" ") and content != "-- "
        piece = content[:-1] if (flowed and delsp) else content
        current = piece if current is None else current + piece
        current_depth = depth
        if not flowed:
            out.append(_quoted(depth, current))
            current = None
    if current is not None:
        out.append(_quoted(current_depth, current))
    return "\n".join(out)


def _quoted(depth: int, content: str) -> str:
    return (">" * depth + " " + content) if depth else content
