"""config.toml ``[article] headers``: the pager's header list, checked like every other key."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import DEFAULT_HEADERS, ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_headers_default_and_set(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, "")).article.headers == DEFAULT_HEADERS
    assert {"Followup-To", "Reply-To", "Cc", "Organization"} <= set(DEFAULT_HEADERS)
    config = load_config(write(tmp_path, '[article]\nheaders = ["From", "X-Mailer"]\n'))
    assert config.article.headers == ("From", "X-Mailer")


@pytest.mark.parametrize(("text", "message"), [
    ('[article]\nheaders = "From"\n', r":2: article.headers: must be a list, not str"),
    ('[article]\nheaders = ["From", 3]\n', r":2: article.headers: must list header names .*not 3$"),
    ('[article]\nheaders = ["Subject:"]\n', r":2: article.headers: must list header names .*not 'Subject:'"),
    ('[article]\nheader = ["From"]\n', r":2: article.header: unknown key \(did you mean 'headers'\?\)"),
])
def test_bad_headers_are_one_line_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))
