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
from pathlib import Path
from typing import Any

KEY = "idempotency_key"
_thread_locks: dict[Path, threading.Lock] = {}
_registry_lock = threading.Lock()


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
            existing = self.find(key)
            if existing is not None:
                return existing
            entry = {KEY: key, **build()}
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            return entry

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
