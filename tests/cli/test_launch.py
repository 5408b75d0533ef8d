"""The reader's launch: dataclass methods compiled once for all launches (cli/dataclass_code.py), and both
that and the paused garbage collector ended at the first frame or on a failed start (cli/launch.py)."""

from __future__ import annotations

import builtins
import collections
import dataclasses
import gc
import typing
from pathlib import Path
from typing import NamedTuple

import pytest

from cli.dataclass_code import CACHE_FILE, DataclassCode
from cli.launch import Launch
from store.paths import cache_dir


def launched(path: Path, make: typing.Callable[[], typing.Any], counting: bool = False) -> typing.Any:
    """``make()`` under a launch's cache at ``path``; with ``counting``, also every source compiled meanwhile."""
    code = DataclassCode(path)
    code.install()
    compiled: list[str] = []
    real_compile = compile

    def counted(source: str, *args: object) -> object:
        compiled.append(source)
        return real_compile(source, *args)  # type: ignore[call-overload]

    try:
        with pytest.MonkeyPatch.context() as patch:
            if counting:
                patch.setattr(builtins, "compile", counted)
            made = make()
    finally:
        code.uninstall()
    return (made, compiled) if counting else made


def define() -> type:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Point:
        x: int
        y: int = 2

    return Point


def test_a_dataclass_defined_again_in_a_later_launch_is_not_compiled_again(tmp_path: Path) -> None:
    path = tmp_path / CACHE_FILE
    made, (again, compiled) = launched(path, define), launched(path, define, counting=True)
    assert path.stat().st_mode & 0o077 == 0
    assert compiled == [] and not hasattr(dataclasses, "exec")
    assert again(1) == again(1, 2) and repr(again(1)) == repr(made(1)) == "define.<locals>.Point(x=1, y=2)"
    assert hash(again(3, 4)) == hash(again(3, 4))
    with pytest.raises(dataclasses.FrozenInstanceError):
        again(1).x = 5


def define_tuples() -> tuple[type, type]:
    class Pair(NamedTuple):
        left: int
        right: "str | None" = None

    return Pair, collections.namedtuple("Triple", "a b c", defaults=(3,))


def test_named_tuples_defined_again_in_a_later_launch_are_not_compiled_again(tmp_path: Path) -> None:
    """collections.namedtuple's ``__new__`` and typing.NamedTuple's string annotations (ForwardRef)."""
    path = tmp_path / CACHE_FILE
    launched(path, define_tuples)
    (pair, triple), compiled = launched(path, define_tuples, counting=True)
    assert compiled == [] and not hasattr(collections, "eval") and not hasattr(typing, "compile")
    assert pair(1) == (1, None) and pair(1, "x").right == "x" and triple(1, 2) == (1, 2, 3)
    assert typing.get_type_hints(pair)["right"] == str | None


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe9\x00\x00\x00"])
def test_a_cache_file_that_is_not_what_it_should_be_is_compiled_anew(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / CACHE_FILE
    path.write_bytes(content)
    code = DataclassCode(path)
    code.install()
    try:
        assert define()(1).y == 2
    finally:
        code.uninstall()
    assert DataclassCode(path)._codes  # written again, whole


def test_a_cache_that_cannot_be_written_changes_nothing(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    code = DataclassCode(blocked / "below" / CACHE_FILE)  # a folder that cannot be made
    code.install()
    try:
        assert define()(1).x == 1
    finally:
        code.uninstall()
    assert not hasattr(dataclasses, "exec")


def test_a_launch_ends_its_start_up_measures_at_the_first_frame() -> None:
    try:
        with Launch() as launch:
            assert not gc.isenabled() and hasattr(dataclasses, "exec")
            define()
            launch.first_frame()
            assert gc.isenabled() and not hasattr(dataclasses, "exec")
        assert (cache_dir() / CACHE_FILE).exists()
    finally:
        gc.unfreeze()


def test_a_launch_that_fails_before_its_first_frame_ends_them_as_it_leaves() -> None:
    with pytest.raises(RuntimeError), Launch():
        raise RuntimeError("no terminal")
    assert gc.isenabled() and gc.get_freeze_count() == 0 and not hasattr(dataclasses, "exec")
