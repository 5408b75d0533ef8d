"""Issue 15: the server and credential conventions slrn, tin and Gnus users bring along.

NNTPPORT with NNTPSERVER (tin), /etc/nntpserver when nothing else names a server
(slrn, tin), Gnus-style ~/.authinfo lines, and global options after the command.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import main
from cli.context import resolve_server
from nntp.authinfo import parse_authinfo
from nntp.connect import ConnectOptions, find_credentials


def endpoint_of(*argv: str):  # type: ignore[no-untyped-def]
    return resolve_server(main.build_parser().parse_args([*argv, "groups"]))


def test_nntpport_goes_with_nntpserver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNTPSERVER", "news.example.org")
    monkeypatch.setenv("NNTPPORT", "1119")
    assert endpoint_of().address.identity == "news.example.org:1119"
    monkeypatch.setenv("NNTPSERVER", "news.example.org:2000")  # a port spelt out wins
    assert endpoint_of().address.identity == "news.example.org:2000"
    assert endpoint_of("--server", "other.example").address.identity == "other.example:1119"


def test_a_bad_nntpport_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("NNTPSERVER", "news.example.org")
    monkeypatch.setenv("NNTPPORT", "nntp!")
    assert main.main(["groups"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "NNTPPORT" in err and "Traceback" not in err


def test_etc_nntpserver_when_nothing_else_names_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system = tmp_path / "nntpserver"
    system.write_text("# the site's server\n\nnews.site.example\n")
    monkeypatch.setattr("cli.context.NNTPSERVER_FILE", system)
    monkeypatch.setenv("NNTPPORT", "433")
    assert endpoint_of().address.identity == "news.site.example:433"
    monkeypatch.setenv("NNTPSERVER", "env.example")
    assert endpoint_of().address.host == "env.example"  # the variable comes first


def test_newsrc_import_files_groups_under_nntpport(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from store.cache import store_path
    from store.paths import data_dir

    newsrc = tmp_path / ".newsrc"
    newsrc.write_text("comp.misc: 1-5\n")
    monkeypatch.setenv("NNTPSERVER", "127.0.0.1")
    monkeypatch.setenv("NNTPPORT", "1")  # nothing listens: newsrc import needs no server
    code = main.main(["--offline", "newsrc", "import", str(newsrc)])
    assert code in (0, 3), capsys.readouterr().err
    assert store_path(data_dir(), "127.0.0.1:1").exists()
    assert not store_path(data_dir(), "127.0.0.1:119").exists()


GNUS = """\
# Gnus writes these
machine imap.example.org login me password imap-secret port imap
machine news.example.org login me password "x y\\"z" port nntp force yes
machine other.example.org login "you" password 'plain' # trailing comment
default login anon password anon-secret
"""


def test_gnus_style_authinfo_is_read() -> None:
    parsed = parse_authinfo(GNUS)
    assert parsed.problems == ()
    entry = parsed.lookup("news.example.org")
    assert entry is not None and (entry.login, entry.password) == ("me", 'x y"z')
    assert parsed.lookup("imap.example.org") is None  # an IMAP password never goes to a news server
    assert parsed.lookup("other.example.org").password == "'plain'"  # type: ignore[union-attr]
    assert parsed.lookup("nowhere.example") is None
    assert parsed.lookup("nowhere.example", use_default=True).password == "anon-secret"  # type: ignore[union-attr]


def test_a_bad_line_is_named_and_the_rest_still_counts() -> None:
    parsed = parse_authinfo('machine a.example login me password "open\nmachine b.example login b password bb\n',
                            "/home/me/.authinfo")
    assert parsed.problems == ("/home/me/.authinfo:1: a quoted value is not closed (the rest of the line is ignored)",)
    assert parsed.lookup("b.example").password == "bb"  # type: ignore[union-attr]


def test_find_credentials_reads_a_gnus_authinfo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".authinfo").write_text(GNUS)
    assert find_credentials("news.example.org", ConnectOptions()) == ("me", 'x y"z')


def test_an_unreadable_credentials_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".authinfo").mkdir()  # a directory: reading it fails even as root
    problems: list[str] = []
    assert find_credentials("news.example.org", ConnectOptions(), problems=problems) is None
    assert len(problems) == 1 and ".authinfo: cannot read" in problems[0]


@pytest.mark.parametrize("argv", [
    ["threads", "g", "--server", "x.example:1190", "--timeout", "5", "--offline", "--verbose"],
    ["--server", "x.example:1190", "--timeout", "5", "threads", "g", "--offline", "--verbose"],
    ["--server", "x.example:1190", "--timeout", "5", "--offline", "--verbose", "threads", "g"],
])
def test_global_options_before_or_after_the_command(argv: list[str]) -> None:
    args = main.build_parser().parse_args(argv)
    assert (args.server, args.timeout, args.offline, args.verbose) == ("x.example:1190", 5.0, True, True)
    assert args.command == "threads" and args.group == "g"


def test_global_options_on_nested_commands_and_defaults_kept() -> None:
    args = main.build_parser().parse_args(["--config", "/c.toml", "rules", "check", "--server", "s"])
    assert args.config == "/c.toml" and args.server == "s" and args.offline is False
    args = main.build_parser().parse_args(["--archive", "a.mbox", "groups"])
    assert args.archive == ["a.mbox"] and args.timeout is None
    args = main.build_parser().parse_args(["groups", "--archive", "b.mbox"])
    assert args.archive == ["b.mbox"]
    assert isinstance(args, argparse.Namespace)
