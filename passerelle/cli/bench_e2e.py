"""``passerelle bench e2e``: see passerelle/bench/e2e.py."""

from __future__ import annotations
