"""One border for outside text: every sink the CLI and the Library have shows it inert, on one line."""

from __future__ import annotations

import re
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest

import main
from cli.textout import SanitizingWriter, warn
from killfile import actions
from nntp.address import ServerAddress
from nntp.errors import PithError, RemoteProtocolError
from nntp.models import GroupInfo, Overview
from nntp.sanitize import ERROR_LIMIT, clip_line, error_line, notice, sanitize_line, sanitize_text, strip_invisible
from store.cache import Store, store_path
from store.library import Library, describe_error
from store.paths import config_dir, data_dir
from tests.fakes.source import FakeSource
from tests.cli_run import run

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What may never reach a terminal: C0 but tab/newline, DEL, C1, bidi controls, lone surrogates."""
ESCAPES = "\x1b]52;c;cHduZWQ=\x07\x1b]0;title\x07\x1b[2J\x9b31m\u202e\x85"
NAME = f"alt.evil{ESCAPES}"
T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
GARBAGE = "400 " + "\x1b[31m\u202egarbage\r\n" * 6000  # a 64 KB "greeting"


def hostile_overviews() -> list[Overview]:
    root = Overview(1, f"subject {ESCAPES}\nforged row", f"Evil {ESCAPES} <e@x>", T0, "<1@x>", (), 10, 1)
    orphans = [Overview(n, "Re: x", "spam\u200b@example.org", T0, f"<{n}@x>", (f"<lost{ESCAPES}@x>",), 10, 1)
               for n in (2, 3)]  # two replies to one lost parent: a [missing] row
    return [root, *orphans]


class HostileSource(FakeSource):
    def __init__(self) -> None:
        super().__init__({NAME: hostile_overviews()})

    def list_groups(self) -> list[GroupInfo]:
        return [GroupInfo(NAME, 1, 3, 3, "y", f"desc {ESCAPES}\nforged.group 99 y")]


def closed_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


@pytest.fixture
def hostile_store() -> str:
    """A server address whose cached store holds a hostile group list and overviews."""
    address = closed_address()
    library = Library(Store(store_path(data_dir(), ServerAddress.parse(address).identity)), HostileSource)
    library.groups()
    library.enter_group(NAME)
    library.close()
    return address


def assert_inert(*texts: str) -> None:
    for text in texts:
        found = UNSAFE.findall(text)
        assert not found, f"{len(found)} unsafe characters, first {found[0]!r}"


# -- the helpers -------------------------------------------------------------------------------
def test_error_line_is_one_inert_clipped_line() -> None:
    line = error_line(RemoteProtocolError(f"news.example:119: {GARBAGE}"))
    assert (len(line), line.count("\n"), line[-1]) == (ERROR_LIMIT, 0, "…")
    assert line.startswith("news.example:119: 400 ␛[31m<U+202E>garbage ␛[31m<U+202E>garbage")
    assert_inert(line)
    assert clip_line("short \x1b") == "short ␛" and error_line("x" * 10, limit=5) == "xxxx…"


def test_notice_keeps_a_few_lines_each_clipped() -> None:
    text = notice("one\x1b\n" + "two\n" * 20, lines=3)
    assert text == "one␛\ntwo\ntwo\n…"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u3164",
                                  "\u115f", "\u1160", "\uffa0", "\u180e", "\u2061", "\u2064", "\U000e0041",
                                  "\ufe0f", "\u2028"])
def test_invisible_characters_in_one_line_values_are_shown(char: str) -> None:
    shown = sanitize_line(f"spam{char}@example.org")
    assert shown == f"spam<U+{ord(char):04X}>@example.org"
    assert strip_invisible(shown) == strip_invisible(f"spam{char}@example.org") == "spam@example.org"


def test_legitimate_joiners_and_selectors_stay_and_bodies_keep_them() -> None:
    family, persian, flag, keycap = "👨\u200d👩\u200d👧", "می\u200cخواهم", "🏴\U000e0067\U000e0062\U000e007f", "1\ufe0f\u20e3"
    for text in (family, persian, flag, keycap, "❤\ufe0f", "🏳\ufe0f\u200d🌈", "👍🏽"):
        assert sanitize_line(f"Subject {text}") == f"Subject {text}"
    assert sanitize_text("a\u200bb\n") == "a\u200bb\n"  # bodies: left alone
    assert sanitize_line("x\u200dy") == "x<U+200D>y" and sanitize_line("a\U000e0061\U000e0062") == "a<U+E0061><U+E0062>"


def test_lone_surrogates_never_reach_an_encoder() -> None:
    assert sanitize_line("a\udcff") == "a\ufffd" and sanitize_text("b\ud800\n") == "b\ufffd\n"


# -- the sinks ---------------------------------------------------------------------------------
def test_describe_error_is_the_tuis_one_line(tmp_path: Path) -> None:
    for exc in (PithError(GARBAGE), ValueError(GARBAGE)):
        line = describe_error(exc)
        assert line.count("\n") == 0 and len(line) <= ERROR_LIMIT, len(line)
        assert_inert(line)


def test_cli_error_lines_are_one_clipped_inert_line(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    for exc in (RemoteProtocolError(f"news.example:119: {GARBAGE}"), RuntimeError(GARBAGE)):
        def fail(args: object, exc: Exception = exc) -> int:
            raise exc
        monkeypatch.setattr(main, "run_command", fail)
        code, out, err = run(capsys, "groups")
        assert (code != 0, len(out), err.count("\n"), len(err) < ERROR_LIMIT + 80) == (True, 0, 1, True)
        assert_inert(err)


def test_warn_and_the_sanitizing_writer(capsys: pytest.CaptureFixture[str]) -> None:
    warn(GARBAGE)
    err = capsys.readouterr().err
    assert (err[:10], err.count("\n"), len(err) <= ERROR_LIMIT + 7) == ("pith: 400 ", 1, True)
    assert_inert(err)
    import io
    buffer = io.StringIO()
    SanitizingWriter(buffer).write(f"row {ESCAPES}\n")  # type: ignore[arg-type]
    assert buffer.getvalue() == "row ␛]52;c;cHduZWQ=␇␛]0;title␇␛[2J<9B>31m<U+202E><85>\n"


def test_groups_text_output_is_inert_and_one_row_per_group(capsys: pytest.CaptureFixture[str],
                                                           hostile_store: str) -> None:
    code, out, err = run(capsys, "--server", hostile_store, "--offline", "groups")
    assert_inert(out, err)
    assert out.count("\n") == 1 and "forged.group 99 y" in out  # the description's newline forged no row
    assert "alt.evil␛]52;c;cHduZWQ=␇" in out


def test_threads_text_output_shows_missing_ids_and_subjects_inert(capsys: pytest.CaptureFixture[str],
                                                                  hostile_store: str) -> None:
    code, out, err = run(capsys, "--server", hostile_store, "--offline", "threads", NAME)
    assert code == 0
    assert_inert(out, err)
    assert "[missing <lost␛]52;c;cHduZWQ=␇" in out and "subject ␛]52" in out and "forged row" in out
    assert len(out.splitlines()) == 4  # root, [missing] parent, two replies: no forged lines


def test_search_output_is_inert(capsys: pytest.CaptureFixture[str], hostile_store: str) -> None:
    code, out, err = run(capsys, "--server", hostile_store, "--offline", "search", "subject")
    assert_inert(out, err)
    assert code == 0 and "subject ␛]52" in out


def test_a_missing_group_error_names_it_inert(capsys: pytest.CaptureFixture[str], hostile_store: str) -> None:
    code, out, err = run(capsys, "--server", hostile_store, "--offline", "article", NAME, "99")
    assert code != 0 and err.splitlines()[-1].startswith("pith: alt.evil␛]52;c;cHduZWQ=␇")
    assert_inert(out, err)


def test_rules_actions_output_is_inert(capsys: pytest.CaptureFixture[str]) -> None:
    path = config_dir() / actions.ACTIONS
    path.parent.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    actions.add_action(path, "thread-kill", now, message_id=f"<k{ESCAPES}@x>")
    actions.add_action(path, "tag", now, message_id="<t@x>", tag=f"tag{ESCAPES}")
    code, out, err = run(capsys, "rules", "actions")
    assert code == 0 and out.count("\n") == 2
    assert_inert(out, err)
