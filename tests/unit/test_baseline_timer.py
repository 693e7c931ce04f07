"""The bare timers worker registers its workflow under the module's real name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from passerelle.bench import baseline_timer


def test_the_workflow_is_registered_by_name_even_when_run_as_main() -> None:
    # ``python -m passerelle.bench.baseline_timer`` runs this file as ``__main__``; a workflow
    # class from ``__main__`` would be re-imported by the sandbox for every run. A copy under
    # another name stands for it here (as ``__main__`` it would start serving).
    spec = importlib.util.spec_from_file_location("run_as_script", Path(baseline_timer.__file__))
    assert spec is not None and spec.loader is not None
    as_main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(as_main)
    assert as_main.BaselineTimer.__module__ == "run_as_script"
    timer, activity_fn = as_main.by_name()
    assert timer.__module__ == "passerelle.bench.baseline_timer"
    assert activity_fn.__module__ == "passerelle.bench.baseline_timer"
