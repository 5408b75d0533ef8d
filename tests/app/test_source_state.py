"""The source state the status line shows is a type whose values are the words it has always shown."""

from __future__ import annotations

from app.backend import LibraryHandle, SourceState


def test_source_states_are_the_shown_words() -> None:
    assert [s.value for s in SourceState] == ["connecting", "online", "offline", "unreachable"]
    assert str(SourceState.UNREACHABLE) == "unreachable"


class _FakeLibrary:
    offline = False

    def close(self) -> None:
        pass


def test_handle_state_moves_from_connecting_to_online() -> None:
    handle = LibraryHandle(_FakeLibrary)  # type: ignore[arg-type]  # a stand-in with what the handle reads
    try:
        assert handle.state is SourceState.CONNECTING
        assert handle.call(lambda library: 42) == 42
        assert handle.state is SourceState.ONLINE
    finally:
        handle.close()
