"""`pith cancel <msgid>` and `pith supersede <msgid> FILE`: withdraw or replace your own article.

The work is store/control.py's (shared with the reader's keys); this module turns
arguments into it and the outcome into lines and an exit status, as `pith post`
does: 0 sent (or queued under --offline), 1 not sent, 2 refused before anything
was queued (not your article, not a Message-ID, a bad file).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from cli.running import with_library
from cli.jsonout import write_json
from cli.posting import NOT_SENT
from cli.textout import field, warn
from nntp.errors import PithError
from store.config import load_config
from store.control import Sent, cancel, supersede
from store.identity import from_address
from store.library import Library
from store.outbox import OutboxState


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cancel_cmd = sub.add_parser("cancel", help="cancel an article you posted (RFC 5537 cancel)")
    cancel_cmd.add_argument("message_id", metavar="<msgid>")
    cancel_cmd.add_argument("--json", action="store_true", help="print JSON")
    cancel_cmd.set_defaults(handler=with_library(cmd_cancel))

    supersede_cmd = sub.add_parser("supersede", help="replace an article you posted with FILE (Supersedes:)")
    supersede_cmd.add_argument("message_id", metavar="<msgid>")
    supersede_cmd.add_argument("file", type=Path)
    supersede_cmd.add_argument("--json", action="store_true", help="print JSON")
    supersede_cmd.set_defaults(handler=with_library(cmd_supersede))


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PithError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _me(args: argparse.Namespace) -> str:
    return from_address(load_config(getattr(args, "config", None)).compose)


def cmd_cancel(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    sent = cancel(library, args.message_id, _me(args))
    return _report(sent, f"cancel of {args.message_id}", args, out)


def cmd_supersede(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    raw = _read(args.file)
    sent = supersede(library, args.message_id, raw, _me(args), name=str(args.file))
    return _report(sent, f"{args.file} (superseding {args.message_id})", args, out)


def _report(sent: Sent, what: str, args: argparse.Namespace, out: TextIO) -> int:
    entry = sent.entry
    if args.json:
        write_json({"id": entry.id, "message_id": entry.message_id, "state": entry.state,
                    "reply": entry.reply, "why": sent.why}, out, indent=None)
        out.write("\n")
    else:
        reply = field(entry.reply or sent.why)
        out.write(f"{entry.id:>4}  {entry.state:<10} {field(entry.message_id)}  [{reply}]\n")
    if entry.state == OutboxState.SENT:
        return 0
    if entry.state == OutboxState.QUEUED:
        queued = f"{what}: queued as {entry.id}"
        if sent.why.startswith("offline (--offline)"):
            warn(f"{queued}; `pith outbox flush` sends it")
            return 0
        warn(f"{queued}, not sent: {sent.why or entry.reply}")
        return NOT_SENT
    warn(f"{what}: the server refused it: {entry.reply} (kept in the outbox)")
    return NOT_SENT
