"""`pith rules` refuses what it cannot honour (exit 2, one line) instead of storing or trying nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from killfile import actions
from store.paths import config_dir
from tests.cli_run import run

MBOX = b"From a Thu Jan  1 00:00:00 1970\nNewsgroups: test.kf\nFrom: Ann <ann@example.org>\n" \
       b"Subject: hello\nMessage-ID: <a@example.org>\n\nbody\n"


def test_rules_try_with_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = tmp_path / "l.mbox"
    mbox.write_bytes(MBOX)
    code, out, err = run(capsys, "--archive", str(mbox), "rules", "try", "missing.toml", "test.kf")
    assert (code, out, err) == (2, "", "pith: missing.toml: no such file\n")


@pytest.mark.parametrize("text", ["not an address", "not", "", "@example.org", "Name <broken", "a@b c"])
def test_plonk_refuses_what_is_not_an_address(text: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "rules", "plonk", text)
    assert code == 2 and out == "" and err.startswith("pith: not an address: ") and err.count("\n") == 1
    assert not (config_dir() / actions.ACTIONS).exists()


@pytest.mark.parametrize(("text", "stored"), [
    ("troll@example.com", "troll@example.com"),
    ("<Troll@Example.com>", "troll@example.com"),
    ('"Troll, The" <troll@example.com>', "troll@example.com"),
    ("troll@example.com (The Troll)", "troll@example.com"),
])
def test_plonk_takes_the_address(text: str, stored: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "plonk", text)
    assert code == 0 and stored in out
    found, _ = actions.load_actions(config_dir() / actions.ACTIONS)
    assert [a.address for a in found] == [stored]


def test_boost_and_cap_check_the_address_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "rules", "boost", "nobody")[0] == 2
    assert run(capsys, "rules", "cap-author", "nobody", "--max", "3", "--per", "day")[0] == 2
    assert not (config_dir() / actions.ACTIONS).exists()
