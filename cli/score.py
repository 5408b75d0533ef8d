"""Killfile commands: ``pith score`` and ``pith rules ...`` (check, try, imports, actions, undo).

The JSON shapes here are a contract with users' scripts: ``pith score --json``
prints one object per article with exactly number, message_id, score, state,
tags and matched[{rule, source, delta}].
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from cli.columnar import numbers_of, subjects_of
from cli.running import dump as _dump, progress as _progress, with_library
from cli.jsonout import write_json
from cli.score_json import SCORE_JSONL_HELP, write_score_lines, write_scores
from cli.textout import field, warn
from cli.threads_json import add_json_options
from killfile import actions, session
from killfile.check import summary as check_summary
from killfile.result import ScoreTable, verdict_json
from killfile.states import ActionKind, ScoreState
from nntp.errors import PithError
from nntp.models import Overview
from nntp.threads import thread
from store.library import Library
from store.paths import config_dir


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    score = sub.add_parser("score", help="score a group with your rules (killfile)")
    score.add_argument("group")
    add_json_options(score, "print every article's verdict as JSON", SCORE_JSONL_HELP)
    score.add_argument("--explain", metavar="MSGID", help="why one article got its score and state")
    _rules_options(score)
    score.set_defaults(handler=with_library(cmd_score))

    rules = sub.add_parser("rules", help="check, try and import score rules; thread kills, plonks, tags")
    rsub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    check = rsub.add_parser("check", help="report every problem in a rule file with file:line")
    check.add_argument("path", nargs="?", help="rule file (default: score.toml in the config dir)")
    check.set_defaults(handler=cmd_check)
    trial = rsub.add_parser("try", help="what FILE would kill, hide or tag among GROUP's cached articles")
    trial.add_argument("file")
    trial.add_argument("group")
    trial.add_argument("--json", action="store_true")
    trial.add_argument("--now", metavar="ISO", help=argparse.SUPPRESS)
    trial.set_defaults(handler=with_library(cmd_try))
    for name, helptext in (("import-slrn", "convert an slrn score file to pith rules (TOML on stdout)"),
                           ("import-tin", "convert a tin filter file to pith rules (TOML on stdout)"),
                           ("import-gnus", "convert a Gnus score file (NAME.SCORE) to pith rules (TOML on stdout)")):
        imp = rsub.add_parser(name, help=helptext)
        imp.add_argument("file")
        if name == "import-tin":
            imp.add_argument("--regex", action="store_true",
                             help="patterns are regexes (tin's wildcard=1), not wildmats")
            imp.add_argument("--and", dest="combine", action="store_true",
                             help="one AND rule per tin rule (tin itself scores each match line separately)")
        if name == "import-gnus":
            imp.add_argument("--groups", metavar="WILDMAT,...",
                             help="the groups the rules apply to (default: from the file name; all.SCORE: every group)")
        imp.set_defaults(handler=cmd_import)
    suggest = rsub.add_parser("suggest",
                              help="rules that would help in GROUP, each with its effect on the cached articles")
    suggest.add_argument("group")
    suggest.add_argument("--json", action="store_true")
    suggest.add_argument("--rules", metavar="PATH", help="rule file (default: score.toml in the config dir)")
    suggest.add_argument("--now", metavar="ISO", help=argparse.SUPPRESS)
    suggest.add_argument("--quiet", action="store_true", help="no progress on stderr")
    suggest.set_defaults(handler=with_library(cmd_suggest))
    _action_commands(rsub)


def _rules_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", metavar="PATH", help="rule file (default: score.toml in the config dir)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--now", metavar="ISO", help="score as if it were this time (reproducible Age/expiry)")


def _action_commands(rsub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for command, kind, target, helptext in (
        ("kill-thread", ActionKind.THREAD_KILL, "msgid",
         "kill the thread (or subthread) under this Message-ID, late arrivals too"),
        ("watch-thread", ActionKind.THREAD_WATCH, "msgid", "watch (boost) the thread under this Message-ID"),
        ("plonk", ActionKind.PLONK, "address", "kill every article from this author"),
        ("boost", ActionKind.BOOST, "address", "raise every article from this author"),
    ):
        p = rsub.add_parser(command, help=helptext)
        p.add_argument(target)
        p.add_argument("--days", type=float, help="expire after this many days")
        if kind == ActionKind.THREAD_KILL:
            p.add_argument("--subthread", action="store_true", help="MSGID is a reply: kill only below it")
        p.set_defaults(handler=cmd_action, kind=kind)
    cap = rsub.add_parser("cap-author", help="at most N articles from this author per day/week/month/thread")
    cap.add_argument("address")
    cap.add_argument("--max", type=int, required=True, metavar="N", help="articles kept per window (the rest hidden)")
    cap.add_argument("--per", required=True, choices=actions.CAP_WINDOWS, help="the window (calendar, UTC)")
    cap.add_argument("--group", default="", metavar="WILDMAT", help="only in these groups (default: every group)")
    cap.set_defaults(handler=cmd_action, kind=ActionKind.AUTHOR_CAP)
    tag = rsub.add_parser("tag", help="tag an article (or, with --thread, the thread under it)")
    tag.add_argument("msgid")
    tag.add_argument("tag")
    tag.add_argument("--thread", action="store_true")
    tag.set_defaults(handler=cmd_action, kind=ActionKind.TAG)
    listing = rsub.add_parser("actions", help="list your stored thread kills, plonks and tags")
    listing.set_defaults(handler=cmd_actions)
    undo = rsub.add_parser("undo", help="remove the newest stored action (or the one with ID)")
    undo.add_argument("id", nargs="?", type=int)
    undo.set_defaults(handler=cmd_undo)


# -- scoring --------------------------------------------------------------------------
def now_of(args: argparse.Namespace) -> datetime:
    if getattr(args, "now", None):
        try:
            when = datetime.fromisoformat(args.now)
        except ValueError:
            raise PithError(f"--now: not an ISO date-time: {args.now!r}") from None
        return when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def load_killfile(args: argparse.Namespace, with_state: bool = True) -> session.Killfile:
    """The killfile for a command; rule problems are warnings on stderr, never fatal."""
    rules = getattr(args, "rules", None)
    if rules and not Path(rules).exists():
        raise PithError(f"--rules: no such file: {rules}")
    killfile = session.load(config_dir(), Path(rules) if rules else None, with_state)
    _warn(killfile)
    return killfile


def _warn(killfile: session.Killfile) -> None:
    errors = [p for p in killfile.problems if p.severity == "error"]
    if errors:
        sys.stderr.write(f"pith: warning: {len(errors)} rule problem(s), those rules are skipped "
                         "(see `pith rules check`):\n")
        for problem in errors[:5]:
            sys.stderr.write(f"  {field(str(problem))}\n")


def score_overviews(library: Library, args: argparse.Namespace, overviews: Sequence[Overview]) -> ScoreTable:
    """Score a group's overviews with the user's killfile; shared by ``score`` and ``threads``."""
    killfile = load_killfile(args)
    full, body_hits = ({}, None) if not killfile.needs_articles else library.articles_for_scoring(
        killfile.rules, bool(killfile.plugins), overviews, args.group)
    table = killfile.score(overviews, args.group, now_of(args), full, body_hits)
    # Body results kept: the next entry scans new bodies only
    library.remember_body_hits(body_hits, killfile.rules)
    killfile.remember(table)
    for problem in table.problems:
        warn(f"warning: {problem}")
    _mark_killed_read(library, args, table)
    return table


def _mark_killed_read(library: Library, args: argparse.Namespace, table: ScoreTable) -> None:
    """Killed articles are read once scored (slrn, tin), unless ``[reading] mark_killed_read = false``."""
    from store.config import load_config
    from store.killread import mark_killed_read

    if load_config(getattr(args, "config", None)).reading.mark_killed_read:
        mark_killed_read(library, args.group, table)


def score_group(library: Library, args: argparse.Namespace) -> tuple[Sequence[Overview], ScoreTable]:
    """Enter the group (fetching what is new) and score it."""
    load = library.enter_group(args.group, progress=_progress(args))
    return load.overviews, score_overviews(library, args, load.overviews)


def cmd_score(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    _, table = score_group(library, args)
    if args.explain:
        _explain(table, args, out)
    elif args.json:
        write_scores(table, out)
    elif args.jsonl:
        write_score_lines(table, thread(table.articles), out)
    else:
        _score_text(table, out)
    return 0


def _explain(table: ScoreTable, args: argparse.Namespace, out: TextIO) -> None:
    i = table.index_of(args.explain.strip())
    if i is None:
        raise PithError(f"{args.group}: no article {args.explain} in the group")
    if args.json:
        _dump(explain_json(table, i), out)
    elif args.jsonl:  # one line, as every --jsonl answer
        write_json(explain_json(table, i), out, indent=None)
        out.write("\n")
    else:
        out.write(session.explain_text(table, i))


def _score_text(table: ScoreTable, out: TextIO) -> None:
    articles = table.articles
    for i, (number, subject) in enumerate(zip(numbers_of(articles), subjects_of(articles))):  # no records
        tags = table.tags(i)
        shown = f"  [{', '.join(tags)}]" if tags else ""
        out.write(f"{number:>7}  {table.scores[i]:>+6d}  {table.state(i):<6}  {subject[:60]}{shown}\n")
    counts = table.counts()
    out.write("  ".join(f"{k}: {n}" for k, n in counts.items()) + "\n")


def explain_json(table: ScoreTable, i: int) -> dict[str, Any]:
    """``score --explain --json``: the verdict's fields plus the whole story as data.

    The same facts as ``session.explain_text``: every entry that applied (with its
    kind, note and the state it forces), the thresholds and the notes.
    """
    article, verdict = table.articles[i], table.verdict(i)
    data = verdict_json(verdict)
    data["matched"] = [{"rule": m.rule, "source": m.source, "delta": m.delta, "kind": m.kind,
                        "note": m.note or None, "force": m.force or None} for m in verdict.matched]
    limits = table.limits
    data.update(group=table.group, subject=article.subject, **{"from": article.author},
                limits={"kill": limits.kill, "hide": limits.hide, "read": limits.read, "high": limits.high},
                notes=[*verdict.notes, *table.notes])
    return data


# -- rules check / try ----------------------------------------------------------------
def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.path) if args.path else config_dir() / session.RULES_FILE
    killfile = session.load(config_dir(), path, with_state=False)
    for problem in killfile.problems:
        out.write(f"{problem}\n")
    errors = sum(1 for p in killfile.problems if p.severity == "error")
    out.write(f"{path}: {check_summary(killfile.rules, len(killfile.plugins), killfile.problems)}\n")
    return 1 if errors else 0


def cmd_try(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if not Path(args.file).is_file():  # a missing file would "kill nothing" and look like success
        raise PithError(f"{args.file}: no such file")
    overviews = library.cached_overviews(args.group)
    if not overviews:
        raise PithError(f"{args.group}: no cached articles (enter the group first, e.g. `pith threads {args.group}`)")
    killfile = session.load(config_dir(), Path(args.file), with_state=False)
    for problem in killfile.problems:
        warn(problem)
    from app.scoring import cached_articles  # imported by the one command that needs it (start-up)

    table = killfile.score(overviews, args.group, now_of(args), cached_articles(library, overviews, killfile))
    affected = [v for v in table.verdicts()
                if v.state != ScoreState.NORMAL or any(m.kind != "autotag" for m in v.matched)]
    if args.json:
        _dump({"group": args.group, "articles": len(overviews), "counts": table.counts(),
               "affected": [verdict_json(v) for v in affected]}, out)
        return 0
    for v in affected:
        i = table.index_of(v.message_id)
        subject = table.articles[i].subject if i is not None else ""
        rules = ", ".join(dict.fromkeys(m.rule for m in v.matched if m.kind != "autotag"))
        tags = f"  [{', '.join(v.tags)}]" if v.tags else ""
        out.write(f"{v.state:<6} {v.score:>+6d} {v.number:>7}  {subject[:50]}{tags}  <- {rules}\n")
    counts = table.counts()
    out.write(f"{args.group}: {len(overviews)} cached article(s); " +
              ", ".join(f"{k} {n}" for k, n in counts.items()) + " (nothing saved)\n")
    return 0


# -- imports ------------------------------------------------------------------------------
def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    path = Path(args.file)
    if not path.is_file():
        raise PithError(f"{path}: no such file")
    from killfile.import_gnus import convert_gnus  # the importers: only for `pith rules import-*`
    from killfile.import_slrn import convert_slrn
    from killfile.import_tin import convert_tin

    if args.rules_command == "import-slrn":
        text, skipped = convert_slrn(path)
    elif args.rules_command == "import-gnus":
        groups = [g.strip() for g in args.groups.split(",") if g.strip()] if args.groups is not None else None
        text, skipped = convert_gnus(path, groups=groups)
    else:
        text, skipped = convert_tin(path, regex_mode=args.regex, combine=args.combine)
    out.write(text)
    for problem in skipped:
        sys.stderr.write(f"{field(str(problem))}\n")
    if skipped:
        sys.stderr.write(f"pith: {len(skipped)} item(s) could not be converted (listed above and in the output)\n")
    return 0


# -- suggest --------------------------------------------------------------------------------------
def cmd_suggest(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.rules and not Path(args.rules).is_file():
        raise PithError(f"--rules: no such file: {args.rules}")
    library.enter_group(args.group, progress=_progress(args))  # what is new, stored, as `pith score` does
    from app.suggest_group import suggest_group  # only `pith rules suggest` needs it

    found = suggest_group(library, args.group, config_dir(), now_of(args),
                          Path(args.rules) if args.rules else None)
    if args.json:
        _dump({"group": args.group, "suggestions": [s.as_json() for s in found]}, out)
        return 0
    for s in found:
        out.write(f"[{s.proposal.kind}] {field(s.proposal.reason)}\n  effect: {s.effect}\n")
        out.write("".join(f"    {field(line)}\n" for line in s.proposal.toml.splitlines()) + "\n")
    out.write(f"{args.group}: {len(found)} suggestion(s); nothing applied (append one to score.toml, "
              "or accept it in the reader)\n")
    return 0


# -- stored actions ---------------------------------------------------------------------------
def _actions_path() -> Path:
    return config_dir() / actions.ACTIONS


def cmd_action(args: argparse.Namespace, out: TextIO) -> int:
    """`pith score action ...`: store one action (its kind set by the subcommand; `tag --thread` tags a thread)."""
    now = datetime.now(timezone.utc)
    kind: ActionKind = ActionKind.THREAD_TAG if args.kind == ActionKind.TAG and args.thread else args.kind
    action = actions.add_action(_actions_path(), kind, now, **_action_fields(kind, args, now))
    out.write(describe_action(action) + "\n")
    return 0


_BY_MESSAGE_ID = (ActionKind.THREAD_KILL, ActionKind.THREAD_WATCH, ActionKind.TAG, ActionKind.THREAD_TAG)
_BY_AUTHOR = (ActionKind.PLONK, ActionKind.BOOST, ActionKind.AUTHOR_CAP)


def _action_fields(kind: ActionKind, args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    """The stored action's fields from the command line; a malformed Message-ID, address or --max is refused."""
    fields: dict[str, Any] = {}
    if getattr(args, "days", None):
        fields["expires"] = now + timedelta(days=args.days)
    if kind in _BY_MESSAGE_ID:
        fields["message_id"] = _message_id(args.msgid)
    if kind in _BY_AUTHOR:
        fields["address"] = _author_address(args.address)
    if kind == ActionKind.AUTHOR_CAP:
        if args.max < 0:
            raise PithError(f"--max must be 0 or more, not {args.max}")
        fields.update(limit=args.max, per=args.per, group=args.group)
    if kind == ActionKind.THREAD_KILL:
        fields["subthread"] = args.subthread
    if kind in (ActionKind.TAG, ActionKind.THREAD_TAG):
        fields["tag"] = args.tag.strip().lower()
    return fields


def _message_id(text: str) -> str:
    msgid = text.strip()
    if not (msgid.startswith("<") and msgid.endswith(">")):
        raise PithError(f"not a Message-ID: {msgid!r} (write <id@host>)")
    return msgid


def _author_address(text: str) -> str:
    try:
        return actions.author_address(text)
    except ValueError as exc:
        raise PithError(str(exc)) from None


def describe_action(a: actions.Action) -> str:
    """One line for a stored action: "#3 author-cap bob@x 3 per day in comp.*"."""
    cap = f" {a.limit} per {a.per}" + (f" in {a.group}" if a.group else "") if a.kind == ActionKind.AUTHOR_CAP else ""
    return field(f"#{a.id} {a.kind} {a.message_id or a.address} {a.tag}".rstrip() + cap)  # the file is hand-editable


def cmd_actions(args: argparse.Namespace, out: TextIO) -> int:
    stored, problems = actions.load_actions(_actions_path())
    for problem in problems:
        warn(problem)
    for a in stored:
        expires = f"  until {a.expires:%Y-%m-%d}" if a.expires else ""
        what = describe_action(a).split(" ", 2)[2]
        out.write(f"#{a.id:<4} {a.created:%Y-%m-%d}  {a.kind:<12} {what}{expires}".rstrip() + "\n")
    return 0


def cmd_undo(args: argparse.Namespace, out: TextIO) -> int:
    removed = actions.undo(_actions_path(), args.id)
    if removed is None:
        raise PithError("nothing to undo" if args.id is None else f"no stored action #{args.id}")
    out.write(f"undone: #{removed.id} {removed.kind} {removed.message_id or removed.address} {removed.tag}".rstrip()
              + "\n")
    return 0
