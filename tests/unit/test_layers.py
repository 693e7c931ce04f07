"""The packages' dependency direction, and what workflow code may not touch, read from source.

Dependencies point one way: ``connecteurs`` ← ``plugins`` ← ``activites`` ← ``workflows`` ←
``passerelle``; each package imports only those to its left. Nothing checked this until now:
a wrong-way import works until the day it makes a cycle or drags I/O into a workflow.

Workflow code must be deterministic: no I/O, no clock, no randomness. Temporal's sandbox
checks calls into the standard library at run time only for modules it imports afresh for
each run; workers share ours instead (``[worker] reload_workflow_modules = false``, see
``passerelle.worker.workflow_runner``), and the modules they import passed through
(``policy``, ``sla``, ``health``, ``models``) were never re-imported. This test reads all of
them; the replay tests still run the golden histories in Temporal's default sandbox.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("connecteurs", "plugins", "activites", "workflows", "passerelle")

# Modules that do I/O, read the clock or draw random numbers. A workflow gets those through
# ``temporalio.workflow`` (``workflow.now()``, ``workflow.random()``, ``workflow.uuid4()``) and
# through activities.
NOT_IN_WORKFLOWS = frozenset(
    {
        "os",
        "sys",
        "io",
        "time",
        "random",
        "secrets",
        "uuid",
        "socket",
        "ssl",
        "select",
        "selectors",
        "subprocess",
        "threading",
        "multiprocessing",
        "concurrent",
        "shutil",
        "tempfile",
        "pathlib",
        "glob",
        "sqlite3",
        "urllib",
        "http",
        "httpx",
        "requests",
        "aiosmtplib",
        "smtplib",
        "logging",
        "structlog",
        "passerelle",
    }
)
# Calls that read the wall clock, open files or print, whatever module they come from.
CLOCK_CALLS = frozenset({"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp"})
BUILTIN_IO = frozenset({"open", "print", "input", "exec", "eval", "__import__"})


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import, including those under TYPE_CHECKING."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def wrong_way_imports(package: str, tree: ast.AST) -> list[str]:
    allowed = set(LAYERS[: LAYERS.index(package) + 1])
    return [
        f"line {line}: {package} imports {name}"
        for line, name in imported(tree)
        if name.split(".")[0] in (set(LAYERS) | {"tests"}) - allowed
    ]


def nondeterminism(tree: ast.AST) -> list[str]:
    problems = [
        f"line {line}: imports {name}"
        for line, name in imported(tree)
        if name.split(".")[0] in NOT_IN_WORKFLOWS
    ]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in BUILTIN_IO:
            problems.append(f"line {node.lineno}: calls {func.id}()")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in CLOCK_CALLS
            and not (isinstance(func.value, ast.Name) and func.value.id == "workflow")
        ):
            problems.append(f"line {node.lineno}: calls {ast.unparse(func)}() (use workflow.now())")
    return problems


@pytest.mark.parametrize("package", LAYERS)
def test_each_package_imports_only_those_to_its_left(package: str) -> None:
    files = sources(package)
    assert files, f"no sources under {package}/"
    problems = [
        f"{path.relative_to(ROOT)} {problem}"
        for path in files
        for problem in wrong_way_imports(package, ast.parse(path.read_text(), str(path)))
    ]
    assert problems == []


def test_workflow_code_has_no_io_clock_or_randomness() -> None:
    files = sources("workflows")
    assert len(files) >= 5
    problems = [
        f"{path.relative_to(ROOT)} {problem}"
        for path in files
        for problem in nondeterminism(ast.parse(path.read_text(), str(path)))
    ]
    assert problems == []


def test_the_checks_see_what_they_look_for() -> None:
    """The two checks above pass today; this shows they would not pass everything."""
    bad = ast.parse(
        "import httpx\n"
        "from datetime import datetime\n"
        "from passerelle.config import Config\n"
        "def f():\n"
        "    open('x')\n"
        "    return datetime.now(), workflow.now()\n"
    )
    assert wrong_way_imports("workflows", bad) == ["line 3: workflows imports passerelle.config"]
    assert wrong_way_imports("passerelle", bad) == []
    assert wrong_way_imports("connecteurs", ast.parse("from plugins import discovery")) == [
        "line 1: connecteurs imports plugins"
    ]
    assert nondeterminism(bad) == [
        "line 1: imports httpx",
        "line 3: imports passerelle.config",
        "line 5: calls open()",
        "line 6: calls datetime.now() (use workflow.now())",
    ]
