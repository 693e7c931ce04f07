"""Deterministic workflows: no I/O, no clock, no randomness. Import submodules directly."""
