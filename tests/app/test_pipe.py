"""app/pipe.py: which commands get the terminal, and the one line a captured command leaves."""

from __future__ import annotations

import pytest

from app.pipe import first_word, is_interactive, run_captured, summary


@pytest.mark.parametrize("command", ["less", "less -R", "/usr/bin/less", "LESS=R less", "grep foo | less",
                                     "vim -", "mypager"])
def test_pagers_and_editors_get_the_terminal(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAGER", "mypager -x")
    assert is_interactive(command)


@pytest.mark.parametrize("command", ["git am", "b4 am -o -", "cat > /tmp/x", "sh -c 'less'x'", ""])
def test_other_commands_run_in_the_background(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAGER", raising=False)
    assert not is_interactive(command)


def test_first_word_never_raises() -> None:
    assert first_word("'unclosed") == "" and first_word("  ") == ""


def test_captured_output_is_one_sanitized_line() -> None:
    result = run_captured("cat >/dev/null; printf 'Applying: one\\nApplying: \\033[31mtwo\\n'", b"data")
    assert result.status == 0 and result.line.endswith(": done: Applying: \u241b[31mtwo")
    failed = run_captured("echo 'error: patch failed' >&2; exit 128", b"")
    assert failed.status == 128 and failed.line.endswith("exit status 128: error: patch failed")


def test_summary_of_silence_and_latin1() -> None:
    assert summary("true", 0, b"") == "true: done"
    assert summary("x", 1, b"caf\xe9\n") == "x: exit status 1: café"
