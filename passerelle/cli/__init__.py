"""The ``passerelle`` command (DESIGN §5)."""

from __future__ import annotations

import logging
import os
import sys

from passerelle.cli import (
    auditing,
    bench_chaos,
    bench_e2e,
    bench_timers,
    channels,
    connecteurs,
    interactions,
    running,
    tools,
)
from passerelle.cli.app import app

__all__ = [
    "app",
    "auditing",
    "bench_chaos",
    "bench_e2e",
    "bench_timers",
    "channels",
    "connecteurs",
    "interactions",
    "run",
    "running",
    "tools",
]


def run() -> None:
    """Console-script entry point.

    Temporal's Rust core keeps threads that can abort CPython's finalization ("Fatal Python
    error: PyGILState_Release", temporalio/sdk-python issue 300), turning a successful
    command into exit -6 now and then. Once the command has finished and its output is
    flushed there is nothing left to clean up, so the process leaves without finalizing.
    """
    code: int = 0
    try:
        app()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)
