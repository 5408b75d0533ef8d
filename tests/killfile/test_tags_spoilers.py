"""Subject-prefix and Keywords tags, spoiler detection, ROT13."""

from __future__ import annotations

from killfile.spoilers import Segment, detect, rot13, subject_is_spoiler
from killfile.tags import keyword_tags, subject_tags


def test_subject_prefix_tags() -> None:
    assert subject_tags("[Foundation-l] Board election") == ["foundation-l"]
    assert subject_tags("[PATCH v2 3/7] mm: fix") == ["patch"]
    assert subject_tags("Re: [Foundation-l] Re: [SPOILER] Ending") == ["foundation-l", "spoiler"]
    assert subject_tags("AW: Re[2]: [RFC PATCH] x") == ["rfc", "patch"]  # issue 15: both
    assert subject_tags("No tags [here] in the middle") == []
    assert subject_tags("[] empty") == []


def test_keyword_tags() -> None:
    assert keyword_tags("Linux, kernel patch; RT") == ["linux", "kernel-patch", "rt"]
    assert keyword_tags("") == []


def test_spoiler_conventions() -> None:
    assert subject_is_spoiler("[SPOILER] The ending") and subject_is_spoiler("Movie (spoilers)")
    assert subject_is_spoiler("Spoiler: who did it") and not subject_is_spoiler("Spoiled milk")
    marked = detect("x", "Before [spoiler]the butler[/spoiler] after")
    assert marked.reason == "markup"
    assert marked.segments == (Segment("Before ", False), Segment("the butler", True), Segment(" after", False))
    assert marked.visible_text("[hidden]") == "Before [hidden] after"
    ff = detect("x", "Intro text\n\fThe secret\n")
    assert ff.reason == "formfeed" and ff.segments[1] == Segment("The secret\n", True)
    subject = detect("[SPOILER] x", "all of it")
    assert subject.is_spoiler and subject.segments == (Segment("all of it", True),)
    assert not detect("x", "nothing").is_spoiler


def test_rot13_round_trip() -> None:
    assert rot13("Hello, World!") == "Uryyb, Jbeyq!"
    assert rot13(rot13("Ärger 123 xyz")) == "Ärger 123 xyz"
