"""config.toml: every problem names file, line and key; typos get the nearest valid name."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_no_file_means_defaults_and_an_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    assert load_config().servers == {}
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.toml")


def test_server_entries(tmp_path: Path) -> None:
    path = write(tmp_path, 'default_server = "home"\n[servers.home]\nhost = "news.example.org"\n'
                           'tls = "implicit"\nuser = "me"\ntimeout = 5\n[servers.lists]\nhost = "lore"\n')
    config = load_config(path)
    home = config.servers["home"]
    assert (home.effective_port, home.tls, home.user, home.timeout) == (563, "implicit", "me", 5.0)
    assert config.servers["lists"].effective_port == 119 and config.default_server == "home"


def test_unknown_key_names_file_line_and_the_nearest_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[servers.home]\nhost = "x"\ntsl = "starttls"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}:3: servers.home.tsl: unknown key (did you mean 'tls'?)"


def test_wrong_types_and_values(tmp_path: Path) -> None:
    path = write(tmp_path, '[servers.home]\nhost = "x"\nport = "119"\n')
    with pytest.raises(ConfigError, match=r":3: servers.home.port: must be an integer, not str"):
        load_config(path)
    path = write(tmp_path, '[servers.home]\nhost = "x"\ntls = "ssl"\n')
    with pytest.raises(ConfigError, match=r":3: servers.home.tls: must be one of none, implicit, starttls"):
        load_config(path)
    path = write(tmp_path, 'default_server = "hme"\n[servers.home]\nhost = "x"\n')
    with pytest.raises(ConfigError, match=r":1: default_server: names no \[servers.hme\] \(did you mean 'home'\?\)"):
        load_config(path)
    path = write(tmp_path, '[servers.home]\nport = 1\n')
    with pytest.raises(ConfigError, match=r":1: servers.home: needs host"):
        load_config(path)


def test_broken_toml_is_one_clear_line(tmp_path: Path) -> None:
    path = write(tmp_path, "[servers.home\nhost = 1\n")
    with pytest.raises(ConfigError, match=str(path)):
        load_config(path)


def test_cli_reports_config_errors_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import main

    path = write(tmp_path, '[servers.home]\nhost = "x"\ncompres = true\n')
    assert main.main(["--config", str(path), "groups"]) == 2
    err = capsys.readouterr().err
    assert "did you mean 'compress'" in err and err.count("\n") == 1


def test_pith_never_writes_the_config(tmp_path: Path) -> None:
    path = write(tmp_path, '# my comment\n[servers.home]\nhost = "x"  # trailing\n')
    before = path.read_bytes()
    load_config(path)
    assert path.read_bytes() == before
