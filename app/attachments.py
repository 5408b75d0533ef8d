"""The MIME parts of an article other than its text, decoded, and saving them safely.

The parts are picked the way nntp/article.py picks the body (the first
text/plain part without a file name is the body; every other leaf part is an
attachment), so the two lists agree. File names come from the article, so they
are reduced to a plain base name; an existing file is never overwritten: the
new one gets a ``-1``, ``-2`` ... suffix, and the file is opened exclusively.
"""

from __future__ import annotations

import email.message
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from nntp.article import safe_call
from nntp.mimetree import is_placeholder, parse_message, walk
from nntp.parse import decode_words
from nntp.sanitize import sanitize_line

MAX_NAME = 120


@dataclass(frozen=True)
class Attachment:
    """One decoded part: ``filename`` is already safe to create in a directory."""

    filename: str
    content_type: str
    data: bytes

    @property
    def label(self) -> str:
        """``name (type, size)`` for the header area."""
        return f"{self.filename} ({self.content_type}, {_size(len(self.data))})"


def attachments(raw: bytes) -> list[Attachment]:
    """Decoded attachments of a raw article (none for a single-part one)."""
    message = parse_message(raw)  # nesting bounded, never recursing (nntp/mimetree.py)
    if not message.is_multipart():
        return []
    found: list[Attachment] = []
    body_seen = False
    for part in walk(message):
        if part.is_multipart() or is_placeholder(part):
            continue
        ctype = part.get_content_type()
        name = safe_call(part.get_filename, None)
        if not body_seen and ctype == "text/plain" and not name:
            body_seen = True
            continue
        found.append(Attachment(safe_filename(name or "", len(found) + 1, ctype), ctype, _payload(part)))
    return found


def _payload(part: email.message.Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    return str(part.get_payload()).encode("utf-8", "surrogateescape")


def safe_filename(name: str, number: int, content_type: str) -> str:
    """A base name with no directories, control characters or leading dots; invented if empty."""
    text = sanitize_line(decode_words(name)).replace("\\", "/").split("/")[-1]
    text = "".join(ch for ch in text if ch.isprintable() and ch not in '<>:"|?*').strip().lstrip(".")
    if not text:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        text = f"attachment-{number}{extension}"
    if len(text) > MAX_NAME:
        stem, dot, suffix = text.rpartition(".")
        text = (stem[: MAX_NAME - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else text[:MAX_NAME]
    return text


def default_directory() -> Path:
    """Where downloads go on this system (XDG_DOWNLOAD_DIR, else ~/Downloads)."""
    return platformdirs.user_downloads_path()


def save_all(parts: list[Attachment], directory: Path) -> list[Path]:
    """Write each part into ``directory`` (created if needed); -> the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    return [_write_new(directory, part) for part in parts]


def _write_new(directory: Path, part: Attachment) -> Path:
    stem, suffix = Path(part.filename).stem, Path(part.filename).suffix
    for attempt in range(1000):
        target = directory / (part.filename if attempt == 0 else f"{stem}-{attempt}{suffix}")
        try:
            with target.open("xb") as out:
                out.write(part.data)
        except FileExistsError:
            continue
        return target
    raise FileExistsError(f"{directory}: too many files called {part.filename}")


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} B"
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / (1024 * 1024):.1f} MB"
