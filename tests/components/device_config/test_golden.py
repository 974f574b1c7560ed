"""Golden device configurations, reviewed by hand against each vendor's documentation.

A change to a renderer shows up here as a diff to read. To accept an intended change,
regenerate with ``UPDATE_GOLDEN=1 pytest tests/components/device_config/test_golden.py``
and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from components.device_config import VENDORS, DeviceSite, render_device_config
from components.presets import RECOMMENDED_POLICY, SEED_VNET2VNET_POLICY

GOLDEN = Path(__file__).parent / "golden"
EXTENSIONS = {"strongswan": "conf", "cisco-iosxe": "ios", "paloalto-panos": "set"}

# Documentation addresses (RFC 5737) and an obviously fake key.
_BASE = {
    "azure_gateway_ip": "203.0.113.10",
    "onprem_public_ip": "198.51.100.22",
    "onprem_prefixes": ("10.61.0.0/16", "10.62.0.0/16"),
    "azure_prefixes": ("10.11.0.0/16", "10.12.0.0/16"),
    "shared_key": "ExampleKey-not-a-secret",
}
SITES = {
    # Route-based with the recommended policy (GCM everywhere, ECP384, PFS same as main mode).
    "route-based": DeviceSite(name="Site6", policy=RECOMMENDED_POLICY, **_BASE),  # type: ignore[arg-type]
    # The seed's VNet-to-VNet policy on a policy-based connection: 2 x 2 prefix pairs.
    "policy-based": DeviceSite(name="Site6", policy=SEED_VNET2VNET_POLICY, use_policy_based_traffic_selectors=True,
                               dpd_timeout_seconds=30, **_BASE),  # type: ignore[arg-type]
    # No custom policy: Azure's documented default proposals (AES subset).
    "azure-default": DeviceSite(name="Site6", policy=None, **_BASE),  # type: ignore[arg-type]
}


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("example", list(SITES))
def test_matches_golden(vendor: str, example: str) -> None:
    path = GOLDEN / vendor / f"{example}.{EXTENSIONS[vendor]}"
    rendered = render_device_config(vendor, SITES[example])
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rendered)
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 and review it"
    assert rendered == path.read_text(), f"{path} differs; review the change, then UPDATE_GOLDEN=1"
