"""``passerelle bench timers``: see passerelle/bench/timers.py."""

from __future__ import annotations
