"""Exit statuses a script can rely on (README "Exit status"), and which failure gets which.

A script must be able to tell "the data is fresh" from "the data came from the
cache because the server was unreachable" from "something about this server's
identity is wrong" without parsing messages.
"""

from __future__ import annotations

from nntp.errors import PithError, PostRefused, RemoteProtocolError, SecurityFailure, SourceUnavailable

OK = 0
NOT_DONE = 1
"""The server could not be reached or failed us with nothing cached to answer from, or refused."""
USAGE = 2
"""Bad arguments, config, files or input; an unknown group or article."""
FROM_CACHE = 3
"""The server could not be reached: the answer printed came from the cache (``"stale": true``)."""
SECURITY = 4
"""TLS, certificate, pin or login failure: never answered from the cache."""
BUG = 70
INTERRUPTED = 130


def exit_status_for(exc: PithError) -> int:
    """The status for a failure that ended a command."""
    if isinstance(exc, SecurityFailure):
        return SECURITY
    if isinstance(exc, (SourceUnavailable, RemoteProtocolError, PostRefused)):
        return NOT_DONE
    return USAGE


def finished(status: int, answered_from_cache: bool) -> int:
    """A command's own status, turned into FROM_CACHE when it succeeded on cached data only."""
    return FROM_CACHE if status == OK and answered_from_cache else status
