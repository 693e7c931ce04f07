"""An append-only JSON Lines file where each entry is written at most once per key.

Used by the ``jsonl`` connector's outbox and the ``log`` notifier: a retried activity finds
its own earlier entry instead of writing a second one, across threads and processes (an
``flock`` on a sibling lock file), the way a platform lookup would.
"""

from __future__ import annotations

import fcntl
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KEY = "idempotency_key"
_thread_locks: dict[Path, threading.Lock] = {}
_registry_lock = threading.Lock()


@dataclass
class _KeyIndex:
    """The keys of one file up to ``offset`` (the end of its last complete line).

    Each append reads only what was written since, by this process or another, so writing
    N entries costs O(N) instead of re-reading the whole file every time (O(N²))."""

    offset: int = 0
    starts: dict[str, int] = field(default_factory=dict)  # key -> where its line starts
    identity: tuple[int, int] = (0, 0)  # (device, inode): a rotated file starts over


_indexes: dict[Path, _KeyIndex] = {}


class JsonlStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every readable entry; a torn last line (a crash mid-write) is skipped."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if isinstance(entry, dict):
                    yield entry

    def find(self, key: str) -> dict[str, Any] | None:
        return next((e for e in self.entries() if e.get(KEY) == key), None)

    def append_once(self, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """The entry for ``key``: the existing one, or ``build()`` appended. Blocking."""
        with self._locked():
            start = self._caught_up().starts.get(key)
            if start is not None:
                with self.path.open("rb") as data:
                    data.seek(start)
                    found = json.loads(data.readline())
                if isinstance(found, dict) and found.get(KEY) == key:
                    return found
            entry = {KEY: key, **build()}
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            return entry

    def _caught_up(self) -> _KeyIndex:
        """This file's key index, with whatever was appended since it was last read (call
        with the lock held)."""
        resolved = self.path.resolve()
        index = _indexes.setdefault(resolved, _KeyIndex())
        try:
            stat = resolved.stat()
            size, identity = stat.st_size, (stat.st_dev, stat.st_ino)
        except FileNotFoundError:
            size, identity = 0, (0, 0)
        if size < index.offset or identity != index.identity:  # truncated or replaced
            index = _indexes[resolved] = _KeyIndex(identity=identity)
        if size == index.offset:
            return index
        with resolved.open("rb") as data:
            data.seek(index.offset)
            chunk = data.read(size - index.offset)
        complete = chunk.rfind(b"\n") + 1  # a torn last line is read again next time
        position = index.offset
        for line in chunk[:complete].splitlines(keepends=True):
            try:
                entry = json.loads(line)
            except ValueError:
                entry = None
            if isinstance(entry, dict) and isinstance(entry.get(KEY), str):
                index.starts.setdefault(entry[KEY], position)
            position += len(line)
        index.offset += complete
        return index

    def unwritable(self) -> str | None:
        """Why an append would fail, or ``None``. Blocking. It does what an append does
        first (make the folder, open the lock file) and opens an existing file for
        appending, without writing an entry: permission bits alone do not tell (a
        read-only mount, or a root process, which ``os.access`` always answers yes)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock_path().open("a"):
                pass
            if self.path.exists():
                with self.path.open("a", encoding="utf-8"):
                    pass
        except OSError as err:
            return f"{type(err).__name__}: {err.strerror or err}"
        return None

    def _lock_path(self) -> Path:
        """``<outbox>.lock`` beside the real file (links resolved), shared by processes."""
        resolved = self.path.resolve()
        return resolved.with_name(resolved.name + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _registry_lock:
            thread_lock = _thread_locks.setdefault(self.path.resolve(), threading.Lock())
        with thread_lock, self._lock_path().open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
