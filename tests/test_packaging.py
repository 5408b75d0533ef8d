"""Packaging: the distribution name, ``pith --version``, the man page and the completion scripts."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError
from pathlib import Path
from types import ModuleType

import pytest

import main
import nntp.version
from cli.completion import bash_script, zsh_script
from cli.parser_tree import command_tree
from nntp.compose import user_agent

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _make_man() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_man", ROOT / "tools" / "make_man.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_distribution_has_a_name_of_its_own_and_the_command_stays_pith() -> None:
    assert PROJECT["name"] == nntp.version.DISTRIBUTION == "pith-news"
    assert PROJECT["scripts"] == {"pith": "main:main"}


def test_version_prints_pith_and_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"pith {PROJECT['version']}\n"


def test_version_from_a_source_tree_never_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(nntp.version, "version", not_installed)
    assert nntp.version.pith_version() == PROJECT["version"]
    assert user_agent() == f"pith/{PROJECT['version']}"
    monkeypatch.setattr(nntp.version, "_PYPROJECT", ROOT / "no-such-pyproject.toml")
    assert nntp.version.pith_version() == "unknown"
    assert user_agent() == "pith"


def test_the_man_page_in_docs_is_what_the_parser_gives_now() -> None:
    """If this fails, a command or option changed: run `python tools/make_man.py` and commit docs/pith.1."""
    assert (ROOT / "docs" / "pith.1").read_text(encoding="utf-8") == _make_man().render()


def test_the_man_page_documents_every_command_and_its_options() -> None:
    page = _make_man().render()
    for name in ("groups", "rules check", "rules cap-author", "outbox", "completion"):
        assert f".SS {name.replace('-', chr(92) + '-')}\n" in page
    assert "\\fB\\-\\-older\\-than\\fR \\fIDAYS\\fR" in page
    assert "(one of: day, week, month, thread)" in page
    rules_try = page.split(".SS rules try\n")[1].split(".SS ")[0]
    assert "\\-\\-json" in rules_try and "\\-\\-now" not in rules_try  # its --now is hidden (help=SUPPRESS)


def bash_complete(words: list[str]) -> list[str]:
    """What the generated bash script offers after ``words`` (the last one being completed)."""
    script = bash_script(command_tree(main.build_parser()))
    quoted = " ".join(f"'{w}'" for w in words)
    driver = f'{script}\nCOMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _pith; printf "%s\\n" "${{COMPREPLY[@]}}"'
    out = subprocess.run(["bash", "-c", driver], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_bash_completes_commands_subcommands_options_and_values() -> None:
    assert bash_complete(["pith", "su"]) == ["subscribe", "supersede"]
    assert bash_complete(["pith", "rules", "im"]) == ["import-slrn", "import-tin", "import-gnus"]
    assert "--older-than" in bash_complete(["pith", "catchup", "--"])
    assert "--version" in bash_complete(["pith", "--v"]) and "--version" not in bash_complete(["pith", "sync", "--"])
    assert bash_complete(["pith", "outbox", "f"]) == ["flush"]
    assert bash_complete(["pith", "rules", "cap-author", "x", "--per", ""]) == ["day", "week", "month", "thread"]
    assert bash_complete(["pith", "--server", "h", "search", "--sort", "r"]) == ["rank"]


def test_zsh_script_is_a_completion_function_with_the_same_tables() -> None:
    script = zsh_script(command_tree(main.build_parser()))
    assert script.startswith("#compdef pith\n")
    assert "'pith rules' 'check try import-slrn" in script
    assert "'pith outbox' 'list flush show drop'" in script


def test_pith_completion_prints_the_script() -> None:
    out = subprocess.run([sys.executable, "main.py", "completion", "bash"], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    assert out.stdout == bash_script(command_tree(main.build_parser()))
    assert "complete -o default -F _pith pith" in out.stdout
