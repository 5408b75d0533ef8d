"""A hostile fake NNTP server on 127.0.0.1 serving the hostile corpus (tests/hostile/corpus.py).

It extends tests/fakes/server.py's FakeServer (one thread per connection, loopback only) with a
small reader protocol: CAPABILITIES, MODE READER, LIST ACTIVE/NEWSGROUPS/OVERVIEW.FMT, GROUP,
LISTGROUP, OVER/XOVER, HDR/XHDR, ARTICLE/HEAD/BODY/STAT, POST, DATE, QUIT. Overview lines carry
the articles' raw header bytes (hostile ones included), plus two overview-only lines whose
articles are gone. Every error reply is itself hostile (ESC, OSC, C1, bidi).

Modes (``mode=``), each a way a server can attack a client:

- ``normal``: the corpus; POST answers 441 with hostile text; unknown articles 430 <ESC...>.
- ``garbage-greeting``: a 64 KB greeting line full of ESC sequences.
- ``greeting-400``: ``400`` with escapes, then the connection closes.
- ``article-430`` / ``group-411`` / ``post-440``: those commands always fail, hostile-worded.
- ``drip-greeting`` / ``drip-reply``: the greeting (or every multi-line reply) one byte every
  1.5 s, so no single read times out while the reply never ends.
- ``cut-over``: an OVER answer cut in the middle of a line; the connection closes.

The server is bounded: it stops by itself after ``lifetime`` seconds, a drip after ``DRIP_FOR``
seconds, and every connection times out.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from typing import BinaryIO

from tests.fakes.server import FakeServer
from tests.hostile import corpus
from tests.hostile.corpus import HostileArticle, HostileGroup

MODES = ("normal", "garbage-greeting", "greeting-400", "article-430", "group-411", "post-440",
         "drip-greeting", "drip-reply", "cut-over")
EVIL = b"\x1b[2J\x1b]0;owned\x07\x1b]52;c;aGVsbG8=\x07 \xc2\x9b31m \x9b2J \xe2\x80\xae"
"""Hostile bytes for reply texts: CSI, OSC 0, OSC 52, C1 (UTF-8 and raw), a bidi override."""
DRIP_EVERY = 1.5
DRIP_FOR = 60.0
OVERVIEW_FMT = b"Subject:\r\nFrom:\r\nDate:\r\nMessage-ID:\r\nReferences:\r\n:bytes\r\n:lines\r\nXref:full\r\n"
CAPS = b"VERSION 2\r\nREADER\r\nOVER\r\nHDR\r\nPOST\r\nLIST ACTIVE NEWSGROUPS OVERVIEW.FMT HEADERS\r\n"


def headers_of(raw: bytes) -> dict[bytes, bytes]:
    """Unfolded header values by lower-cased name (first one wins), raw bytes kept."""
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    values: dict[bytes, bytes] = {}
    last = b""
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and last:
            values[last] += b" " + line.strip()
        elif b":" in line:
            name, _, value = line.partition(b":")
            last = name.strip().lower()
            values.setdefault(last, value.strip())
    return values


def overview_line(number: int, raw: bytes) -> bytes:
    """The OVER line INN would make: tabs, CR and LF in values become spaces, nothing else changes."""
    h = headers_of(raw)
    fields = [h.get(name, b"") for name in (b"subject", b"from", b"date", b"message-id", b"references")]
    clean = [f.replace(b"\t", b" ").replace(b"\r", b" ").replace(b"\n", b" ") for f in fields]
    lines = raw.split(b"\n\n", 1)[1].count(b"\n") if b"\n\n" in raw else 0
    return b"\t".join([str(number).encode(), *clean, str(len(raw)).encode(), str(lines).encode(),
                       b"Xref: hostile " + h.get(b"newsgroups", b"").split(b",")[0] + b":" + str(number).encode()])


def dot_block(lines: Iterable[bytes]) -> bytes:
    """Lines as a dot-stuffed multi-line block with its terminator."""
    out = [b"." + line if line.startswith(b".") else line for line in lines]
    return b"".join(line + b"\r\n" for line in out) + b".\r\n"


class HostileServer(FakeServer):
    """FakeServer whose handler speaks NNTP over the hostile corpus, in one of :data:`MODES`."""

    def __init__(self, mode: str = "normal", articles: list[HostileArticle] | None = None,
                 groups: list[HostileGroup] | None = None, lifetime: float = 600.0) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.groups = groups if groups is not None else corpus.groups()
        self.by_group: dict[bytes, list[HostileArticle]] = {g.name: [] for g in self.groups}
        for article in articles if articles is not None else corpus.articles():
            self.by_group.setdefault(article.group.encode(), []).append(article)
        self.by_id = {a.message_id: a for arts in self.by_group.values() for a in arts}
        self.posted: list[bytes] = []
        super().__init__(self._session)
        timer = threading.Timer(lifetime, self.close)
        timer.daemon = True
        timer.start()

    # -- connection ----------------------------------------------------------
    def _session(self, reader: BinaryIO, conn: socket.socket) -> None:
        conn.settimeout(30)
        if self._greet(conn):
            Session(self, reader, conn).run()

    def _greet(self, conn: socket.socket) -> bool:
        """Send the mode's greeting; False when the connection should end right after it."""
        if self.mode == "garbage-greeting":
            conn.sendall(b"200 " + (EVIL + b"\x1b[" * 40) * 1000 + b"\r\n")
            return True
        if self.mode == "greeting-400":
            conn.sendall(b"400 " + EVIL + b" service unavailable " + EVIL + b"\r\n")
            return False
        if self.mode == "drip-greeting":
            drip(conn, b"200 " + b"slow " * 100 + b"\r\n")
            return False
        conn.sendall(b"200 hostile server " + EVIL + b" ready\r\n")
        return True


def drip(conn: socket.socket, data: bytes) -> None:
    """One byte every DRIP_EVERY seconds, for at most DRIP_FOR seconds (then the line just stops)."""
    deadline = time.monotonic() + DRIP_FOR
    for byte in data:
        if time.monotonic() > deadline:
            return
        conn.sendall(bytes([byte]))
        time.sleep(DRIP_EVERY)


class Session:
    """One client's conversation: a current group and article, and a handler per command."""

    def __init__(self, server: HostileServer, reader: BinaryIO, conn: socket.socket) -> None:
        self.server, self.reader, self.conn = server, reader, conn
        self.group: bytes | None = None

    def run(self) -> None:
        for line in self.reader:
            words = line.strip().split()
            if not words:
                continue
            verb = words[0].upper().decode("ascii", "replace")
            if verb == "QUIT":
                self.conn.sendall(b"205 bye " + EVIL + b"\r\n")
                return
            handler = getattr(self, f"cmd_{verb.replace('.', '_')}", None)
            reply = handler(words[1:]) if handler else b"500 what is " + words[0][:50] + b"? " + EVIL + b"\r\n"
            if reply is None:
                return
            self.send(reply)

    def send(self, reply: bytes) -> None:
        multiline = b"\r\n" in reply[:-2]
        if self.server.mode == "drip-reply" and multiline:
            drip(self.conn, reply)
            self.conn.close()
            return
        self.conn.sendall(reply)

    # -- commands --------------------------------------------------------------
    def cmd_CAPABILITIES(self, args: list[bytes]) -> bytes:
        return b"101 capabilities " + EVIL + b"\r\n" + CAPS + b".\r\n"

    def cmd_MODE(self, args: list[bytes]) -> bytes:
        return b"200 reader " + EVIL + b"\r\n"

    def cmd_DATE(self, args: list[bytes]) -> bytes:
        return b"111 20240101000000\r\n"

    def cmd_LIST(self, args: list[bytes]) -> bytes:
        what = args[0].upper() if args else b"ACTIVE"
        if what == b"ACTIVE":
            lines = [g.name + b" %d 1 y" % len(self.server.by_group.get(g.name, [])) for g in self.server.groups]
            return b"215 active " + EVIL + b"\r\n" + dot_block(lines)
        if what == b"NEWSGROUPS":
            lines = [g.name + b"\t" + g.description for g in self.server.groups]
            return b"215 descriptions\r\n" + dot_block(lines)
        if what == b"OVERVIEW.FMT":
            return b"215 format\r\n" + OVERVIEW_FMT + b".\r\n"
        if what == b"HEADERS":
            return b"215 headers\r\n:\r\n.\r\n"
        return b"503 no " + EVIL + b"\r\n"

    def cmd_GROUP(self, args: list[bytes]) -> bytes:
        name = args[0] if args else b""
        if self.server.mode == "group-411" or name not in self.server.by_group:
            return b"411 no such group " + name[:80] + b" " + EVIL + b"\r\n"
        self.group = name
        count = len(self.server.by_group[name])
        return b"211 %d 1 %d " % (count, count) + name + b"\r\n"

    def cmd_LISTGROUP(self, args: list[bytes]) -> bytes:
        status = self.cmd_GROUP(args) if args else b"211 0 1 0 x\r\n"
        if not status.startswith(b"211") or self.group is None:
            return status
        numbers = [b"%d" % n for n in range(1, len(self.server.by_group[self.group]) + 1)]
        return status + dot_block(numbers)

    def overview(self) -> list[bytes]:
        """This group's OVER lines; the main group also has two whose articles are gone."""
        arts = self.server.by_group.get(self.group or b"", [])
        lines = [overview_line(n, a.raw) for n, a in enumerate(arts, 1)]
        if self.group == corpus.MAIN.encode():
            gone = len(arts) + 1
            lines.append(b"%d\tgone \x1b[2J\tGhost <g@x>\tnot a date \x9b\t<gone.%d@x>\t<\x1b]0;t\x07>\t1\t1"
                         % (gone, gone))
            lines.append(b"\x1b[2J%d\tbad number\tx\tx\t<bad@x>\t\t1\t1" % (gone + 1))
        return lines

    def _range(self, args: list[bytes]) -> tuple[int, int]:
        spec = args[0] if args else b"1-"
        first, _, last = spec.partition(b"-")
        low = int(first) if first.isdigit() else 1
        if b"-" not in spec:
            return low, low
        return low, int(last) if last.isdigit() else 10**9

    def cmd_OVER(self, args: list[bytes]) -> bytes:
        if self.group is None:
            return b"412 no group " + EVIL + b"\r\n"
        low, high = self._range(args)
        lines, keep = [], False
        for line in self.overview():  # a line without a number goes with the one before it
            keep = low <= _number(line) <= high if _number(line) else keep
            lines += [line] if keep else []
        if not lines:
            return b"423 empty range " + EVIL + b"\r\n"
        block = b"224 overview " + EVIL + b"\r\n" + dot_block(lines)
        if self.server.mode == "cut-over":
            self.conn.sendall(block[: len(block) // 2])
            return None  # type: ignore[return-value]
        return block

    cmd_XOVER = cmd_OVER

    def cmd_HDR(self, args: list[bytes]) -> bytes:
        if len(args) < 1:
            return b"501 usage " + EVIL + b"\r\n"
        field = args[0].lower()
        if len(args) > 1 and args[1].startswith(b"<"):
            article = self.server.by_id.get(args[1])
            if article is None:
                return b"430 no " + args[1][:80] + b" " + EVIL + b"\r\n"
            return b"225 hdr\r\n" + dot_block([b"0 " + headers_of(article.raw).get(field, b"")])
        if self.group is None:
            return b"412 no group " + EVIL + b"\r\n"
        low, high = self._range(args[1:])
        arts = self.server.by_group[self.group]
        lines = [b"%d " % n + headers_of(a.raw).get(field, b"").replace(b"\t", b" ")
                 for n, a in enumerate(arts, 1) if low <= n <= high]
        return b"225 hdr " + EVIL + b"\r\n" + dot_block(lines)

    cmd_XHDR = cmd_HDR

    def find(self, args: list[bytes]) -> tuple[int, HostileArticle] | bytes:
        """The article a command names, or the (hostile) error reply."""
        key = args[0] if args else b""
        if self.server.mode == "article-430" or (key.startswith(b"<") and key not in self.server.by_id):
            return b"430 no such article " + key[:200] + b" <\x1b[2J\x1b]52;c;aGVsbG8=\x07@evil>\r\n"
        if key.startswith(b"<"):
            return 0, self.server.by_id[key]
        if self.group is None:
            return b"412 no group " + EVIL + b"\r\n"
        arts = self.server.by_group[self.group]
        if not key.isdigit() or not 1 <= int(key) <= len(arts):
            return b"423 no article " + key[:50] + b" in " + self.group + b" " + EVIL + b"\r\n"
        return int(key), arts[int(key) - 1]

    def _fetch(self, args: list[bytes], code: bytes, part: str) -> bytes:
        found = self.find(args)
        if isinstance(found, bytes):
            return found
        number, article = found
        raw = article.raw.replace(b"\r\n", b"\n")
        head, _, body = raw.partition(b"\n\n")
        text = {"article": raw, "head": head, "body": body}[part]
        status = code + b" %d " % number + article.message_id + b"\r\n"
        if part == "stat":
            return status
        return status + dot_block(text.rstrip(b"\n").split(b"\n") if text else [])

    def cmd_ARTICLE(self, args: list[bytes]) -> bytes:
        return self._fetch(args, b"220", "article")

    def cmd_HEAD(self, args: list[bytes]) -> bytes:
        return self._fetch(args, b"221", "head")

    def cmd_BODY(self, args: list[bytes]) -> bytes:
        return self._fetch(args, b"222", "body")

    def cmd_STAT(self, args: list[bytes]) -> bytes:
        return self._fetch(args, b"223", "stat")

    def cmd_POST(self, args: list[bytes]) -> bytes:
        if self.server.mode == "post-440":
            return b"440 posting not allowed " + EVIL + b" mailto:evil\x1b[2J@example.org\r\n"
        self.conn.sendall(b"340 send it " + EVIL + b"\r\n")
        lines = []
        for line in self.reader:
            if line.rstrip(b"\r\n") == b".":
                break
            lines.append(line)
        self.server.posted.append(b"".join(lines))
        return b"441 posting failed " + EVIL + b" 435 \x1b]52;c;aGVsbG8=\x07\r\n"


def _number(line: bytes) -> int:
    head = line.split(b"\t", 1)[0]
    return int(head) if head.isdigit() else 0
