"""Plan a stack offline: the real ``__main__.py`` under the mock engine, config from its file."""

from __future__ import annotations

import runpy
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from azvpn.engine import PlanResult, run_program
from azvpn.stack_files import read_stack_file


def plan_stack(project_dir: Path, stack: str = "dev", overrides: Mapping[str, Any] | None = None) -> PlanResult:
    """What ``pulumi preview`` on ``stack`` would register, computed without the CLI or Azure.

    Raises whatever the program raises (a ``pulumi.RunError`` listing config problems).
    """
    project_dir = project_dir.resolve()
    stack_file = read_stack_file(project_dir, stack, overrides)
    program = project_dir / "__main__.py"
    added = str(project_dir) not in sys.path
    if added:
        sys.path.insert(0, str(project_dir))

    def run_main() -> None:
        runpy.run_path(str(program), run_name="__main__")

    try:
        return run_program(run_main, project=stack_file.project, stack=stack,
                           config=stack_file.config, secret_keys=stack_file.secret_keys)
    finally:
        if added:
            sys.path.remove(str(project_dir))
