"""User filter plugins: the documented API, and a failing plugin reported and isolated."""

from __future__ import annotations

from pathlib import Path

from killfile import session
from tests.killfile.helpers import NOW, ov

GOOD = '''\
NAME = "long threads"

def score(article):
    tags = ["from-" + article.address.split("@")[1]] if article.author_posts > 1 else []
    return (-5 if article.thread_size > 2 else 0, tags)
'''
BAD = '''\
def score(article):
    if article.number == 2:
        raise ValueError("boom")
    return 100
'''


def write(tmp_path: Path, plugins: dict[str, str]) -> Path:
    for name, code in plugins.items():
        (tmp_path / name).write_text(code)
    rules = "".join(f'[[plugin]]\npath = "{name}"\n' for name in plugins)
    path = tmp_path / "score.toml"
    path.write_text(rules)
    return path


ARTS = [ov(1, author="a@x.org"), ov(2, author="a@x.org", refs=("<1@example.org>",)),
        ov(3, author="b@y.org", refs=("<1@example.org>",))]


def test_plugin_api_gets_a_view_and_returns_delta_and_tags(tmp_path: Path) -> None:
    killfile = session.load(tmp_path, write(tmp_path, {"good.py": GOOD}), with_state=False)
    assert killfile.problems == []
    table = killfile.score(ARTS, "comp.test", NOW)
    assert table.scores == [-5, -5, -5]
    assert table.tags(0) == ["from-x.org"] and table.tags(2) == []
    assert table.verdict(0).matched[-1].rule == "plugin long threads"


def test_a_raising_plugin_is_reported_with_its_line_and_the_others_apply(tmp_path: Path) -> None:
    killfile = session.load(tmp_path, write(tmp_path, {"bad.py": BAD, "good.py": GOOD}), with_state=False)
    table = killfile.score(ARTS, "comp.test", NOW)
    assert table.scores == [-5, -5, -5]  # nothing from the bad plugin, not even for article 1
    problem = table.problems[0]
    assert problem.path.endswith("bad.py") and problem.line == 3 and "ValueError: boom" in problem.message
    assert killfile.problems == [problem]


def test_plugin_that_cannot_load_or_returns_nonsense(tmp_path: Path) -> None:
    plugins = {"syntax.py": "def score(a)\n    return 1\n", "nofunc.py": "X = 1\n",
               "odd.py": "def score(article):\n    return 'yes'\n"}
    killfile = session.load(tmp_path, write(tmp_path, plugins), with_state=False)
    lines = sorted((Path(p.path).name, p.line) for p in killfile.problems)
    assert lines == [("nofunc.py", 1), ("syntax.py", 1)]
    table = killfile.score(ARTS, "comp.test", NOW)
    assert table.scores == [0, 0, 0] and "TypeError" in table.problems[0].message
