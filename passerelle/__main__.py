"""``python -m passerelle`` is the ``passerelle`` command (handy where scripts are not on PATH)."""

from passerelle.cli import run

run()
