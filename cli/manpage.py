"""pith(1), the man page, written from pith's own argparse definitions.

``tools/make_man.py`` writes it to docs/pith.1 and a test checks that the file
is what this module produces now, so the page cannot drift from what pith
accepts. The sections argparse knows nothing of (exit status, environment,
files) are kept here, short, and point to the README for the rest.
"""

from __future__ import annotations

import re

from cli.parser_tree import Command, Option, global_flags

_HEAD = """\
.\\" Generated from pith's argparse definitions by tools/make_man.py; do not edit.
.TH PITH 1 "" "pith" "User Commands"
.SH NAME
pith \\- a keyboard-first terminal newsreader with a scripting CLI
"""

_TAIL = """\
.SH EXIT STATUS
.TP
.B 0
done
.TP
.B 1
the server could not be reached or failed, with nothing cached to answer from; or it did not take an article
.TP
.B 2
usage, configuration or input error
.TP
.B 3
the server could not be reached and the answer came from the cache
.TP
.B 4
TLS, certificate, pin or login failure
.TP
.B 70
a bug in pith (PITH_DEBUG=1 shows the traceback)
.TP
.B 130
interrupted
.SH ENVIRONMENT
.TP
.B NNTPSERVER, NNTPPORT
the server (and port) when neither \\-\\-server nor default_server names one
.TP
.B XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_STATE_HOME, XDG_CACHE_HOME
move pith's directories
.TP
.B VISUAL, EDITOR, BROWSER
the editor for composing; the program that opens URLs
.TP
.B PITH_DEBUG
set: a bug shows its traceback
.SH FILES
.TP
.I ~/.config/pith/config.toml
servers, keys, theme, compose and mail settings
.TP
.I ~/.config/pith/score.toml
score rules
.TP
.I ~/.local/share/pith/servers/
one SQLite store per server: overviews, bodies, read marks, outbox, drafts
.TP
.I ~/.netrc, ~/.authinfo
passwords
.SH SEE ALSO
.BR slrn (1),
.BR tin (1);
the README of pith's source tree, and docs/rules.md for score rules.
"""


def man_page(root: Command) -> str:
    """The whole page, in roff (man macros)."""
    shared = global_flags(root)
    synopsis = " ".join(["pith", *(_usage(o) for o in root.options), "[COMMAND [ARGUMENTS]]"])
    parts = [_HEAD, ".SH SYNOPSIS\n", _para(synopsis), ".SH DESCRIPTION\n", _para(root.help)]
    parts += [".SH OPTIONS\n", *(_option(o) for o in root.options), ".SH COMMANDS\n"]
    parts += [_command(c, c.name, shared) for c in root.commands]
    return "".join(parts) + _TAIL


def _command(command: Command, path: str, shared: set[str]) -> str:
    own = [o for o in command.options if not set(o.flags) & shared]
    ordered = [o for o in own if o.flags] + [o for o in own if not o.flags]
    usage = " ".join(["pith", path, "[global options]", *(_usage(o) for o in ordered)])
    text = f".SS {_escape(path)}\n{_para(usage)}{_para(command.help)}"
    text += "".join(_option(o) for o in own)
    return text + "".join(_command(c, f"{path} {c.name}", shared) for c in command.commands)


def _usage(option: Option) -> str:
    """``[--flag VALUE]`` for an option, ``GROUP``, ``[GROUP]`` or ``[GROUP ...]`` for a positional argument."""
    if option.flags:
        return f"[{' '.join(filter(None, (option.flags[0], option.metavar)))}]"
    shapes = {"": "{}", "?": "[{}]", "*": "[{} ...]", "+": "{} [{} ...]"}
    return shapes[option.nargs].format(option.metavar, option.metavar)


def _option(option: Option) -> str:
    names = ", ".join(f"\\fB{_escape(flag)}\\fR" for flag in option.flags) or f"\\fI{_escape(option.metavar)}\\fR"
    if option.flags and option.metavar:
        names += f" \\fI{_escape(option.metavar)}\\fR"
    detail = " ".join(filter(None, (option.help, f"(one of: {', '.join(option.choices)})" if option.choices else "")))
    return f".TP\n{names}\n{_escape(detail) or '.'}\n"


def _para(text: str) -> str:
    return f".PP\n{_escape(text)}\n" if text else ""


def _escape(text: str) -> str:
    """Backslashes and hyphens as roff wants them; a line never starts with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)
