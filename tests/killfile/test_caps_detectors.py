"""Caps at window boundaries and across timezones; keep first / best; exemptions; noise detectors."""

from __future__ import annotations

from datetime import datetime, timezone

from tests.killfile.helpers import by_number, ov, run


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def hidden(table) -> set[int]:  # type: ignore[no-untyped-def]
    return {a.number for i, a in enumerate(table.articles) if table.state(i) == "hidden"}


def cap(per: str, limit: int, extra: str = "") -> str:
    return f'[[cap]]\nname = "c"\nper = "{per}"\nmax = {limit}\n{extra}'


def test_day_boundary_in_utc() -> None:
    arts = [ov(1, author="a@x", date=at("2024-03-01T23:59:59")), ov(2, author="a@x", date=at("2024-03-01T23:00:00")),
            ov(3, author="a@x", date=at("2024-03-02T00:00:00")), ov(4, author="a@x", date=at("2024-03-02T00:00:01"))]
    assert hidden(run(arts, cap("day", 1))) == {1, 4}  # the earliest of each UTC day stays


def test_timezone_moves_the_boundary() -> None:
    # 23:30 UTC on 1 March is 00:30 on 2 March in Berlin (UTC+1 in winter).
    arts = [ov(1, author="a@x", date=at("2024-03-01T12:00:00")), ov(2, author="a@x", date=at("2024-03-01T23:30:00"))]
    assert hidden(run(arts, cap("day", 1))) == {2}
    assert hidden(run(arts, cap("day", 1, 'timezone = "Europe/Berlin"\n'))) == set()
    # Across the DST change (31 March 2024, 01:00 UTC): 22:30 UTC on the 31st is 00:30 on 1 April in Berlin.
    dst = [ov(1, author="a@x", date=at("2024-03-31T10:00:00")), ov(2, author="a@x", date=at("2024-03-31T22:30:00"))]
    assert hidden(run(dst, cap("day", 1, 'timezone = "Europe/Berlin"\n'))) == set()
    assert hidden(run(dst, cap("day", 1, 'timezone = "America/New_York"\n'))) == {2}


def test_week_and_month_windows() -> None:
    # 2024-03-03 is a Sunday, 2024-03-04 a Monday: different ISO weeks.
    arts = [ov(1, author="a@x", date=at("2024-03-03T10:00")), ov(2, author="a@x", date=at("2024-03-04T10:00")),
            ov(3, author="a@x", date=at("2024-03-10T10:00"))]
    assert hidden(run(arts, cap("week", 1))) == {3}
    months = [ov(1, author="a@x", date=at("2024-02-29T23:59")), ov(2, author="a@x", date=at("2024-03-01T00:00")),
              ov(3, author="a@x", date=at("2024-03-31T23:59"))]
    assert hidden(run(months, cap("month", 1))) == {3}
    assert hidden(run(months, cap("month", 1, 'timezone = "Asia/Tokyo"\n'))) == {2}


def test_keep_best_exempt_delta_and_undated() -> None:
    arts = [ov(1, "meh", "a@x"), ov(2, "great", "a@x"), ov(3, "fine", "a@x"), ov(4, "x", "a@x", date=False)]
    boost = '[[rule]]\nname = "great"\nscore = 50\nall = [{ header = "Subject", contains = "great" }]\n'
    assert hidden(run(arts, boost + cap("day", 1, 'keep = "best"\n'))) == {1, 3}
    assert hidden(run(arts, cap("day", 1))) == {2, 3}
    assert hidden(run(arts, cap("day", 1, 'exempt = ["A <a@x>"]\n'))) == set()
    scored = by_number(run(arts, cap("day", 1, "score = -40\n")))
    assert [scored[n][0] for n in (1, 2, 3, 4)] == [0, -40, -40, 0]


def test_thread_cap_counts_per_author_per_thread() -> None:
    arts = [ov(1, author="a@x"), ov(2, author="a@x", refs=("<1@example.org>",)),
            ov(3, author="b@x", refs=("<1@example.org>",)), ov(4, author="a@x", refs=("<1@example.org>",)),
            ov(5, author="a@x")]
    assert hidden(run(arts, cap("thread", 2))) == {4}


def test_caps_apply_only_in_scope() -> None:
    arts = [ov(1, author="a@x"), ov(2, author="a@x")]
    assert hidden(run(arts, cap("day", 1, 'groups = ["rec.*"]\n'))) == set()


def chain(n: int, authors: tuple[str, str] = ("a@x", "b@x")) -> list:
    arts = []
    for k in range(1, n + 1):
        refs = tuple(f"<{j}@example.org>" for j in range(1, k))
        arts.append(ov(k, "Re: argument", authors[k % 2], refs=refs))
    return arts


def test_pingpong_tags_the_exchange_not_the_bystanders() -> None:
    arts = chain(8) + [ov(20, "Re: argument", "c@x", refs=("<1@example.org>",))]
    table = run(arts)  # default: more than 6 answers in a row
    tagged = {a.number for i, a in enumerate(table.articles) if "pingpong" in table.tags(i)}
    assert tagged == set(range(1, 9))
    seven = run(chain(7))  # six answers in a row: not more than six
    assert not any("pingpong" in seven.tags(i) for i in range(7))
    assert table.verdict(0).matched[0].rule == "detector pingpong"
    hide = run(arts, '[[tag]]\nname = "pingpong"\nhide = true\n')
    assert hide.state(8) == "normal" and hide.state(0) == "hidden"


def test_pingpong_threshold_is_configurable() -> None:
    table = run(chain(4), "[detectors.pingpong]\nreplies = 2\n")
    assert all("pingpong" in table.tags(i) for i in range(4))
    assert not any(run(chain(4), "[detectors.pingpong]\nenabled = false\nreplies = 2\n").tags(i) for i in range(4))


def test_dominated_threads() -> None:
    arts = [ov(1, author="a@x")] + [ov(k, author="a@x" if k < 9 else "b@x", refs=("<1@example.org>",))
                                      for k in range(2, 11)] + [ov(30, author="a@x")]
    table = run(arts)
    tagged = {a.number for i, a in enumerate(table.articles) if "dominated" in table.tags(i)}
    assert tagged == set(range(1, 11))
    assert not any("dominated" in run(arts, "[detectors.dominated]\nmin_articles = 11\n").tags(i)
                   for i in range(len(arts)))
    assert not any("dominated" in run(arts, "[detectors.dominated]\npercent = 90\n").tags(i)
                   for i in range(len(arts)))
