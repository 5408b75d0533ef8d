"""ReadMarks keeps the unread and the unread-hidden counts as marks change (the status line reads
them at every refresh, on the event loop), equal to counting from scratch after any marks."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from store.ranges import RangeSet
from app.readmarks import ReadMarks

NUMBERS = [1, 2, 3, 5, 8, 9, 10, 14]


def counted(marks: ReadMarks, hidden: set[int]) -> tuple[int, int]:
    """The counts the slow way: every article and every hidden one looked up in the marks."""
    unread = [number for number in NUMBERS if not marks.is_read(number)]
    return len(unread), sum(1 for number in unread if number in hidden)


def test_hidden_articles_are_counted_apart_as_marks_change() -> None:
    marks = ReadMarks("g", RangeSet.parse("1"), NUMBERS, high=14)
    marks.set_hidden([2, 3, 9, 99])  # 99 is not one of the group's: never counted
    assert (marks.unread, marks.unread_hidden) == (7, 3)
    assert marks.mark_read(3) and (marks.unread, marks.unread_hidden) == (6, 2)
    assert marks.mark_read(5) and (marks.unread, marks.unread_hidden) == (5, 2)
    assert marks.mark_unread(3) and marks.unread_hidden == 3
    assert marks.mark_all_read([2, 9, 10]) == 3 and (marks.unread, marks.unread_hidden) == (3, 1)
    marks.set_hidden([8])  # scored again: another set of hidden articles
    assert marks.unread_hidden == 1
    assert marks.catch_up() == 3 and (marks.unread, marks.unread_hidden) == (0, 0)
    assert marks.toggle(8) is False and (marks.unread, marks.unread_hidden) == (1, 1)


def test_new_articles_on_a_reload_are_not_hidden_until_scored() -> None:
    marks = ReadMarks("g", RangeSet(), [1, 2], high=2)
    marks.set_hidden([2])
    marks.add_articles([1, 2, 3])
    assert (marks.unread, marks.unread_hidden) == (3, 1)
    marks.set_hidden([2, 3])
    assert marks.unread_hidden == 2


OPERATION = st.tuples(st.sampled_from(["read", "unread", "toggle", "all", "hide"]),
                      st.lists(st.sampled_from([*NUMBERS, 4, 20]), max_size=4))


@given(st.sets(st.sampled_from(NUMBERS)), st.lists(OPERATION, max_size=12), st.booleans())
def test_kept_counts_equal_counting_from_scratch(read: set[int], operations: list[tuple[str, list[int]]],
                                                 catch_up: bool) -> None:
    marks = ReadMarks("g", RangeSet.parse(",".join(map(str, sorted(read)))), NUMBERS, high=14)
    hidden: set[int] = set()
    for kind, numbers in operations:
        if kind == "hide":
            hidden = set(numbers)
            marks.set_hidden(numbers)
        elif kind == "all":
            marks.mark_all_read(numbers)
        for number in numbers if kind in ("read", "unread", "toggle") else ():
            {"read": marks.mark_read, "unread": marks.mark_unread, "toggle": marks.toggle}[kind](number)
        assert (marks.unread, marks.unread_hidden) == counted(marks, hidden)
    if catch_up:
        marks.catch_up()
        assert (marks.unread, marks.unread_hidden) == counted(marks, hidden) == (0, 0)
