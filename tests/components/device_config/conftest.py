"""A valid site to vary in each test."""

from __future__ import annotations

import pytest

from components.device_config import DeviceSite
from components.presets import RECOMMENDED_POLICY

SECRET = "Sup3rSecretKey-DoNotShow"


@pytest.fixture
def site() -> DeviceSite:
    return DeviceSite(
        name="Site6",
        policy=RECOMMENDED_POLICY,
        azure_gateway_ip="203.0.113.10",
        onprem_public_ip="198.51.100.22",
        onprem_prefixes=("10.61.0.0/16", "10.62.0.0/16"),
        azure_prefixes=("10.11.0.0/16", "10.12.0.0/16"),
        shared_key=SECRET,
    )
