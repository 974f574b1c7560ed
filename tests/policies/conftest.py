"""The pack runs with ``policies/`` as its import root (``runpy.run_path`` of the pack
directory puts it first on ``sys.path``): the tests import ``vpn_policies`` the same way."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))

from vpn_policies import secret_tracking  # noqa: E402


@pytest.fixture(autouse=True)
def secret_tracking_installed() -> Iterator[None]:
    """As ``policies/__main__.py`` does before serving the pack."""
    secret_tracking.install()
    yield
    secret_tracking.install()
