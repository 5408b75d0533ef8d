"""pith's argparse definitions as a plain tree, read by the man page and the shell completions.

Both are generated from ``main.build_parser()`` so they never drift from what
pith accepts; this module is the one place that reads argparse's internals
(``_actions``, ``_SubParsersAction``) to get there.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    """One option or positional argument of a command."""

    flags: tuple[str, ...]
    """``("--json",)``; empty for a positional argument."""
    metavar: str
    """The value's name (``GROUP``, ``PATH``); empty for a switch without a value."""
    help: str
    choices: tuple[str, ...] = ()
    """The values argparse accepts, when it restricts them."""
    nargs: str = ""
    """argparse's ``?``, ``*`` or ``+`` for a positional argument that is optional or repeats."""


@dataclass(frozen=True)
class Command:
    """A command (the program itself at the root) with its options and subcommands."""

    name: str
    help: str
    options: tuple[Option, ...] = ()
    commands: tuple[Command, ...] = field(default=())


def command_tree(parser: argparse.ArgumentParser, name: str = "pith", help: str = "") -> Command:
    """The command ``parser`` defines, its documented options and (recursively) its subcommands."""
    options = tuple(_option(a) for a in parser._actions if _documented(a))
    return Command(name, help or (parser.description or ""), options, _subcommands(parser))


def _subcommands(parser: argparse.ArgumentParser) -> tuple[Command, ...]:
    found: list[Command] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for child_name, child in dict(action.choices).items():
                if child_name in helps:  # aliases have no help entry of their own
                    found.append(command_tree(child, child_name, helps[child_name]))
    return tuple(found)


def _documented(action: argparse.Action) -> bool:
    hidden = action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction)
    return not hidden and not isinstance(action, argparse._HelpAction)


def _option(action: argparse.Action) -> Option:
    takes_value = action.nargs != 0
    metavar = action.metavar or (action.dest.upper() if action.option_strings else action.dest)
    choices = tuple(str(c) for c in action.choices) if action.choices else ()
    nargs = action.nargs if isinstance(action.nargs, str) and action.nargs in "?*+" else ""
    return Option(tuple(action.option_strings), str(metavar) if takes_value else "", action.help or "", choices,
                  nargs)


def global_flags(root: Command) -> set[str]:
    """The flags every command takes (main.add_global_options), so that each command lists only its own."""
    flags = {flag for option in root.options for flag in option.flags}
    for command in root.commands:
        flags &= {flag for option in command.options for flag in option.flags}
    return flags
