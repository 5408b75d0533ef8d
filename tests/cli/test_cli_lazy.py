"""cli/lazy.py: a command imports only its own module, and parses exactly as with every module loaded."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

import main
from cli import lazy

ROOT = Path(__file__).resolve().parents[2]


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_the_table_names_every_command_each_module_defines() -> None:
    for module_name in lazy.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers(dest="command")
        __import__(module_name, fromlist=["add_commands"]).add_commands(sub)
        assert {w for w, m in lazy.COMMANDS.items() if m == module_name} == _commands(parser), module_name
    assert _commands(main.build_parser()) == set(lazy.COMMANDS)


@pytest.mark.parametrize(("argv", "word"), [
    (["sync", "g"], "sync"),
    (["--server", "sync", "groups"], "groups"),
    (["--server=sync", "groups"], "groups"),
    (["--serv", "x", "--offline", "threads", "g"], "threads"),
    (["--timeout", "5", "--archive", "a.mbox", "search", "w"], "search"),
    (["--verbose", "rules", "check"], "rules"),
    (["-h", "sync"], None),
    (["--he", "sync"], None),
    (["--", "sync"], None),
    (["--server"], None),
    ([], None),
])
def test_the_command_word_is_the_one_argparse_sees(argv: list[str], word: str | None) -> None:
    assert lazy.command_word(argv) == word


def test_only_the_commands_module_is_loaded_else_all() -> None:
    assert lazy.modules_for(["sync", "g", "--bodies"]) == ("cli.sync",)
    assert lazy.modules_for(["--offline", "read", "g"]) == ()
    assert lazy.modules_for(["no-such-command"]) == lazy.COMMAND_MODULES
    assert lazy.modules_for(["--help"]) == lazy.COMMAND_MODULES
    assert lazy.modules_for(None) == lazy.COMMAND_MODULES


@pytest.mark.parametrize("argv", [
    ["sync", "a.b", "--bodies", "--quiet"], ["--server", "x", "expire", "--max-size", "1M"],
    ["threads", "g", "--json", "--offline"], ["rules", "check"], ["cancel", "<a@b>"], ["catchup", "g"],
    ["--offline"], ["read", "g", "12"],
])
def test_a_command_parses_the_same_with_its_module_alone(argv: list[str]) -> None:
    def plain(ns: argparse.Namespace) -> dict[str, object]:
        return {k: v for k, v in vars(ns).items() if k != "handler"}

    alone, every = main.build_parser(argv).parse_args(argv), main.build_parser().parse_args(argv)
    assert plain(alone) == plain(every)
    assert hasattr(alone, "handler") == hasattr(every, "handler")


def test_unknown_commands_are_refused_with_the_full_list() -> None:
    done = subprocess.run([sys.executable, "main.py", "synk"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "invalid choice: 'synk'" in done.stderr and "supersede" in done.stderr


def test_pith_sync_does_not_import_the_other_commands(tmp_path: Path) -> None:
    """Nor the killfile (only threads and score use it) nor the archive readers (a server was named)."""
    (tmp_path / "config.toml").write_text("")
    argv = ['--server', '127.0.0.1:9', '--config', str(tmp_path / "config.toml"), 'sync', 'g']
    code = ("import sys, main\nfrom cli.context import open_library_factory\n"
            f"open_library_factory(main.build_parser({argv!r}).parse_args({argv!r}))\n"
            "print(','.join(sorted(m for m in sys.modules if m in ('cli.score', 'cli.state', 'cli.control', "
            "'cli.completion', 'cli.posting', 'killfile.session', 'killfile.model', 'nntp.archive'))))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
