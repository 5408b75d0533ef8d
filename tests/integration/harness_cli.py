"""The command line the private test servers share: ``--install`` (root) and ``--serve`` (until Ctrl-C).

inn_server.py and pi_server.py differ in what they install and start, not in how a
person drives them, so the argument handling and the serve loop live here once.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def harness_main(argv: Sequence[str] | None, *, name: str, package: str, description: str | None,
                 install: Callable[[], None], unavailable: type[Exception],
                 start: Callable[[], Any], describe: Callable[[Any], str]) -> int:
    """Run one harness's command line; ``describe(server)`` is what ``--serve`` prints once up."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--install", action="store_true", help=f"install {package} if missing (root), then exit")
    parser.add_argument("--serve", action="store_true", help="start a loaded server and keep it until Ctrl-C")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format=f"[{name}] %(message)s", stream=sys.stderr)
    if args.install:
        try:
            install()
        except unavailable as exc:
            logging.getLogger(name).warning("not installing: %s (the tests that need it will be skipped)", exc)
        return 0
    if args.serve:
        return _serve(start, describe)
    parser.print_help()
    return 2


def _serve(start: Callable[[], Any], describe: Callable[[Any], str]) -> int:
    """Ctrl-C, or a plain kill, must still stop the server and remove its instance."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = start()
    try:
        print(describe(server), flush=True)
        while server.process is not None and server.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
