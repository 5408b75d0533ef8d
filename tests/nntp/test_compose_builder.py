"""The one article/mail builder (nntp/compose.py): what servers refused before must come out standards-true."""

from __future__ import annotations

import email
import re
from email.header import decode_header, make_header
from email.policy import default

import pytest

from nntp.compose import MAX_LINE, build_mail, check_article, finish_article, fold_words, split_article
from nntp.errors import PithError

REFS = [f"<{i}.thread-member.{i * 7919}@lists.example.org>" for i in range(40)]


def fields(**extra: str) -> list[tuple[str, str]]:
    base = [("From", "José Pérez <jose@example.org>"), ("Newsgroups", "local.test"),
            ("Subject", "Grüße aus Köln: über die Änderung")]
    return base + [(k.replace("_", "-"), v) for k, v in extra.items()]


def head_of(raw: bytes) -> bytes:
    return raw.split(b"\n\n", 1)[0]


def header_lines(raw: bytes, name: str) -> list[bytes]:
    """The physical lines of one header field, folds included."""
    match = re.search(rb"(?ms)^" + name.encode() + rb":.*?(?=^\S|\Z)", head_of(raw) + b"\n")
    assert match, name
    return match.group(0).rstrip(b"\n").split(b"\n")


def test_from_keeps_the_address_in_clear_and_encodes_only_the_name() -> None:
    raw, _ = finish_article(fields(), b"hello\n")
    (line,) = header_lines(raw, "From")
    assert line.endswith(b" <jose@example.org>") and b"=?utf-8?" in line
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed["From"].addresses[0].display_name == "José Pérez"
    assert parsed["From"].addresses[0].addr_spec == "jose@example.org"


def test_subject_is_rfc2047_and_decodes_back() -> None:
    raw, _ = finish_article(fields(), b"hello\n")
    lines = header_lines(raw, "Subject")
    assert all(line.isascii() and len(line) <= 78 for line in lines)
    value = b" ".join(line.strip() for line in lines).decode()[len("Subject:"):]
    assert str(make_header(decode_header(value))) == "Grüße aus Köln: über die Änderung"


def test_forty_references_are_folded_never_encoded() -> None:
    raw, _ = finish_article(fields(References=" ".join(REFS), In_Reply_To=REFS[-1]), b"x\n")
    lines = header_lines(raw, "References")
    assert len(lines) > 1 and all(len(line) <= 78 for line in lines)
    assert b"=?" not in b"".join(lines)
    assert b" ".join(lines)[len(b"References:"):].split() == [r.encode() for r in REFS]
    assert header_lines(raw, "In-Reply-To") == [b"In-Reply-To: " + REFS[-1].encode()]


def test_a_long_message_id_stands_alone_on_its_line() -> None:
    long_id = "<" + "a" * 90 + "@example.org>"
    folded = fold_words("References", f"<x@y> {long_id} <z@y>")
    assert folded.split("\n")[1] == " " + long_id


def test_every_header_line_fits_and_is_ascii() -> None:
    raw, _ = finish_article(fields(References=" ".join(REFS)), ("é" * 700 + "\n").encode())
    for line in head_of(raw).split(b"\n"):
        assert line.isascii() and len(line) <= 78, line


def test_a_body_line_over_998_octets_goes_quoted_printable() -> None:
    long = "word " * 240  # 1,200 octets
    raw, _ = finish_article(fields(), f"short\n{long}\ncafé\n".encode())
    assert b"Content-Transfer-Encoding: quoted-printable" in head_of(raw)
    assert max(len(line) for line in raw.split(b"\n")) <= MAX_LINE
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed.get_content() == f"short\n{long}\ncafé\n"


def test_a_short_utf8_body_is_8bit_and_an_ascii_body_needs_no_mime() -> None:
    raw, _ = finish_article(fields(), "hé\n".encode())
    assert b"Content-Transfer-Encoding: 8bit" in head_of(raw) and raw.endswith("hé\n".encode())
    plain, _ = finish_article(fields(), b"plain\n")
    assert b"Content-Type" not in head_of(plain) and plain.endswith(b"\n\nplain\n")


def test_a_latin1_file_body_is_sent_as_true_utf8() -> None:
    raw, _ = finish_article(fields(), "Grüße\n".encode("latin-1"))
    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed.get_content() == "Grüße\n"


def test_date_has_a_numeric_zone_and_user_agent_names_pith() -> None:
    raw, _ = finish_article(fields(), b"x\n")
    (date,) = header_lines(raw, "Date")
    assert re.fullmatch(rb"Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", date), date
    (agent,) = header_lines(raw, "User-Agent")
    assert re.fullmatch(rb"User-Agent: pith(/\S+)?", agent)


def test_message_id_takes_the_from_domain_or_the_given_one() -> None:
    _, mid = finish_article(fields(), b"x\n")
    assert mid.endswith("@example.org>") and "pith.invalid" not in mid
    _, mid = finish_article(fields(), b"x\n", domain="news.example.net")
    assert mid.endswith("@news.example.net>")
    _, mid = finish_article(fields(Message_ID="<mine@example.org>"), b"x\n")
    assert mid == "<mine@example.org>"


def test_a_file_round_trips_through_split_and_finish() -> None:
    text = "From: A <a@example.org>\nNewsgroups: local.test\nSubject: s\nReferences: <1@x>\n <2@x>\n\nbody\n"
    flds, body = split_article(text.encode())
    raw, _ = finish_article(flds, body)
    assert b"References: <1@x> <2@x>\n" in raw and raw.endswith(b"\n\nbody\n")


def test_mail_keeps_to_and_cc_addresses_routable() -> None:
    raw = build_mail([("From", "me@example.net"), ("To", "José Pérez <jose@example.org>"),
                      ("Cc", "Ann <ann@example.org>, list@vger.example.org"), ("Subject", "Re: hé")], "hé\n")
    parsed = email.message_from_bytes(raw, policy=default)
    assert [a.addr_spec for a in parsed["To"].addresses] == ["jose@example.org"]
    assert [a.addr_spec for a in parsed["Cc"].addresses] == ["ann@example.org", "list@vger.example.org"]
    assert head_of(raw).isascii()


@pytest.mark.parametrize("name, value, words", [
    ("References", "<é@x>", "must be plain ASCII"),
    ("Newsgroups", "local.test,\x01evil", "control characters"),
    ("Cc", "(" * 5000 + "x", "cannot be read as addresses"),
    ("References", "<" + "a" * 1000 + "@x>", "longer than a line"),
])
def test_what_cannot_be_written_is_a_clear_problem_not_a_traceback(name: str, value: str, words: str) -> None:
    problems = check_article(fields(**{name.replace("-", "_"): value}))
    assert any(p.startswith(f"{name}: ") and words in p for p in problems), problems
    with pytest.raises(PithError, match=f"^{name}: "):
        finish_article(fields(**{name.replace("-", "_"): value}), b"x\n")


def test_a_from_with_deeply_nested_comments_is_refused_cleanly() -> None:
    problems = check_article([("From", "(" * 5000 + "a@b.c"), ("Newsgroups", "x"), ("Subject", "s")])
    assert "From needs a valid address (name@domain)" in problems


def test_latin1_header_bytes_in_a_file_are_read_as_latin1() -> None:
    flds, body = split_article("From: a@example.org\nNewsgroups: x\nSubject: Grüße\n\nx\n".encode("latin-1"))
    raw, _ = finish_article(flds, body)
    assert email.message_from_bytes(raw, policy=default)["Subject"] == "Grüße"


def test_pith_post_takes_the_message_id_domain_from_config(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """[compose] message_id_domain wins over the From domain; without it, the From domain is used."""
    import json

    import main
    from store.paths import config_dir

    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "config.toml").write_text('[compose]\nmessage_id_domain = "news.example.net"\n')
    article = tmp_path / "a.txt"
    article.write_text("From: Ann <ann@example.org>\nNewsgroups: local.test\nSubject: s\n\nbody\n")
    assert main.main(["--offline", "--server", "127.0.0.1:9", "post", str(article), "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)[0]
    assert entry["message_id"].endswith("@news.example.net>")
