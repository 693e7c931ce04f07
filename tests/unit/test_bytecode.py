"""Workers write the workflow modules' bytecode so the sandbox does not compile per run."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from passerelle import bytecode
from passerelle.bytecode import ensure_bytecode, sandbox_sources


@pytest.fixture
def package(tmp_path: Path) -> Iterator[ModuleType]:
    """``outer.flows.lifecycle``: a workflow module two packages deep, freshly imported."""
    flows = tmp_path / "outer" / "flows"
    flows.mkdir(parents=True)
    (tmp_path / "outer" / "__init__.py").write_text('"""outer"""\n')
    (flows / "__init__.py").write_text("")
    (flows / "lifecycle.py").write_text("from outer.flows import helper\n\nSTEPS = 3\n")
    (flows / "helper.py").write_text("def double(x: int) -> int:\n    return 2 * x\n")
    (tmp_path / "outer" / "unrelated.py").write_text("X = 1\n")
    sys.path.insert(0, str(tmp_path))
    saved_prefix = sys.pycache_prefix
    try:
        yield importlib.import_module("outer.flows.lifecycle")
    finally:
        sys.pycache_prefix = saved_prefix
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == "outer" or n.startswith("outer.")]:
            del sys.modules[name]


def loads_without_compiling(path: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    """True if the import system finds valid bytecode for ``path`` (it never compiles)."""

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError(f"{path} was compiled from source")

    with monkeypatch.context() as patch:
        patch.setattr(importlib.machinery.SourceFileLoader, "source_to_code", refuse)
        loader = importlib.machinery.SourceFileLoader("probe", str(path))
        return loader.get_code("probe") is not None


def test_sources_are_the_package_and_its_parents(package: ModuleType) -> None:
    root = Path(str(package.__file__)).parent.parent
    names = {p.relative_to(root).as_posix() for p in sandbox_sources(package)}
    assert names == {"__init__.py", "flows/__init__.py", "flows/lifecycle.py", "flows/helper.py"}


def test_bytecode_is_written_next_to_the_sources(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ensure_bytecode([package]) is None
    for source in sandbox_sources(package):
        assert Path(importlib.util.cache_from_source(str(source))).exists()
        assert loads_without_compiling(source, monkeypatch)


def test_an_edited_module_is_compiled_again(
    package: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_bytecode([package])
    source = Path(str(package.__file__))
    cached = Path(importlib.util.cache_from_source(str(source)))
    source.write_text("STEPS = 4  # edited\n")
    older = cached.stat().st_mtime - 10
    os.utime(cached, (older, older))
    ensure_bytecode([package])
    assert loads_without_compiling(source, monkeypatch)


def test_read_only_packages_use_a_cache_prefix(
    package: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A plain file where __pycache__ should be: writing there fails even for root.
    blocked = Path(str(package.__file__)).parent / "__pycache__"
    shutil.rmtree(blocked, ignore_errors=True)
    blocked.write_text("not a folder")
    prefix = tmp_path / "prefix"
    monkeypatch.setattr(bytecode, "fallback_prefix", lambda: prefix)

    assert ensure_bytecode([package]) == prefix
    assert sys.pycache_prefix == str(prefix)
    source = Path(str(package.__file__))
    assert Path(importlib.util.cache_from_source(str(source))).is_relative_to(prefix)
    assert loads_without_compiling(source, monkeypatch)
