"""nntp/pipeline.py: the window, matching answers to keys (in order, and public-inbox's early refusals),
and unstuffing exactly as nntplib does."""

from __future__ import annotations

import io

from hypothesis import given
from hypothesis import strategies as st

from nntp.pipeline import Matcher, Window, commands, reply_kind, unstuff


def test_the_window_fills_then_refills_in_halves() -> None:
    window = Window(list(range(10)), size=4)
    assert list(window.to_send()) == [0, 1, 2, 3]
    window.answered()
    assert list(window.to_send()) == []  # three still out: more than half
    window.answered()
    assert list(window.to_send()) == [4, 5]
    while not window.done:
        window.to_send()
        window.answered()
    assert window.sent == window.received == 10


def test_commands_go_out_in_one_buffer() -> None:
    assert commands("ARTICLE", [5, "<a@b>"]) == b"ARTICLE 5\r\nARTICLE <a@b>\r\n"


def test_reply_kinds() -> None:
    assert reply_kind("220 5 <a@b>") == "article"
    assert reply_kind("222 5 <a@b>", "BODY") == "article"
    assert reply_kind("430 no such") == reply_kind("423 no such") == "gone"
    assert reply_kind("480 login") == "auth"
    assert reply_kind("503 fault") == "error"
    assert reply_kind("Subject: hi") == "garbage"


def _feed(matcher: Matcher, answers: list[str]) -> list[tuple[object, str]]:
    out = []
    for status in answers:
        got = matcher.article(status, b"x") if status.startswith("220") else matcher.refusal(status)
        out += [(f.key, f.status[:3]) for f in got]
    return out


def test_an_in_order_server() -> None:
    matcher = Matcher()
    matcher.asked([1, 2, "<m@x>", 4])
    assert _feed(matcher, ["220 1 <a@x>", "423 no", "430 no", "220 4 <d@x>"]) == [
        (1, "220"), (2, "423"), ("<m@x>", "430"), (4, "220")]


def test_public_inbox_refuses_ahead_of_a_long_answer() -> None:
    """What public-inbox-nntpd really sent for ARTICLE 1, <no@x>, 2, <mid of 3>, 400, 3."""
    matcher = Matcher()
    matcher.asked([1, "<no@x>", 2, "<c@x>", 400, 3, 305, "<gone@x>"])
    answers = ["430 no", "423 no", "220 1 <a@x>", "220 2 <b@x>", "220 3 <c@x>", "220 3 <c@x>",
               "430 no", "220 305 <z@x>"]
    assert _feed(matcher, answers) == [
        (1, "220"), ("<no@x>", "430"), (2, "220"), ("<c@x>", "220"), (400, "423"), (3, "220"),
        (305, "220"), ("<gone@x>", "430")]


def _reference(block: bytes) -> bytes:
    lines = []
    for line in io.BytesIO(block).readlines():
        line = line[:-2] if line[-2:] == b"\r\n" else line[:-1] if line[-1:] in b"\r\n" else line
        lines.append(line[1:] if line[:2] == b".." else line)
    return b"\r\n".join(lines) + b"\r\n"


def test_unstuff_undoes_dot_stuffing() -> None:
    assert unstuff(b"..hidden\r\nplain\r\n...two\r\n") == b".hidden\r\nplain\r\n..two\r\n"


@given(st.lists(st.sampled_from([b"a", b".", b"..", b"\r", b"x y", b"\n", b"\r\n"]), max_size=30))
def test_unstuff_matches_nntplib_on_any_lines(parts: list[bytes]) -> None:
    block = b"".join(parts) + b"\r\n"
    if b"\r\n.\r\n" in b"\r\n" + block:
        return  # a terminator: not inside a block
    assert unstuff(block) == _reference(block)
