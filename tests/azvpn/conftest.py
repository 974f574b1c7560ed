"""One offline plan of the dev stack for every azvpn test: a mock run costs seconds, reading it costs nothing."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from azvpn.engine import PlanResult
from azvpn.plan import plan_stack
from azvpn.plan_report import plan_document

ROOT = Path(__file__).resolve().parents[2]


def project_copy(tmp_path: Path, stack_yaml: str) -> Path:
    """Pulumi.yaml and __main__.py of this project with another Pulumi.dev.yaml."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "Pulumi.dev.yaml").write_text(stack_yaml, encoding="utf-8")
    return tmp_path


def dev_yaml(*replacements: tuple[str, str]) -> str:
    text = (ROOT / "Pulumi.dev.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new, 1)
    return text


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, not in pyproject.toml, so the marker lives next to the tests that use it.
    config.addinivalue_line(
        "markers", "packaging: builds the wheel and installs it into a fresh virtual environment (~10-30 s)")


@pytest.fixture(scope="session")
def dev_plan() -> PlanResult:
    """``Pulumi.dev.yaml`` through the real ``__main__.py`` under the mock runtime."""
    return plan_stack(ROOT, "dev")


@pytest.fixture(scope="session")
def dev_document(dev_plan: PlanResult) -> dict[str, Any]:
    return plan_document(dev_plan)
