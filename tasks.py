#!/usr/bin/env python3
"""One entry point that works on a machine with only python3.

    python3 tasks.py plan [azvpn plan options]   install everything, then the offline plan
    python3 tasks.py test [pytest options]       install everything, then the whole test suite
    python3 tasks.py lint                        ruff and mypy (strict on components/)

Installing means: uv (into .tools/ with pip, if it is not on PATH), then ``uv sync --frozen``
from the committed uv.lock into .venv/ — the same environment ``pulumi up`` uses, because
Pulumi.yaml names the uv toolchain.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"


def _uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    uv = TOOLS / "bin" / "uv"
    if not uv.exists():
        print("tasks: installing uv into .tools/ ...", file=sys.stderr, flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        subprocess.run([str(TOOLS / "bin" / "python"), "-m", "pip", "install", "-q",
                        "--disable-pip-version-check", "uv>=0.5,<1"], check=True)
    return str(uv)


def _sync(uv: str) -> None:
    subprocess.run([uv, "sync", "--frozen", "--quiet"], cwd=ROOT, check=True)


def _run(uv: str, *command: str) -> int:
    return subprocess.call([uv, "run", "--frozen", "--no-sync", *command], cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"plan", "test", "lint", "sync"}:
        print(__doc__, file=sys.stderr)
        return 2
    task, rest = argv[0], argv[1:]
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")  # the machine's python3 is enough
    uv = _uv()
    _sync(uv)
    if task == "sync":
        return 0
    if task == "plan":
        return _run(uv, "azvpn", "plan", *rest)
    if task == "test":
        return _run(uv, "python", "-m", "pytest", *rest)
    status = _run(uv, "ruff", "check", ".")
    return _run(uv, "mypy") or status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
