"""``pith completion bash|zsh``: shell completion scripts written from pith's own argparse definitions.

Generated at the moment they are asked for, from ``main.build_parser()``, so a
new command or option completes as soon as it exists. Both scripts hold the
same four tables (keyed by the command path, ``pith rules check``): the
subcommands, the options, the values a positional argument accepts, and the
values an option accepts; a small function walks the words typed so far.
"""

from __future__ import annotations

import argparse
import shlex
from typing import TextIO

from cli.parser_tree import Command, command_tree, global_flags

Tables = dict[str, dict[str, str]]


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("completion", help="print a bash or zsh completion script for pith")
    parser.add_argument("shell", choices=("bash", "zsh"))
    parser.set_defaults(handler=cmd_completion)


def cmd_completion(args: argparse.Namespace, out: TextIO) -> int:
    from main import build_parser  # main imports this module: the parser is built only when asked

    root = command_tree(build_parser())
    out.write(bash_script(root) if args.shell == "bash" else zsh_script(root))
    return 0


def tables(root: Command) -> Tables:
    """The four tables, for every command path from ``pith`` down."""
    found: Tables = {"subs": {}, "opts": {}, "choices": {}, "optchoices": {}}
    _fill(found, root, "pith", global_flags(root))
    return found


def _fill(found: Tables, command: Command, path: str, shared: set[str]) -> None:
    found["subs"][path] = " ".join(c.name for c in command.commands)
    found["opts"][path] = " ".join(sorted({f for o in command.options for f in o.flags} | shared | {"--help"}))
    positional = [c for o in command.options if not o.flags for c in o.choices]
    found["choices"][path] = " ".join(positional)
    for option in command.options:
        for flag in option.flags if option.choices else ():
            found["optchoices"][f"{path} {flag}"] = " ".join(option.choices)
    for child in command.commands:
        _fill(found, child, f"{path} {child.name}", shared)


def _assignments(table: dict[str, str]) -> str:
    return " ".join(f"[{shlex.quote(key)}]={shlex.quote(value)}" for key, value in table.items())


def _zsh_pairs(table: dict[str, str]) -> str:
    return " ".join(f"{shlex.quote(key)} {shlex.quote(value)}" for key, value in table.items())


def bash_script(root: Command) -> str:
    """A bash completion script (``source`` it, or put it in bash-completion's completions directory)."""
    found = tables(root)
    declarations = "\n".join(f"    local -A {name}=({_assignments(table)})" for name, table in found.items())
    return _BASH.replace("@TABLES@", declarations)


def zsh_script(root: Command) -> str:
    """A zsh completion function (save it as ``_pith`` in a directory of ``$fpath``)."""
    found = tables(root)
    declarations = "\n".join(f"    local -A {name}\n    {name}=({_zsh_pairs(table)})" for name, table in found.items())
    return _ZSH.replace("@TABLES@", declarations)


_BASH = """\
# bash completion for pith, generated from its argparse definitions by `pith completion bash`
_pith() {
@TABLES@
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=pith i
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ -n ${opts["$cmd ${COMP_WORDS[i]}"]+set} ]] && cmd="$cmd ${COMP_WORDS[i]}"
    done
    if [[ -n ${optchoices["$cmd $prev"]+set} ]]; then
        COMPREPLY=($(compgen -W "${optchoices["$cmd $prev"]}" -- "$cur"))
    elif [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${opts[$cmd]}" -- "$cur"))
    else
        COMPREPLY=($(compgen -W "${subs[$cmd]} ${choices[$cmd]}" -- "$cur"))
    fi
}
complete -o default -F _pith pith
"""

_ZSH = """\
#compdef pith
# zsh completion for pith, generated from its argparse definitions by `pith completion zsh`
_pith() {
@TABLES@
    local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd=pith i
    for ((i = 2; i < CURRENT; i++)); do
        (( ${+opts[$cmd ${words[i]}]} )) && cmd="$cmd ${words[i]}"
    done
    if (( ${+optchoices[$cmd $prev]} )); then
        compadd -- ${=optchoices[$cmd $prev]}
    elif [[ $cur == -* ]]; then
        compadd -- ${=opts[$cmd]}
    elif [[ -n ${subs[$cmd]}${choices[$cmd]} ]]; then
        compadd -- ${=subs[$cmd]} ${=choices[$cmd]}
    else
        _files
    fi
}
_pith "$@"
"""
