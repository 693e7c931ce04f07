"""Passerelle: the application shell (CLI, settings, worker wiring, dev server)."""

__version__ = "0.1.0"
