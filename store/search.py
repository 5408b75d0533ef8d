"""Full-text search over cached headers and bodies (SQLite FTS5), kept in step with the cache.

One FTS document per Message-ID (a crosspost is indexed once): subject and author
from its overview, the decoded text of its body once the body is cached; where each
article is (group, number, date) is kept beside it (``search_head``, written from the
packs by store/headindex.py). What a fetch stores is queued in its own transaction and
indexed before a search answers, so a crash never leaves the two out of step. ``search`` is the one query
function: ``pith search`` prints it, the reader's ``/`` shows it.

Queries are words (all must match), "quoted phrases", ``prefix*`` and column
filters ``subject:``, ``from:``, ``body:``; nothing the user types is passed to
FTS5's own syntax, so no query can fail with an FTS5 syntax error.
"""

from __future__ import annotations

import binascii
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone

from nntp.charsets import decode_declared, utf8_or_latin1
from killfile.spoilers import Segment, detect, subject_is_spoiler
from nntp.sanitize import sanitize_line

INDEX_LIMIT = 256 * 1024
"""Characters of a body that are indexed; the rest of a monster attachment is not."""
HIGHLIGHT = ("«", "»")
"""Marks around the matched words in a snippet."""

_CTYPE = re.compile(rb"(?im)^content-type:[ \t]*([^;\r\n]*)((?:;[^\r\n]*|\r?\n[ \t][^\r\n]*)*)")
_CTE = re.compile(rb"(?im)^content-transfer-encoding:[ \t]*([^\s;]+)")
_CHARSET = re.compile(rb"""(?i)charset\s*=\s*"?([^";\s]+)""")
_TOKEN = re.compile(r'(?:(subject|from|author|body):)?(?:"([^"]*)"?|(\S+))', re.IGNORECASE)
_COLUMN = {"subject": "subject", "from": "author", "author": "author", "body": "body"}


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching article, as ``pith search`` prints it."""

    group: str
    number: int
    message_id: str
    subject: str
    author: str
    date: datetime | None
    snippet: str
    """Sanitized text around the match, the matched words between HIGHLIGHT marks."""


# -- what gets indexed ------------------------------------------------------
def index_text(raw: bytes) -> str:
    """The text of a body as the reader shows it, cheaply for the common single-part case.

    Plain single-part mail (most of any list) is decoded here directly; MIME
    multiparts and flowed text go through the full parser (parse_article).
    """
    end = raw.find(b"\n\n")
    crlf = raw.find(b"\r\n\r\n")
    if crlf >= 0 and (end < 0 or crlf < end):
        head, body = raw[:crlf], raw[crlf + 4 :]
    elif end >= 0:
        head, body = raw[:end], raw[end + 2 :]
    else:
        return ""
    ctype = _CTYPE.search(head)
    kind = ctype.group(1).strip().lower() if ctype else b"text/plain"
    params = ctype.group(2) if ctype else b""
    if kind not in (b"text/plain", b""):
        return _parsed_body(raw)
    cte = _CTE.search(head)
    encoding = cte.group(1).lower() if cte else b"7bit"
    try:
        if encoding == b"quoted-printable":
            body = binascii.a2b_qp(body)
        elif encoding == b"base64":
            body = binascii.a2b_base64(body)
    except (binascii.Error, ValueError):
        return _parsed_body(raw)
    charset = _CHARSET.search(params)
    text = _decode(body[: INDEX_LIMIT * 4], charset.group(1).decode("ascii", "replace") if charset else "")
    if b"flowed" in params.lower():
        from nntp.article import unflow  # late: see _parsed_body

        text = unflow(text.replace("\r\n", "\n"), delsp=b"delsp=yes" in params.lower().replace(b" ", b""))
    return text[:INDEX_LIMIT]



def _parsed_body(raw: bytes) -> str:
    """A body through the full parser, imported late: the email package (~10 ms) is not needed to
    start the reader (issue 17)."""
    from nntp.article import parse_article

    return parse_article(raw).body[:INDEX_LIMIT]


def _decode(data: bytes, charset: str) -> str:
    if charset and charset.lower() not in ("us-ascii", "ascii", "utf-8", "utf8"):
        return decode_declared(data, charset)  # never raises ("idna", "undefined", NUL...)
    return utf8_or_latin1(data)


# -- keeping the index in step (callers hold the write transaction) ----------
def queue_overviews(db: sqlite3.Connection, grp: str, first: int, last: int) -> None:
    """Note articles ``first..last`` for indexing later (fetching 150,000 overviews should not wait for FTS)."""
    db.execute("INSERT INTO search_pending VALUES (?,?,?)", (grp, first, last))


def pending(db: sqlite3.Connection, bodies: bool = True) -> int:
    """Queued ranges not yet indexed (and, with ``bodies``, bodies synced but not yet indexed: store/bodyindex.py)."""
    from store import bodyindex  # late: it imports this module

    ranges = int(db.execute("SELECT COUNT(*) FROM search_pending").fetchone()[0])
    return ranges + (bodyindex.pending(db) if bodies else 0)


def catch_up(db: sqlite3.Connection, ranges: int | None = None, bodies: bool = True) -> int:
    """Index queued ranges (all, or the first ``ranges``: store/headindex.py) and then, with ``bodies``, queued
    bodies (all, or BODIES_PER_RANGE per range); returns how many remain. Caller holds the transaction."""
    from store import bodyindex, headindex

    sql = "SELECT rowid, grp, first, last FROM search_pending ORDER BY rowid"
    queued = db.execute(sql + (f" LIMIT {int(ranges)}" if ranges else "")).fetchall()
    if queued:
        headindex.index_ranges(db, queued)
    if bodies:
        bodyindex.catch_up(db, ranges * bodyindex.BODIES_PER_RANGE if ranges else None)
    return pending(db, bodies)


def index_body(db: sqlite3.Connection, message_id: str, text: str) -> None:
    """Put a cached body's text in the index (a document without headers yet is created)."""
    row = db.execute("SELECT id FROM search_doc WHERE message_id=?", (message_id,)).fetchone()
    if row is None:
        doc = db.execute("INSERT INTO search_doc (message_id, has_body) VALUES (?, 1)", (message_id,)).lastrowid
        db.execute("INSERT INTO search_fts (rowid, subject, author, body) VALUES (?, '', '', ?)", (doc, text))
        return
    db.execute("UPDATE search_fts SET body=? WHERE rowid=?", (text, row[0]))
    db.execute("UPDATE search_doc SET has_body=1 WHERE id=?", (row[0],))


def index_document(db: sqlite3.Connection, message_id: str, subject: str, author: str, text: str) -> None:
    """Headers and body text in one go (archive import: cheaper than indexing them apart)."""
    row = db.execute("SELECT id FROM search_doc WHERE message_id=?", (message_id,)).fetchone()
    if row is None:
        doc = db.execute("INSERT INTO search_doc (message_id, has_head, has_body) VALUES (?, 1, 1)",
                         (message_id,)).lastrowid
        db.execute("INSERT INTO search_fts (rowid, subject, author, body) VALUES (?, ?, ?, ?)",
                   (doc, subject, author, text))
        return
    db.execute("UPDATE search_fts SET subject=?, author=?, body=? WHERE rowid=?", (subject, author, text, row[0]))
    db.execute("UPDATE search_doc SET has_head=1, has_body=1 WHERE id=?", (row[0],))


def unindex_bodies(db: sqlite3.Connection, message_ids: list[str]) -> None:
    """Bodies were expired: their text leaves the index, their headers stay."""
    for message_id in message_ids:
        row = db.execute("SELECT id FROM search_doc WHERE message_id=? AND has_body=1", (message_id,)).fetchone()
        if row:
            db.execute("UPDATE search_fts SET body='' WHERE rowid=?", (row[0],))
            db.execute("UPDATE search_doc SET has_body=0 WHERE id=?", (row[0],))


def body_text_sizes(db: sqlite3.Connection, message_ids: list[str]) -> dict[str, int]:
    """Message-ID -> bytes of its body text in the index, for those of ``message_ids`` indexed (expire counts
    this copy with the body it came from)."""
    out: dict[str, int] = {}
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start : start + 500]
        out.update((str(m), int(n)) for m, n in db.execute(
            "SELECT d.message_id, length(CAST(f.body AS BLOB)) FROM search_doc d JOIN search_fts f ON f.rowid = d.id "
            f"WHERE d.has_body=1 AND d.message_id IN ({','.join('?' * len(chunk))})", chunk))
    return out


def drop_documents(db: sqlite3.Connection, message_ids: list[str]) -> None:
    """Forget the documents of Message-IDs no article and no body refers to any more (the caller knows)."""
    for message_id in message_ids:
        row = db.execute("SELECT id FROM search_doc WHERE message_id=?", (message_id,)).fetchone()
        if row:
            db.execute("DELETE FROM search_head WHERE doc=?", (row[0],))
            db.execute("DELETE FROM search_fts WHERE rowid=?", (row[0],))
            db.execute("DELETE FROM search_doc WHERE id=?", (row[0],))


def reindex_bodies(db: sqlite3.Connection) -> None:
    """Index every cached body (the migration that adds the index runs this; headers are queued by
    the migration that makes packs the one stored form, store/schema.py)."""
    db.execute("DELETE FROM search_fts")
    db.execute("DELETE FROM search_doc")
    for message_id, raw in db.execute("SELECT message_id, raw FROM bodies").fetchall():
        index_body(db, message_id, index_text(bytes(raw)))


# -- querying --------------------------------------------------------------
def match_expression(query: str) -> str:
    """The user's words -> an FTS5 expression: every term quoted, so none is syntax."""
    terms: list[str] = []
    for found in _TOKEN.finditer(query):
        column, phrase, word = found.group(1), found.group(2), found.group(3)
        text = phrase if phrase is not None else word
        prefix = phrase is None and text.endswith("*") and len(text) > 1
        text = text.rstrip("*") if prefix else text
        if not re.search(r"[^\W_]", text):
            continue
        term = '"' + text.replace('"', '""') + '"' + ("*" if prefix else "")
        terms.append(f"{_COLUMN[column.lower()]} : {term}" if column else term)
    return " AND ".join(terms)


def search(db: sqlite3.Connection, query: str, group: str | None = None, author: str | None = None,
           since: datetime | None = None, limit: int | None = 50, order: str = "date") -> list[SearchHit]:
    """Cached articles matching ``query`` (and the filters), newest first (or best first)."""
    expression = match_expression(query)
    where, params = _filters(group, author, since)
    sql = ("SELECT o.grp, o.number, d.message_id, search_fts.subject, search_fts.author, o.date, d.id "
           "FROM search_head o JOIN search_doc d ON d.id = o.doc JOIN search_fts ON search_fts.rowid = o.doc")
    if expression:
        sql += " WHERE search_fts MATCH ?"
        params = [expression, *params]
    else:
        sql += " WHERE 1"
    ordering = "search_fts.rank, o.date DESC" if order == "rank" and expression else "o.date DESC"
    sql += "".join(f" AND {w}" for w in where) + f" ORDER BY {ordering}, o.grp, o.number"
    if limit:
        sql += f" LIMIT {int(limit)}"
    rows = db.execute(sql, params).fetchall()
    snippets = _snippets(db, expression, [r[6] for r in rows]) if expression else {}
    return [
        SearchHit(grp, number, mid, subject, who,
                  datetime.fromtimestamp(date, timezone.utc) if date is not None else None, snippets.get(doc, ""))
        for grp, number, mid, subject, who, date, doc in rows
    ]


def _filters(group: str | None, author: str | None, since: datetime | None) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    if group:
        where.append("o.grp = ?")
        params.append(group)
    if author:
        escaped = author.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("search_fts.author LIKE ? ESCAPE '\\'")
        params.append(f"%{escaped}%")
    if since is not None:
        where.append("o.date >= ?")
        params.append(int(since.timestamp()))
    return where, params


def _snippets(db: sqlite3.Connection, expression: str, docs: list[int]) -> dict[int, str]:
    """Snippets only for the hits shown: FTS5 would build one for every match otherwise."""
    wanted = sorted(set(docs))
    out: dict[int, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for doc, text, subject, author, body in db.execute(
            f"SELECT rowid, snippet(search_fts, -1, char(2), char(3), '…', 12), subject, author, body FROM search_fts "
            f"WHERE search_fts MATCH ? AND rowid IN ({marks})", (expression, *chunk)):
            out[doc] = _clean_snippet(_spoiler_safe(text, subject, author, body))
    return out


SPOILER_HIDDEN = "[spoiler: text hidden]"
SPOILER_MARK = " [spoiler] "
"""The snippet of a match inside a spoiler: the hit list must not tell what the pager hides (v reveals)."""


def _spoiler_safe(snippet: str, subject: str, author: str, body: str) -> str:
    """``snippet`` when it shows only text the pager shows too (the subject, the author, a visible part
    of the body), else SPOILER_HIDDEN: a snippet reaching into a spoiler would give it away."""
    if "\f" not in body and "[spoiler" not in body.lower() and not subject_is_spoiler(subject):
        return snippet
    core = snippet.replace("\x02", "").replace("\x03", "").strip("…")
    segments = detect(subject, body).segments
    if any(core in text for text in (subject, author, *(s.text for s in segments if not s.hidden))):
        return snippet
    term = re.search("\x02(.*?)\x03", snippet)
    return _visible_snippet(term.group(1), segments) if term else SPOILER_HIDDEN


def _visible_snippet(term: str, segments: tuple[Segment, ...], words: int = 6) -> str:
    """A snippet around ``term`` in the visible text, the spoilers replaced by a mark; SPOILER_HIDDEN
    when the term is only in a spoiler."""
    offset = 0
    masked = "".join(SPOILER_MARK if segment.hidden else segment.text for segment in segments)
    for segment in segments:
        found = -1 if segment.hidden else segment.text.lower().find(term.lower())
        if found >= 0:
            at = offset + found
            first, *after = masked[at:].split()[:words + 1]
            marked = f"\x02{first[:len(term)]}\x03{first[len(term):]}"
            return " ".join([*masked[:at].split()[-words:], marked, *after])
        offset += len(SPOILER_MARK if segment.hidden else segment.text)
    return SPOILER_HIDDEN


def _clean_snippet(text: str) -> str:
    text = sanitize_line(text.replace("\x02", HIGHLIGHT[0]).replace("\x03", HIGHLIGHT[1]))
    return " ".join(text.split())
