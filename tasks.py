#!/usr/bin/env python3
"""One entry point that works on a machine with only python3 (3.11+).

    python3 tasks.py plan [azvpn plan options]   install everything, then the offline plan
    python3 tasks.py check [azvpn check options] install everything, then the config check
    python3 tasks.py test [pytest options]       install everything, then the whole test suite
    python3 tasks.py lint                        ruff and mypy (strict on components/)
    python3 tasks.py sync                        install everything only

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
TASKS = ("plan", "check", "test", "lint", "sync")


class TaskError(Exception):
    """A setup step failed; the message says which and what to do."""


def _uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    uv = TOOLS / "bin" / "uv"
    if not uv.exists():
        print("tasks: installing uv into .tools/ ...", file=sys.stderr, flush=True)
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        except (OSError, subprocess.CalledProcessError) as error:
            # Debian and Ubuntu ship venv's pip bootstrap in a separate package.
            raise TaskError(f"cannot create .tools/ ({error}); install python3-venv, or uv itself "
                            "(https://docs.astral.sh/uv/), and run this again") from None
        _check([str(TOOLS / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                "uv>=0.5,<1"], "installing uv with pip")
    return str(uv)


def _check(command: list[str], what: str) -> None:
    # A failed install is the tool's own message on stderr plus one line here, not a traceback.
    status = subprocess.call(command, cwd=ROOT)
    if status:
        raise TaskError(f"{what} failed (exit status {status})")


def _sync(uv: str) -> None:
    _check([uv, "sync", "--frozen", "--quiet"], "uv sync --frozen (installing the locked environment)")


def _run(uv: str, *command: str) -> int:
    return subprocess.call([uv, "run", "--frozen", "--no-sync", *command], cwd=ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in TASKS:
        print(__doc__, file=sys.stderr)
        return 2
    task, rest = argv[0], argv[1:]
    os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")  # the machine's python3 is enough
    try:
        uv = _uv()
        _sync(uv)
    except TaskError as error:
        print(f"tasks: {error}", file=sys.stderr)
        return 1
    if task == "sync":
        return 0
    if task in {"plan", "check"}:
        return _run(uv, "azvpn", task, *rest)
    if task == "test":
        return _run(uv, "python", "-m", "pytest", *rest)
    status = _run(uv, "ruff", "check", ".")
    return _run(uv, "mypy") or status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
