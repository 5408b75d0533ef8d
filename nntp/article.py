"""Whole articles: bytes off the wire (or out of an archive) -> decoded, sanitized Article.

Uses the stdlib email parser in its lenient compat32 mode, which never raises on
the broken MIME real news is full of; anything it cannot decode is shown raw.
Nesting is bounded and walked without recursion (nntp/mimetree.py), charsets go
through nntp/charsets.py, and if anything still fails the article is shown as
sent with a note: one article can never stop a group, a sync or a command.
"""

from __future__ import annotations

import email.message
import re
from collections.abc import Callable
from typing import TypeVar

from nntp.charsets import decode_declared
from nntp.mimetree import DEEP_NOTE, is_placeholder, parse_message, walk
from nntp.models import Article
from nntp.parse import decode_words, parse_references, utf8_or_latin1
from nntp.sanitize import sanitize_line, sanitize_text

_T = TypeVar("_T")


def parse_article(raw: bytes, number: int | None = None) -> Article:
    """Decode headers (RFC 2047) and pick the text/plain body of a MIME article; never raises."""
    try:
        return _parse(raw, number)
    except Exception as exc:  # RecursionError included: contained to this one article
        return _as_sent(raw, number, exc)


def _parse(raw: bytes, number: int | None) -> Article:
    message = parse_message(raw)
    headers = tuple((sanitize_line(k), header_text(v)) for k, v in message.raw_items())
    message_id = _first_msgid(message.get("Message-ID", ""))
    body, attachments = _body_text(message)
    return Article(number, message_id, headers, sanitize_text(body), raw, tuple(attachments))


def _as_sent(raw: bytes, number: int | None, error: Exception) -> Article:
    """The article split at its first blank line, undecoded, with a note saying why."""
    text = utf8_or_latin1(raw).replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    headers = []
    for line in head.replace("\n\t", " ").replace("\n ", " ").split("\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers.append((sanitize_line(name.strip()), header_text(value)))
    message_id = next((_first_msgid(v) for k, v in headers if k.lower() == "message-id"), "")
    note = f"[pith: this article could not be decoded ({type(error).__name__}); shown as sent]"
    return Article(number, message_id, tuple(headers), sanitize_text(f"{note}\n\n{body}"), raw)


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


_FOLD = re.compile(r"\r?\n[ \t]*")


def header_text(value: object) -> str:
    """One header value for display: unfolded, 8-bit recovered, RFC 2047 decoded, sanitized."""
    return sanitize_line(decode_words(undo_surrogates(_unfold(value)))).strip()


def _unfold(value: object) -> str:
    """A folded header on one line; a fold's indentation is one space, as mutt and slrn show it."""
    return _FOLD.sub(" ", str(value))


def _first_msgid(value: object) -> str:
    ids = parse_references(_unfold(value))
    return ids[0] if ids else str(value).strip()


def _body_text(message: email.message.Message) -> tuple[str, list[str]]:
    """The first text/plain part, decoded (else the first text/html one, as text); other parts listed as
    attachments; a note for parts not parsed."""
    text: str | None = None
    html: email.message.Message | None = None
    attachments: list[str] = []
    hidden = False
    for part in walk(message):
        if part.is_multipart():
            continue
        if is_placeholder(part):
            hidden = True
            continue
        ctype = part.get_content_type()
        filename = safe_call(part.get_filename, None)
        if text is None and ctype == "text/plain" and not filename:
            text = _decode_part(part)
        elif part is not message:
            attachments.append(f"{sanitize_line(decode_words(filename or ''))} ({ctype})".strip())
        if html is None and ctype == "text/html" and not filename:
            html = part
    if text is None and html is not None:  # HTML-only mail: shown as text (nntp/html_text.py)
        from nntp.html_text import html_to_text  # html.parser: only for such mail, not at start-up

        text = html_to_text(_decode_part(html))
    if text is None:
        text = _decode_part(message) if not message.is_multipart() else ""
    if hidden:
        text = f"{text.rstrip()}\n\n{DEEP_NOTE}\n" if text.strip() else DEEP_NOTE + "\n"
    return text, attachments


def safe_call(call: Callable[[], _T], default: _T) -> _T:
    """A stdlib accessor that decodes attacker-chosen RFC 2231 charsets (and can raise on them)."""
    try:
        return call()
    except Exception:
        return default


def _decode_part(part: email.message.Message) -> str:
    payload = safe_call(lambda: part.get_payload(decode=True), None)
    if not isinstance(payload, bytes):
        return safe_call(lambda: str(part.get_payload()), "")
    charset = safe_call(part.get_content_charset, None) or "utf-8"
    text = decode_declared(payload, charset)
    if "\ufffd" in text and charset.lower() in ("utf-8", "us-ascii", "ascii"):
        text = utf8_or_latin1(payload)
    if safe_call(lambda: str(part.get_param("format", "")), "").lower() == "flowed":
        delsp = safe_call(lambda: str(part.get_param("delsp", "")), "").lower() == "yes"
        text = unflow(text, delsp=delsp)
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
