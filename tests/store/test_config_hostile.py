"""Hostile or mistaken local files end in one line naming file, line and key: never RecursionError or exit 70."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import main
from killfile.actions import ACTIONS, load_actions, load_memory, MEMORY
from killfile.rules import load_rules
from store import tomlsafe
from store.cache import Store
from store.config import ConfigError, load_config
from store.paths import config_dir, data_dir
from store.schema import StoreError

DEEP_ARRAY = "a = " + "[" * 10_000 + "]" * 10_000
DEEP_INLINE = "a = " + "{b = " * 5_000 + "1" + "}" * 5_000
DEEP_DOTTED = "a" + ".a" * 5_000 + " = 1"
DEEP_HEADER = "[" + ".".join(["t"] * 5_000) + "]\nx = 1"


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_INLINE, DEEP_DOTTED, DEEP_HEADER], ids=["array", "inline", "dotted", "header"])
def test_deep_nesting_in_config_is_one_line_with_file_and_line(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, 'default_server = ""\n' + text + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:2: ") and "nested more than" in str(err.value)
    assert "\n" not in str(err.value) and len(str(err.value)) < 300


def test_the_depth_scan_ignores_brackets_in_strings_and_comments() -> None:
    text = 'a = "' + "[" * 100 + '"\n# ' + "{" * 100 + "\nb = '''\n" + "[" * 100 + "\n'''\nc = [1.5, 2.5]\n"
    assert tomlsafe.loads(text)["c"] == [1.5, 2.5]
    assert tomlsafe.loads("a = " + "[" * 30 + "]" * 30)["a"]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf", "0.0"])
def test_timeout_must_be_positive_and_finite(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f'[servers.home]\nhost = "x"\ntimeout = {value}\n')
    with pytest.raises(ConfigError, match=rf"^{path}:3: servers\.home\.timeout: must be a number of seconds above 0"):
        load_config(path)


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf"])
def test_timeout_on_the_command_line(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main.main(["--server", "127.0.0.1:9", f"--timeout={value}", "groups"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pith: --timeout: must be a number of seconds above 0") and err.count("\n") == 1


def test_port_out_of_range(tmp_path: Path) -> None:
    path = write(tmp_path, '[servers.home]\nhost = "x"\nport = 70000\n')
    with pytest.raises(ConfigError, match=rf"^{path}:3: servers\.home\.port: must be a TCP port"):
        load_config(path)


@pytest.mark.parametrize("value", ["abc", "-1", "", "4.0", "9" * 40, "\x1b[2J"])
def test_garbage_schema_version_is_refused_untouched(tmp_path: Path, value: str) -> None:
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    with store.transaction():
        store.db.execute("INSERT INTO groups (name, low, high, count) VALUES ('keep.me', 1, 2, 2)")
        store.db.execute("UPDATE meta SET value=? WHERE key='schema'", (value,))
    store.close()
    with pytest.raises(StoreError) as err:
        Store(path)
    message = str(err.value)
    assert message.startswith(f"{path}: damaged store") and "move the file away" in message
    assert "\x1b" not in message and "\n" not in message
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key='schema'").fetchone() == (value,)
    assert db.execute("SELECT name FROM groups").fetchall() == [("keep.me",)]


def test_a_future_schema_is_refused_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mbox = write(tmp_path, "From a Thu Jan  1 00:00:00 1970\nSubject: x\nMessage-ID: <a@b>\n\nbody\n", "l.mbox")
    assert main.main(["--archive", str(mbox), "groups"]) == 0
    capsys.readouterr()
    store = next(data_dir().rglob("*.sqlite3"))
    db = sqlite3.connect(store)
    db.execute("UPDATE meta SET value='99' WHERE key='schema'")
    db.commit()
    db.close()
    assert main.main(["--archive", str(mbox), "groups"]) == 2
    err = capsys.readouterr().err
    assert "newer pith" in err and "internal error" not in err


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_INLINE], ids=["array", "inline"])
def test_deep_nesting_in_a_rule_file_costs_that_table_only(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, '[[rule]]\nname = "good"\nscore = -10\nall = [{ header = "Subject", contains = "spam" }]\n\n[[rule]]\n' + text + "\n",
                 "score.toml")
    rules, problems = load_rules(path)
    assert [r.name for r in rules.rules] == ["good"]
    assert any(p.line == 7 and "nested more than" in p.message for p in problems)


def test_deep_nesting_in_killfile_d_is_a_problem_not_a_crash() -> None:
    actions = config_dir() / ACTIONS
    actions.parent.mkdir(parents=True)
    actions.write_text(DEEP_ARRAY)
    found, problems = load_actions(actions)
    assert found == [] and "nested more than" in problems[0].message
    (config_dir() / MEMORY).write_text("[" * 100_000 + "]" * 100_000)
    assert load_memory(config_dir() / MEMORY) == {}
