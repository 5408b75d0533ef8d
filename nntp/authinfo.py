"""A tolerant reader of ~/.netrc and ~/.authinfo, as Gnus, curl and ftp write them.

The stdlib ``netrc`` parser rejects whole files for things Gnus users write every
day (``port nntp``, ``force yes``), and then pith skipped the file without a word.
Here tokens are read as Emacs' auth-source reads them: ``machine``/``default``
start an entry; ``login``/``user``, ``password``/``passwd``, ``account``, ``port``
and ``force`` set its fields; unknown keys are skipped with their value; values
may be double-quoted (with backslash escapes); ``#`` starts a comment; ``macdef``
skips to the next blank line. A line that cannot be read is a problem naming
file and line, and the other entries still count. Pure: no I/O but reading the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NEWS_PORTS = frozenset({"nntp", "nntps", "snews", "news", "119", "563", "433"})
"""``port`` values that mean a news server (any news port: pith does not know which one a user meant)."""

_KEYS = {"login": "login", "user": "login", "password": "password", "passwd": "password",
         "account": "account", "port": "port", "protocol": "port", "force": "force"}


@dataclass(frozen=True)
class AuthEntry:
    """One ``machine`` (or ``default``) entry."""

    machine: str | None
    """None for the ``default`` entry."""
    login: str = ""
    password: str | None = None
    port: str = ""
    line: int = 0


@dataclass(frozen=True)
class AuthFile:
    """What a credentials file holds, and what could not be read in it (``file:line: why``)."""

    entries: tuple[AuthEntry, ...]
    problems: tuple[str, ...] = ()

    def lookup(self, host: str, port: int | None = None, use_default: bool = False) -> AuthEntry | None:
        """The first entry for ``host`` whose port (if it names one) is a news port or ``port``;
        the ``default`` entry only when ``use_default``."""
        for entry in self.entries:
            if entry.machine is not None and entry.machine.lower() == host.lower() and _port_fits(entry, port):
                return entry
        if use_default:
            return next((e for e in self.entries if e.machine is None and _port_fits(e, port)), None)
        return None


def _port_fits(entry: AuthEntry, port: int | None) -> bool:
    wanted = entry.port.lower()
    return not wanted or wanted in NEWS_PORTS or (port is not None and wanted == str(port))


def read_authinfo(path: Path) -> AuthFile:
    """The file's entries; a missing file holds none, an unreadable one is one problem."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return AuthFile(())
    except OSError as exc:
        return AuthFile((), (f"{path}: cannot read: {exc.strerror or exc}",))
    return parse_authinfo(text, str(path))


def parse_authinfo(text: str, source: str = ".authinfo") -> AuthFile:
    """Parse netrc/authinfo text; never raises."""
    tokens, problems = _tokens(text, source)
    entries: list[AuthEntry] = []
    fields: dict[str, str] | None = None
    i = 0
    while i < len(tokens):
        line, word = tokens[i]
        value = _value(tokens, i)
        if word.lower() in ("machine", "default"):
            _close(entries, fields)
            fields = {"line": str(line)}
            if word.lower() == "machine":
                fields["machine"] = value or ""
            else:
                value = None  # ``default`` takes no value
        elif fields is None:
            problems.append(f"{source}:{line}: {word[:40]!r} before any 'machine' or 'default'")
        elif word.lower() in _KEYS and value is not None:
            fields[_KEYS[word.lower()]] = value
        i += 1 if value is None else 2  # an unknown key is skipped with its value
    _close(entries, fields)
    return AuthFile(tuple(entries), tuple(problems))


def _value(tokens: list[tuple[int, str]], i: int) -> str | None:
    """The value after key ``i``: the next token on the same line (a cut line has none)."""
    if i + 1 < len(tokens) and tokens[i + 1][0] == tokens[i][0]:
        return tokens[i + 1][1]
    return None


def _close(entries: list[AuthEntry], fields: dict[str, str] | None) -> None:
    if fields is None or fields.get("machine") == "":
        return
    entries.append(AuthEntry(fields.get("machine"), fields.get("login", ""), fields.get("password"),
                             fields.get("port", ""), int(fields["line"])))


def _tokens(text: str, source: str) -> tuple[list[tuple[int, str]], list[str]]:
    """(line, token) pairs; comments and macdef bodies dropped; bad quoting is a problem."""
    tokens: list[tuple[int, str]] = []
    problems: list[str] = []
    in_macro = False
    for number, line in enumerate(text.splitlines(), 1):
        if in_macro:
            in_macro = bool(line.strip())
            continue
        words, problem = _split_line(line)
        if problem:
            problems.append(f"{source}:{number}: {problem}")
        if words and words[0].lower() == "macdef":
            in_macro = True
            continue
        tokens.extend((number, w) for w in words)
    return tokens, problems


def _split_line(line: str) -> tuple[list[str], str]:
    """A line's words: double-quoted values with backslash escapes; ``#`` outside a word ends it."""
    words: list[str] = []
    i, n = 0, len(line)
    while i < n:
        if line[i].isspace():
            i += 1
        elif line[i] == "#":
            break
        elif line[i] == '"':
            word, i, closed = _quoted(line, i + 1)
            if not closed:
                return words, "a quoted value is not closed (the rest of the line is ignored)"
            words.append(word)
        else:
            start = i
            while i < n and not line[i].isspace():
                i += 1
            words.append(line[start:i])
    return words, ""


def _quoted(line: str, i: int) -> tuple[str, int, bool]:
    out: list[str] = []
    while i < len(line):
        char = line[i]
        if char == "\\" and i + 1 < len(line):
            out.append(line[i + 1])
            i += 2
        elif char == '"':
            return "".join(out), i + 1, True
        else:
            out.append(char)
            i += 1
    return "".join(out), i, False
