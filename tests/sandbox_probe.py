"""A workflow whose module counts how often it is executed, for tests/integration/test_sandbox.py.

Its own module because the sandbox choice is about whether a workflow's module is imported
again for every run.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tests.sandbox_counter import IMPORTS

IMPORTS.append(__name__)


@workflow.defn(name="SandboxProbe")
class SandboxProbe:
    @workflow.run
    async def run(self) -> int:
        return len(IMPORTS)
