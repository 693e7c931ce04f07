"""One native scan that tells which of many regular expressions may match a text.

The keyword rules run about seventy alternations over every comment. A scan by ``re`` costs
microseconds even when it finds nothing, which it does for most lexicons on most comments:
with a free and exact oracle in front of every lexicon, the rules took 265 µs a comment
instead of 860 (heldout13, one process). :class:`Gate` puts what each pattern requires
(:mod:`.required`) into one Hyperscan database (the ``hyperscan`` package bundles the
library): one pass over a text names the patterns that may match it, and
:class:`GatedPattern` skips ``re`` for the others. Skipping a pattern the gate did not name
changes no result, only the time taken; ``tests/unit/test_gate.py`` checks that the gated
rules decide exactly what the plain ones do on every labeled text.

The database takes seconds to compile. :meth:`Gate.start` builds it on a thread (Hyperscan
releases the GIL while it compiles) and keeps it in a cache directory, so a later process
loads it in milliseconds; until it is ready every pattern runs, as without the gate. Patterns
that require no literal text, or use case-insensitive matching, are never skipped.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import platform
import re
import struct
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import structlog

from plugins.classifiers import required as required_module
from plugins.classifiers.required import Unrequired, conjunctions

log = structlog.get_logger("passerelle.classifiers")

FORMAT = 2  # bump when what is cached changes meaning
CACHE_ENV = "PASSERELLE_CACHE_DIR"
SWITCH_ENV = "PASSERELLE_GATE"  # "off": never skip anything (to compare, or to rule it out)


def cache_directory() -> Path:
    """``$PASSERELLE_CACHE_DIR``, else ``$XDG_CACHE_HOME/passerelle``, else
    ``~/.cache/passerelle``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "passerelle"


class Scanner(Protocol):
    """What the rules ask of a pattern, gated or not."""

    def finditer(self, text: str, /) -> Iterator[re.Match[str]]: ...

    def findall(self, text: str, /) -> list[Any]: ...


class _Everything(frozenset[int]):
    """What the gate answers while it cannot scan: every pattern may match."""

    def __contains__(self, item: object) -> bool:
        return True


EVERYTHING: frozenset[int] = _Everything()


@dataclass
class GateStatus:
    """How the gate got ready, for the benchmark's report and for tests."""

    state: str = "not started"  # not started, building, ready, unavailable, failed, off
    source: str = ""  # "cache" or "compiled"
    seconds: float = 0.0
    patterns: int = 0
    skippable: int = 0  # patterns the gate may skip (the others always run)
    expressions: int = 0
    detail: str = ""
    path: str = ""
    unskippable: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Built:
    """A compiled database and how to read what it reports."""

    database: Any
    always: frozenset[int]  # patterns never skipped
    owners: dict[int, int]  # a combination's number -> its pattern's index
    expressions: int


def _hyperscan() -> Any:
    try:
        return importlib.import_module("hyperscan")
    except ImportError:  # without it nothing is skipped: slower, same results
        return None


_GATES: list[Gate] = []


def gates() -> tuple[Gate, ...]:
    """Every gate made in this process (the benchmark waits for them and reports them)."""
    return tuple(_GATES)


class Gate:
    """Patterns are added, then :meth:`start` or :meth:`build`; then one scan per text
    names those that may match it."""

    def __init__(self, name: str, cache_size: int = 64) -> None:
        self.name = name
        self._patterns: list[tuple[re.Pattern[str], str | None]] = []
        self._database: Any = None
        self._always: frozenset[int] = frozenset()
        self._owners: dict[int, int] = {}
        self._local = threading.local()  # a Hyperscan scratch space serves one thread
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._started = False
        self._enabled = os.environ.get(SWITCH_ENV, "on").strip().lower() not in {"off", "0", "no"}
        self._bypassed = 0  # blocks of bypassed() running
        self.status = GateStatus()
        self.hits: Callable[[str], frozenset[int]] = lru_cache(maxsize=cache_size)(self._scan)
        _GATES.append(self)

    @property
    def active(self) -> bool:
        """Whether scans skip anything yet."""
        return self._enabled and not self._bypassed and self._database is not None

    @contextmanager
    def bypassed(self) -> Iterator[None]:
        """Nothing skipped inside the block (tests compare the rules with and without)."""
        with self._lock:
            self._bypassed += 1
        self.hits.cache_clear()  # type: ignore[attr-defined]
        try:
            yield
        finally:
            with self._lock:
                self._bypassed -= 1
            self.hits.cache_clear()  # type: ignore[attr-defined]

    def disable(self) -> None:
        """Never skip anything from now on (``PASSERELLE_GATE=off`` does it at start)."""
        self._enabled = False
        self.status.state = "off"
        self.hits.cache_clear()  # type: ignore[attr-defined]

    def add(self, pattern: re.Pattern[str], *, same_as: str | None = None) -> GatedPattern:
        """``pattern``, skipped where the gate says it cannot match. ``same_as``, the source
        of a pattern with the same matches written more simply, is read instead if given (a
        dispatched alternation repeats its phrases in many groups)."""
        if self._started:
            raise RuntimeError(f"gate {self.name}: add every pattern before it starts")
        self._patterns.append((pattern, same_as))
        return GatedPattern(pattern, self, len(self._patterns) - 1)

    # ------------------------------------------------------------------------- building

    def start(self) -> None:
        """Build the database on a thread; until it is ready nothing is skipped."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._build, name=f"gate-{self.name}", daemon=True).start()

    def build(self) -> GateStatus:
        """Build the database now (if :meth:`start` has not) and wait for it."""
        with self._lock:
            started, self._started = self._started, True
        if not started:
            self._build()
        return self.wait()

    def wait(self, timeout: float | None = None) -> GateStatus:
        """Wait until the database is ready (or known to be unavailable)."""
        self._ready.wait(timeout)
        return self.status

    def _key(self, hyperscan: Any) -> str:
        """What the cached database depends on: the patterns, the code that reads them (a
        change to it must not load expressions written by the old one), Hyperscan's version
        and the machine."""
        digest = hashlib.sha256()
        for module in (required_module, sys.modules[__name__]):
            digest.update(Path(str(module.__file__)).read_bytes())
        for part in (
            str(FORMAT),
            getattr(hyperscan, "__version__", "?"),
            platform.machine(),
            *(f"{p.pattern}\0{p.flags}\0{s or ''}" for p, s in self._patterns),
        ):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\1")
        return digest.hexdigest()[:32]

    def _build(self) -> None:
        if not self._enabled:
            self.status.state = "off"
            self._ready.set()
            return
        began = time.perf_counter()
        self.status.state = "building"
        self.status.patterns = len(self._patterns)
        try:
            hyperscan = _hyperscan()
            if hyperscan is None:
                self.status.state, self.status.detail = "unavailable", "hyperscan not installed"
                return
            path = cache_directory() / f"gate-{self.name}-{self._key(hyperscan)}.hs"
            self.status.path = str(path)
            built = self._load(hyperscan, path)
            if built is None:
                built = self._compile(hyperscan)
                self._save(hyperscan, path, built)
                self.status.source = "compiled"
            else:
                self.status.source = "cache"
            self._always, self._owners = built.always, built.owners
            self.status.skippable = len(self._patterns) - len(built.always)
            self.status.expressions = built.expressions
            self._database = built.database
            self.status.state = "ready" if self._enabled else "off"
        except Exception as error:
            self.status.state, self.status.detail = "failed", f"{type(error).__name__}: {error}"
        finally:
            self.status.seconds = round(time.perf_counter() - began, 3)
            self._ready.set()
            status = self.status
            if status.state == "ready":
                log.info(
                    "classifier gate ready",
                    gate=self.name,
                    source=status.source,
                    seconds=status.seconds,
                    skippable=status.skippable,
                    patterns=status.patterns,
                    detail=status.detail or None,
                )
            else:  # slower, never wrong: every pattern runs
                log.warning(
                    "classifier gate off", gate=self.name, state=status.state, detail=status.detail
                )

    def _compile(self, hyperscan: Any) -> _Built:
        """One expression per packed alternation, reported under its pattern's index; an
        alternative that needs several expressions gets each as a quiet sub-expression and
        a logical combination of them, numbered after the patterns (Hyperscan wants a
        combination's number to be its own) and mapped back to the index. A pattern whose
        expressions the engine refuses is left out, and always runs."""
        plain = hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH
        combined = hyperscan.HS_FLAG_COMBINATION | hyperscan.HS_FLAG_SINGLEMATCH
        groups: dict[int, list[tuple[bytes, int, int]]] = {}
        always: set[int] = set()
        owners: dict[int, int] = {}
        number = len(self._patterns)
        for index, (pattern, same_as) in enumerate(self._patterns):
            try:
                found = conjunctions(pattern if same_as is None else same_as, flags=pattern.flags)
            except Unrequired as why:
                always.add(index)
                self.status.unskippable.append(f"{pattern.pattern[:60]!r}: {why}"[:200])
                continue
            group = groups[index] = []
            for parts in found:
                if len(parts) == 1:
                    group.append((parts[0].encode(), index, plain))
                    continue
                numbers = range(number, number + len(parts))
                number += len(parts) + 1
                owners[number - 1] = index
                group += [
                    (p.encode(), n, plain | hyperscan.HS_FLAG_QUIET)
                    for p, n in zip(parts, numbers, strict=True)
                ]
                group.append((" & ".join(map(str, numbers)).encode(), number - 1, combined))
        try:
            database = self._database_of(hyperscan, [e for g in groups.values() for e in g])
        except hyperscan.error:
            for index, group in list(groups.items()):
                try:
                    self._database_of(hyperscan, group)
                except hyperscan.error as why:
                    del groups[index]
                    always.add(index)
                    source = self._patterns[index][0].pattern
                    self.status.unskippable.append(f"{source[:60]!r}: {why}"[:200])
            database = self._database_of(hyperscan, [e for g in groups.values() for e in g])
        count = sum(len(g) for g in groups.values())
        return _Built(database, frozenset(always), owners, count)

    @staticmethod
    def _database_of(hyperscan: Any, expressions: list[tuple[bytes, int, int]]) -> Any:
        if not expressions:
            return None  # nothing to skip: every pattern runs
        database = hyperscan.Database()
        database.compile(
            expressions=[e for e, _n, _f in expressions],
            ids=[n for _e, n, _f in expressions],
            elements=len(expressions),
            flags=[f for _e, _n, f in expressions],
        )
        return database

    def _load(self, hyperscan: Any, path: Path) -> _Built | None:
        try:
            data = path.read_bytes()
            (length,) = struct.unpack_from("<I", data)
            header = json.loads(data[4 : 4 + length])
            database = hyperscan.loadb(data[4 + length :], hyperscan.HS_MODE_BLOCK)
            owners = {int(k): int(v) for k, v in header["owners"].items()}
            return _Built(database, frozenset(header["always"]), owners, int(header["expressions"]))
        except Exception:  # missing, partial or from another build: compile again
            return None

    def _save(self, hyperscan: Any, path: Path, built: _Built) -> None:
        if built.database is None:
            return
        header = json.dumps(
            {
                "always": sorted(built.always),
                "owners": {str(k): v for k, v in built.owners.items()},
                "expressions": built.expressions,
            }
        ).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".gate-")
            with os.fdopen(handle, "wb") as out:
                out.write(struct.pack("<I", len(header)) + header + hyperscan.dumpb(built.database))
            os.replace(temporary, path)  # whole or not at all, even with several workers
        except Exception as error:  # a read-only home, say: compile again next time
            self.status.detail = f"not cached: {error}"

    # ---------------------------------------------------------------------------- scans

    def _scratch(self) -> Any:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            hyperscan = _hyperscan()
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        return scratch

    def _scan(self, text: str) -> frozenset[int]:
        database = self._database
        if database is None or not self._enabled or self._bypassed:
            return EVERYTHING
        try:
            data = text.encode()
        except UnicodeEncodeError:  # a lone surrogate: not UTF-8, so not scanned
            return EVERYTHING
        found: list[int] = []
        try:
            database.scan(
                data,
                match_event_handler=lambda number, _start, _end, _flags, _ctx: found.append(number),
                scratch=self._scratch(),
            )
        except Exception:  # an engine error must not cost a classification: skip nothing
            return EVERYTHING
        owners = self._owners
        return self._always.union([owners.get(number, number) for number in found])


class GatedPattern:
    """The methods of ``re.Pattern`` the rules use, with the gate in front of the scan."""

    __slots__ = ("_hits", "index", "pattern")

    def __init__(self, pattern: re.Pattern[str], gate: Gate, index: int) -> None:
        self.pattern = pattern
        self.index = index
        self._hits = gate.hits  # the gate's cached scan, called for every text asked about

    def may_match(self, text: str) -> bool:
        """False only if this pattern cannot match ``text`` nor any part of it."""
        return self.index in self._hits(text)

    # ``within``: a text that ``text`` is a part of (a sentence of a message, say). What
    # cannot match the whole cannot match a part, and the whole has been scanned already.

    def search(
        self, text: str, pos: int = 0, endpos: int = 2**62, *, within: str | None = None
    ) -> re.Match[str] | None:
        if self.index in self._hits(text if within is None else within):
            return self.pattern.search(text, pos, endpos)
        return None

    def match(self, text: str, *, within: str | None = None) -> re.Match[str] | None:
        if self.index in self._hits(text if within is None else within):
            return self.pattern.match(text)
        return None

    def fullmatch(self, text: str, *, within: str | None = None) -> re.Match[str] | None:
        if self.index in self._hits(text if within is None else within):
            return self.pattern.fullmatch(text)
        return None

    def finditer(self, text: str, *, within: str | None = None) -> Iterator[re.Match[str]]:
        if self.index in self._hits(text if within is None else within):
            return self.pattern.finditer(text)
        return iter(())

    def findall(self, text: str, *, within: str | None = None) -> list[Any]:
        if self.index in self._hits(text if within is None else within):
            return self.pattern.findall(text)
        return []

    def sub(self, replacement: str, text: str) -> str:
        if self.index in self._hits(text):
            return self.pattern.sub(replacement, text)
        return text
