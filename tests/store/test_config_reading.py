"""config.toml ``[reading] mark_killed_read``: on by default, checked like every other key (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_mark_killed_read_default_and_off(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).reading.mark_killed_read is True
    assert load_config(write(tmp_path, "[reading]\nmark_killed_read = false\n")).reading.mark_killed_read is False


@pytest.mark.parametrize(("text", "message"), [
    ('[reading]\nmark_killed_read = "no"\n', r":2: reading.mark_killed_read: must be true or false, not str 'no'"),
    ("[reading]\nmark_kiled_read = true\n", r":2: reading.mark_kiled_read: unknown key \(did you mean 'mark_killed_read'\?\)"),
])
def test_mistakes_name_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))
