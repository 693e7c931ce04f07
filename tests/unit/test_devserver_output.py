"""Where a spawned dev server's output goes: never into ``--json`` stdout, and with a log
file, not into a bench's progress lines either."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from passerelle.devserver import _output_to

CHILD = "import sys; print('banner'); print('recovered error', file=sys.stderr)"


def spawn() -> None:
    subprocess.run([sys.executable, "-c", CHILD], check=True)


def test_with_a_log_file_both_streams_of_the_child_go_there(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    before = (os.fstat(1).st_ino, os.fstat(2).st_ino)
    with _output_to(log):
        spawn()
    assert log.read_text().split() == ["banner", "recovered", "error"]
    assert (os.fstat(1).st_ino, os.fstat(2).st_ino) == before


def test_without_one_stdout_is_dropped_and_stderr_kept(capfd: pytest.CaptureFixture[str]) -> None:
    with _output_to(None):
        spawn()
    out, err = capfd.readouterr()
    assert "banner" not in out
    assert "recovered error" in err
