# pith: `make demo` opens the reader on the built-in sample; `make test` runs the whole suite.
# As root, `make test` also installs INN2 (Debian's inn2) so that the integration tests can
# start their own private server on 127.0.0.1; the install logic lives in one place,
# tests/integration/inn_server.py. .ci/run runs `make lint` (ruff, mypy), then `make test`.

PYTHON ?= python3
VENV := .venv
# Touched after a successful install: the venv is rebuilt only when it is missing or
# pyproject.toml, setup.py or the compiled helper's source is newer.
STAMP := $(VENV)/.pith-installed

.PHONY: venv demo test lint

venv: $(STAMP)

# setup.py and the .pyx too: an editable install keeps a stale compiled helper otherwise.
$(STAMP): pyproject.toml setup.py killfile/_kernels.pyx nntp/_overcols.pyx
	@if ! $(VENV)/bin/python -m pip --version >/dev/null 2>&1; then \
	    rm -rf $(VENV); \
	    if ! $(PYTHON) -m venv $(VENV); then \
	        rm -rf $(VENV); \
	        if [ "$$(id -u)" != 0 ]; then \
	            echo "make: '$(PYTHON) -m venv' failed; install python3-venv (apt-get install python3-venv)" >&2; \
	            exit 1; \
	        fi; \
	        echo "make: '$(PYTHON) -m venv' failed; installing python3-venv" >&2; \
	        export DEBIAN_FRONTEND=noninteractive; \
	        apt-get install -y -q python3-venv || { apt-get update -q && apt-get install -y -q python3-venv; } || exit 1; \
	        $(PYTHON) -m venv $(VENV) || exit 1; \
	    fi; \
	fi
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# ruff and mypy (configured in pyproject.toml [tool.ruff] and [tool.mypy]); .ci/run runs them before the tests.
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

demo: venv
	$(VENV)/bin/pith demo

test: venv
	$(VENV)/bin/python -m tests.integration.inn_server --install
	$(VENV)/bin/python -m tests.integration.pi_server --install
	@# slrn (Debian's) reads the live .newsrc pith writes (tests/integration/test_live_newsrc_slrn.py);
	@# tmux drives it, and the reader as a user would (tests/tui/test_compose_kill.py, test_export_tmux.py)
	@if { ! command -v slrn || ! command -v tmux; } >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y -q slrn tmux || { apt-get update -q && apt-get install -y -q slrn tmux; } || \
	        echo "make: could not install slrn and tmux; their tests will be skipped (failed under CI)" >&2; \
	fi
	$(VENV)/bin/python -m pytest -q -p no:cacheprovider
