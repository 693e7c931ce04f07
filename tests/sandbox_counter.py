"""Outside the sandbox: one entry per execution of tests/sandbox_probe.py's module body."""

IMPORTS: list[str] = []
