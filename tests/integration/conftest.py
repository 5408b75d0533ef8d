"""The public-inbox fixture (INN2's is suite-wide, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import missing
from tests.integration.pi_server import PiServer, PiUnavailable, start_server


@pytest.fixture(scope="session")
def pi_server() -> Iterator[PiServer]:
    """A public-inbox nntpd on 127.0.0.1 with a sample of linux-media, started once per run.

    Skipped only where public-inbox cannot be had (not installed, and not root to install
    it); any other failure to start is an error, so a broken server never passes as a skip.
    """
    try:
        server = start_server()
    except PiUnavailable as exc:
        missing(str(exc))
    try:
        yield server
    finally:
        server.stop()
