"""Run pith commands as a user would (a subprocess, its own XDG home) and judge their output.

A command is *clean* when it ends in bounded time, exits 0-4 (README "Exit status": 0 ok, 1 the
server failed us or refused, 2 usage/input error, 3 answered from cache, 4 TLS/login failure; 70, a
bug, is a failure), prints no "Traceback" or
"internal error", and neither stdout nor stderr holds ESC, a raw C1 byte (0x80-0x9F outside
valid UTF-8), a C1 code point (U+0080-U+009F) or a bidi control. :func:`scenarios` is the list
of every CLI command over the hostile corpus, shared by the fake-server and the INN sweeps.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.hostile import corpus

PITH = [sys.executable, "-m", "main"]
REPO = Path(__file__).resolve().parents[2]
CLEAN_EXITS = (0, 1, 2, 3, 4)
BIDI = frozenset(corpus.BIDI)
INVISIBLE = frozenset(corpus.INVISIBLE)
RAW_WORTHY = frozenset({"every-header", "msgid-escape", "encoded-words", "mime-names", "raw-c1-bytes", "utf7-body",
                        "latin1-c1", "huge-header", "nul-header", "spoof-fake", "nested-multipart"})
"""Articles whose raw view (``--raw``) differs in what it must neutralise from the decoded one."""


@dataclass(frozen=True)
class Scenario:
    """One command line, named by ``label`` in test ids.

    ``ok``: the command has what it needs, so it must succeed (exit 0 or 3, and JSON that parses
    when it prints ``--json``); otherwise any clean exit will do. ``also``: further exit statuses
    the README documents for it. ``invisibles``: zero-width characters must be made visible too.
    """

    label: str
    argv: tuple[str, ...]
    invisibles: bool = False
    ok: bool = True
    also: tuple[int, ...] = ()


@dataclass(frozen=True)
class Result:
    """What one run did; ``code`` is None when it had to be killed at ``limit`` seconds."""

    scenario: Scenario
    code: int | None
    out: bytes
    err: bytes
    seconds: float
    limit: float


def pith_env(home: Path) -> dict[str, str]:
    """The environment of a user whose every pith directory is under ``home``."""
    env = {k: v for k, v in os.environ.items() if k not in ("NNTPSERVER", "PITH_DEBUG")}
    for name in ("CONFIG", "DATA", "STATE", "CACHE"):
        (home / name.lower()).mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    env |= {"HOME": str(home), "PYTHONPATH": str(REPO), "EDITOR": "true", "VISUAL": "true", "TERM": "xterm"}
    return env


def run_pith(home: Path, prefix: list[str], scenario: Scenario, limit: float = 30.0) -> Result:
    """Run ``pith <prefix> <argv>``; killed after ``limit`` seconds."""
    started = time.monotonic()
    try:
        done = subprocess.run([*PITH, *prefix, *scenario.argv], capture_output=True, env=pith_env(home),
                              cwd=home, timeout=limit, stdin=subprocess.DEVNULL)
        code, out, err = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = None, exc.stdout or b"", exc.stderr or b""
    return Result(scenario, code, out, err, time.monotonic() - started, limit)


def problems(result: Result) -> list[str]:
    """Every way ``result`` is not clean, each with a short excerpt of the offending output."""
    found = []
    if result.code is None:
        found.append(f"did not end within {result.limit:.0f} s")
    elif result.code not in (*CLEAN_EXITS, *result.scenario.also):
        found.append(f"exit status {result.code}")
    elif result.scenario.ok and result.code not in (0, 3, *result.scenario.also):
        found.append(f"exit status {result.code} where the command should have worked")
    elif result.scenario.ok and "--json" in result.scenario.argv and not _parses(result.out):
        found.append("--json output does not parse")
    exact = "--raw" in result.scenario.argv or "--mbox" in result.scenario.argv  # the server's bytes, to a pipe (issue 14)
    for stream, data in (("stdout", b"" if exact else result.out), ("stderr", result.err)):
        found += [f"{stream}: {what}" for what in stream_problems(data, result.scenario.invisibles)]
    if found:
        found.append(f"stderr starts {result.err[:300]!r}")
    return found


def _parses(out: bytes) -> bool:
    """Whether ``out`` is JSON; the limit is raised for the 1,000-deep reply chain (json recurses)."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        json.loads(out)
    except ValueError:
        return False
    finally:
        sys.setrecursionlimit(limit)
    return True


def stream_problems(data: bytes, invisibles: bool = False) -> list[str]:
    """Tracebacks and terminal-unsafe characters in one output stream."""
    text = data.decode("utf-8", "surrogateescape")
    checks = [
        ("Traceback", lambda c, i: text.startswith("Traceback", i)),
        ("internal error", lambda c, i: text.startswith("internal error", i)),
        ("ESC", lambda c, i: c == "\x1b"),
        ("raw C1 byte", lambda c, i: "\udc80" <= c <= "\udc9f"),
        ("C1 code point", lambda c, i: "\x80" <= c <= "\x9f"),
        ("bidi control", lambda c, i: c in BIDI),
    ]
    if invisibles:
        checks.append(("invisible character", lambda c, i: c in INVISIBLE))
    found = []
    for what, test in checks:
        index = next((i for i, c in enumerate(text) if test(c, i)), -1)
        if index >= 0:
            found.append(f"{what} at {index}: {text[max(0, index - 40):index + 40]!r}")
    return found


def describe(result: Result) -> str:
    """One failure, for an assertion message: the command and what was wrong."""
    lines = "\n  ".join(problems(result))
    return f"pith {' '.join(result.scenario.argv)!r} (exit {result.code}, {result.seconds:.1f} s):\n  {lines}"


# ---------------------------------------------------------------- inputs


def write_inputs(home: Path, group: str = corpus.MAIN) -> dict[str, Path]:
    """Hostile files the commands read: rules (good and bad), slrn/tin score files, a .newsrc,
    an article to post. Keys are used in :func:`scenarios`."""
    esc = toml_escape(corpus.PAYLOAD)
    files = {
        "rules": f'[[rule]]\nname = "evil {esc}"\nscore = -10\nall = [{{ header = "From", contains = "root" }}]\n'
                 f'[[rule]]\nname = "subj"\nscore = 5\nany = [{{ header = "Subject", regex = "hostile" }}]\n',
        "bad-rules": f'[[rule]]\n"key{esc}" = 1\nname = "x"\n[[rule]]\nscore = "{esc}"\n'
                     f'all = [{{ header = "From\\u009b", regex = "(" }}]\n',
        "slrn": f"[*]\nScore: -9999\n    From: {corpus.ESC}\n    Subject: \u202eevil\n",
        "tin": f"group=*\ntype=0\nscore=-100\nsubj=*{corpus.ESC}*\n",
        "newsrc": f"{group}: 1-3\nhostile.\x1b[2J! 1\n\u202eevil: 1\n",
        "post-hostile": f"From: Poster {corpus.PAYLOAD} <poster@example.org>\nNewsgroups: {group}\n"
                        f"Subject: post {corpus.PAYLOAD}\nMessage-ID: <hostile-post.1@example.org>\n\n"
                        f"body {corpus.PAYLOAD}\n",
        "post": f"From: Poster <poster@example.org>\nNewsgroups: {group}\nSubject: a post\n"
                f"Message-ID: <hostile-post.2@example.org>\n\nan ordinary body\n",
    }
    paths = {}
    for key, text in files.items():
        path = home / f"{key}.input"
        path.write_bytes(text.encode("utf-8", "surrogateescape"))
        paths[key] = path
    return paths


def toml_escape(text: str) -> str:
    """``text`` inside a TOML basic string: quotes, backslashes and controls as \\uXXXX."""
    return "".join(f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c
                   for c in text)


# ---------------------------------------------------------------- the sweep


def article_scenarios(group: str, keys: list[tuple[str, str]], modes: str = "plain json raw",
                      ok: bool = True) -> list[Scenario]:
    """``pith article`` in ``modes`` for every (label, number-or-<msgid>) of ``keys``."""
    flags = {"plain": (), "json": ("--json",), "raw": ("--raw",)}
    return [Scenario(f"article-{mode}-{label}", ("article", *flags[mode], group, key), ok=ok)
            for label, key in keys for mode in modes.split()]


def scenarios(files: dict[str, Path], main_keys: list[tuple[str, str]], poison_keys: list[tuple[str, str]],
              spoof_id: str, hostile_id: str) -> list[Scenario]:
    """Every CLI command, in order: the poison group first, so every later one runs after it.

    ``main_keys[-3:]`` are articles the server does not have (a gone number, an unknown and a
    hostile Message-ID); everything else exists.
    """
    m, p, c, plain = corpus.MAIN, corpus.POISON, corpus.CHAIN, corpus.PLAIN
    s = Scenario
    return [
        s("threads-poison-first", ("threads", p)),
        s("groups", ("groups",), invisibles=True), s("groups-json", ("groups", "--json")),
        s("threads-plain", ("threads", plain)),
        s("threads-main", ("threads", m), invisibles=True), s("threads-main-json", ("threads", "--json", m)),
        s("threads-main-all", ("threads", "--all", "--quiet", m)),
        s("threads-poison-json", ("threads", "--json", p)),
        s("threads-chain", ("threads", c)), s("threads-chain-json", ("threads", "--json", c)),
        *article_scenarios(m, main_keys[:-3], "plain json"),
        *article_scenarios(m, [k for k in main_keys[:-3] if k[0] in RAW_WORTHY], "raw"),
        # gone number, unknown id, and an id with escapes in it (refused as input, exit 2: no server is asked)
        *article_scenarios(m, main_keys[-3:], ok=False),
        *article_scenarios(p, poison_keys, "plain"), *article_scenarios(p, poison_keys[3::6], "json raw"),
        *article_scenarios(c, [("chain-last", str(corpus.CHAIN_DEPTH))]),
        s("score-main", ("score", m)), s("score-main-json", ("score", "--json", m)),
        s("score-explain-spoof", ("score", m, "--explain", spoof_id)),
        s("score-explain-hostile-id", ("score", m, "--explain", hostile_id)),
        s("score-poison-json", ("score", "--json", p)), s("score-chain", ("score", "--quiet", c)),
        s("score-hostile-rules", ("score", "--rules", str(files["rules"]), "--json", m)),
        s("rules-check", ("rules", "check", str(files["rules"]))),
        s("rules-check-bad", ("rules", "check", str(files["bad-rules"])), ok=False, also=(1,)),
        s("rules-try", ("rules", "try", str(files["rules"]), m)),
        s("rules-try-json", ("rules", "try", "--json", str(files["rules"]), m)),
        s("rules-try-bad", ("rules", "try", str(files["bad-rules"]), m), ok=False),
        s("rules-import-slrn", ("rules", "import-slrn", str(files["slrn"])), ok=False),
        s("rules-import-tin", ("rules", "import-tin", str(files["tin"])), ok=False),
        s("rules-kill-thread-hostile-id", ("rules", "kill-thread", hostile_id)),
        s("rules-watch-thread", ("rules", "watch-thread", spoof_id)),
        s("rules-plonk", ("rules", "plonk", "root@example.org")),
        s("rules-boost-spoof", ("rules", "boost", "root\u200b@example.org"), ok=False),
        s("rules-cap-author", ("rules", "cap-author", "--max", "1", "--per", "day", "evil@example.org")),
        s("rules-tag", ("rules", "tag", "--thread", hostile_id, "evil")),
        s("rules-actions", ("rules", "actions")),
        s("threads-after-actions", ("threads", "--all", "--quiet", m), invisibles=True),
        s("score-after-actions", ("score", "--json", m)),
        s("rules-undo", ("rules", "undo")),
        s("subscribe-main", ("subscribe", m)), s("subscribe-poison", ("subscribe", p)),
        s("subscribe-chain", ("subscribe", c)),
        s("subscribe-escape-name", ("subscribe", "hostile.\x1b[2J\x1b]0;t\x07"), ok=False),
        s("sync-bodies", ("sync", "--bodies", "--quiet")),
        s("sync-named", ("sync", "--days", "100000", m, p, plain)),
        s("search", ("search", "hostile")), s("search-json", ("search", "--json", "hostile")),
        s("search-boom", ("search", "subject:boom")), s("search-body", ("search", "--group", m, "body")),
        s("search-from", ("search", "--from", "root", "root")),
        s("catchup", ("catchup", p)), s("catchup-json", ("catchup", "--json", m)),
        s("newsrc-export", ("newsrc", "export", str(files["newsrc"].with_suffix(".out")))),
        s("newsrc-import", ("newsrc", "import", str(files["newsrc"])), ok=False),
        s("unsubscribe-poison", ("unsubscribe", p)),
        s("post-hostile-headers", ("post", str(files["post-hostile"])), ok=False),
        s("post-refused-441", ("post", str(files["post"])), ok=False),
        s("post-json", ("post", "--json", str(files["post"])), ok=False),
        s("outbox-list", ("outbox", "list")), s("outbox-list-json", ("outbox", "--json", "list")),
        s("outbox-show", ("outbox", "show", "1"), ok=False), s("outbox-flush", ("outbox", "flush"), ok=False),
        s("outbox-drop", ("outbox", "drop", "1"), ok=False),
    ]


def offline_scenarios(main_key: str) -> list[Scenario]:
    """Commands answered from the cache alone (``--offline``, after the sweep), then expire."""
    m, s = corpus.MAIN, Scenario
    return [s("offline-groups", ("--offline", "groups"), invisibles=True),
            s("offline-threads", ("--offline", "threads", m), invisibles=True),
            s("offline-threads-poison", ("--offline", "threads", "--json", corpus.POISON)),
            s("offline-article", ("--offline", "article", m, main_key)),
            s("offline-search", ("--offline", "search", "hostile")),
            s("offline-score", ("--offline", "score", "--json", m)),
            s("offline-post", ("--offline", "post", "--json", "post.input"), ok=False),
            s("offline-outbox", ("--offline", "outbox", "list")),
            s("expire", ("expire", "--days", "0")), s("expire-size", ("expire", "--max-size", "1K", m))]
