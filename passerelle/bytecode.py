"""Bytecode for the workflow modules, so the sandbox does not compile them for every run.

Temporal's workflow sandbox imports the module that defines a workflow afresh for each
workflow run it creates. Python reads that module's cached bytecode when there is some; when
there is none (``PYTHONDONTWRITEBYTECODE=1``, common in containers and set on these machines,
or an editable install nobody compiled) every run compiles ``workflows/interaction.py`` from
source: 12 ms of CPU per interaction on these machines, a quarter of the worker's cost in
``passerelle bench e2e``. A worker therefore makes sure the bytecode exists before it polls.
"""

from __future__ import annotations

import importlib.util
import os
import py_compile
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import structlog

log = structlog.get_logger(__name__)


def _stale(source: Path, cached: Path) -> bool:
    try:
        return cached.stat().st_mtime < source.stat().st_mtime
    except FileNotFoundError:
        return True


def _compile_all(sources: list[Path]) -> None:
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        if _stale(source, cached):
            py_compile.compile(str(source), cfile=str(cached), doraise=True)


def sandbox_sources(module: ModuleType) -> set[Path]:
    """What the sandbox re-imports with ``module``: its package's modules (a workflow module
    imports its siblings) and the ``__init__`` of every enclosing package."""
    if module.__file__ is None:
        return set()
    folder = Path(module.__file__).parent
    sources = set(folder.glob("*.py"))
    for _ in range(module.__name__.count(".") - 1):
        folder = folder.parent
        sources.add(folder / "__init__.py")
    return {source for source in sources if source.exists()}


def fallback_prefix() -> Path:
    """Where bytecode goes when the packages' own folders are read-only (a container's
    read-only root filesystem): a per-user folder under the temporary directory."""
    return Path(tempfile.gettempdir()) / f"passerelle-pycache-{os.getuid()}"


def ensure_bytecode(modules: Iterable[ModuleType]) -> Path | None:
    """Compile the packages of ``modules`` to bytecode where the import system looks for it.

    Returns the ``sys.pycache_prefix`` it had to set when the packages' folders were not
    writable, else ``None``. Never fails the worker: without bytecode it is only slower.
    """
    sources = sorted({path for module in modules for path in sandbox_sources(module)})
    try:
        _compile_all(sources)
        return None
    except (OSError, py_compile.PyCompileError) as err:
        if sys.pycache_prefix is not None:
            log.warning("workflow bytecode not written", error=str(err))
            return None
        first_error = err
    # importlib reads sys.pycache_prefix on every lookup, so the sandbox's later imports find
    # the bytecode there; a prefix is only set when the usual place could not be written.
    prefix = fallback_prefix()
    sys.pycache_prefix = str(prefix)
    try:
        _compile_all(sources)
    except (OSError, py_compile.PyCompileError) as err:
        sys.pycache_prefix = None
        log.warning("workflow bytecode not written", error=str(err), first=str(first_error))
        return None
    log.info("workflow bytecode under a cache prefix", prefix=str(prefix))
    return prefix
