"""The URLs of an article and the command that opens one (slrn's ``U``, mutt's urlview).

URLs are taken from the decoded, sanitized body, which already ends with the
``[n] url`` list nntp/html_text.py makes of an HTML mail's links. Only schemes a
browser opens are taken, and only characters that are plain printable ASCII, so
nothing the sanitizer replaced (a control character's placeholder) can end up
in a browser's argument. The opener is ``$BROWSER`` (a ``:``-separated list, the
first one present wins; ``%s`` marks where the URL goes), else ``xdg-open``. The
URL is one argument of an argument list: no shell ever sees it. Nothing here
imports textual or rich.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

from app.pipe import INTERACTIVE

MAX_URLS = 200
"""A body listing more is a link farm; the first ones are enough to choose from."""
MAX_LENGTH = 2000
OPEN_WAIT = 2.0
"""Seconds to wait for an opener to fail before saying it was started (xdg-open returns at once)."""

_URL = re.compile(r"(?:(?:https?|ftp)://|www\.)[!#-;=?-~]+", re.IGNORECASE)
"""Printable ASCII but space, quote, < and > (which end a URL in text: <http://x>, "http://x")."""
_TRAILING = ".,;:!?'*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def article_urls(body: str) -> list[str]:
    """Each URL of ``body`` once, in order of appearance (``www.x`` becomes ``http://www.x``)."""
    found: dict[str, None] = {}
    for match in _URL.finditer(body):
        url = _trim(match.group())
        if url.lower().startswith("www."):
            url = "http://" + url
        if "." in url.split("//", 1)[-1] and len(url) <= MAX_LENGTH:
            found.setdefault(url)
        if len(found) >= MAX_URLS:
            break
    return list(found)


def _trim(url: str) -> str:
    """Drop the sentence's punctuation after a URL, and a closing bracket it did not open."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


@dataclass(frozen=True)
class Opener:
    """How to open one URL: the argument list, and whether it needs the terminal (lynx, w3m)."""

    argv: list[str]
    terminal: bool


def opener_for(url: str, environ: Mapping[str, str] | None = None) -> Opener | None:
    """The first ``$BROWSER`` entry that exists, else ``xdg-open``; None when there is neither."""
    env = os.environ if environ is None else environ
    for entry in env.get("BROWSER", "").split(":"):
        argv = _command(entry, url)
        if argv and shutil.which(argv[0]):
            return Opener(argv, os.path.basename(argv[0]) in INTERACTIVE)
    xdg = shutil.which("xdg-open")
    return Opener([xdg, url], False) if xdg else None


def _command(entry: str, url: str) -> list[str]:
    try:
        words = shlex.split(entry)
    except ValueError:
        return []
    if not words:
        return []
    if any("%s" in word for word in words):
        return [word.replace("%s", url) for word in words]
    return [*words, url]


def no_opener_message() -> str:
    return "cannot open URLs: $BROWSER names no program found here and xdg-open is not installed"


def start(opener: Opener) -> tuple[bool, str]:
    """Start a graphical opener in a session of its own (it never reads the reader's keys); wait a
    moment for a quick failure; -> (it worked, one line to show). Off the event loop only."""
    name = os.path.basename(opener.argv[0])
    try:
        process = subprocess.Popen(opener.argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as exc:
        return False, f"cannot run {name}: {exc.strerror or exc}"
    try:
        status = process.wait(OPEN_WAIT)
    except subprocess.TimeoutExpired:
        return True, f"opened with {name}"
    return (True, f"opened with {name}") if status == 0 else (False, f"{name} failed: exit status {status}")


def run_on_terminal(opener: Opener) -> int:
    """A text browser gets the terminal (the reader suspended) until it exits; -> its exit status."""
    try:
        return subprocess.run(opener.argv, check=False).returncode
    except OSError:
        return 127
