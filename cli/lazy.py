"""Which module defines which command, so that a command imports only its own module.

Importing every command module costs more than a small command's work (pith's
start-up was ~0.3 s of a 0.5 s `pith sync`: the killfile, posting and output
modules that sync never uses). The command word is found in argv the way
argparse finds it; when it is missing, unknown or uncertain (``--help`` before
it, ``--``), every module is loaded, so help, errors, the man page and the
completions see every command as before. tests/cli/test_cli_lazy.py holds the
table to what the modules define.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from cli.command_start import command_imports

COMMAND_MODULES = ("cli.commands", "cli.score", "cli.sync", "cli.state", "cli.control", "cli.completion")
"""Modules with ``add_commands(subparsers)``, in the order ``pith --help`` lists their commands."""

COMMANDS: dict[str, str] = {
    **dict.fromkeys(("groups", "threads", "article"), "cli.commands"),
    **dict.fromkeys(("score", "rules"), "cli.score"),
    **dict.fromkeys(("sync", "expire", "search"), "cli.sync"),
    **dict.fromkeys(("post", "outbox", "subscribe", "unsubscribe", "newsrc", "catchup"), "cli.state"),
    **dict.fromkeys(("cancel", "supersede"), "cli.control"),
    "completion": "cli.completion",
    "read": "", "demo": "",  # main.py's own (the reader): no command module
}
"""Command word -> the module that defines it ("" for those main.build_parser defines itself)."""

VALUE_OPTIONS = ("--server", "--archive", "--timeout", "--config")
"""The global options that take a value (main.add_global_options): their value is not the command."""
SWITCHES = ("--offline", "--verbose", "--version", "--help")


def command_word(argv: Sequence[str]) -> str | None:
    """The command argparse will see in ``argv``; None when there is none or it cannot be told safely."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("--", "-h") or _is_help(token):
            return None
        if not token.startswith("-"):
            return token
        if _takes_value(token):
            next(tokens, None)
    return None


def _is_help(token: str) -> bool:
    return len(token) > 3 and "--help".startswith(token)


def _takes_value(token: str) -> bool:
    """``--server`` (or an abbreviation argparse accepts, ``--serv``) without ``=VALUE``."""
    if "=" in token or not token.startswith("--") or len(token) < 3:
        return False
    return any(o.startswith(token) for o in VALUE_OPTIONS) and not any(o.startswith(token) for o in SWITCHES)


def modules_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The command modules to import for ``argv``: its command's alone, else all (None: all)."""
    word = command_word(argv) if argv is not None else None
    if word is None or word not in COMMANDS:
        return COMMAND_MODULES
    return (COMMANDS[word],) if COMMANDS[word] else ()


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser], argv: Sequence[str] | None = None) -> None:
    """Each needed module's ``add_commands(sub)``: every module unless ``argv`` names a command (whose
    imports then go as a launch's do: cli/command_start.py)."""
    modules = modules_for(argv)
    with command_imports(modules if len(modules) == 1 else ()):
        for module_name in modules:
            importlib.import_module(module_name).add_commands(sub)
