"""``passerelle bench chaos``: see passerelle/bench/chaos.py."""

from __future__ import annotations
