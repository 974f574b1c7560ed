"""Gateway SKU and public IP policies: compliant and violating resources, messages checked."""

from __future__ import annotations

import pytest

from .fixtures import CONNECTION, GATEWAY, PUBLIC_IP, gateway, public_ip
from .harness import UNKNOWN, violations


def gateway_check(**overrides: object) -> list[str]:
    return violations("vpn-gateway-sku-current", GATEWAY, gateway(**overrides), name="VNet1GW-gateway")


def ip_check(**overrides: object) -> list[str]:
    return violations("vpn-public-ip-standard-static", PUBLIC_IP, public_ip(**overrides), name="VNet1GW-ip")


@pytest.mark.parametrize("sku", ["VpnGw1AZ", "VpnGw2AZ", "VpnGw5AZ"])
def test_current_skus_pass(sku: str) -> None:
    assert gateway_check(sku={"name": sku, "tier": sku}) == []


def test_basic_sku() -> None:
    [message] = gateway_check(sku={"name": "Basic", "tier": "Basic"})
    assert message == (
        "VirtualNetworkGateway 'VNet1GW-gateway': sku.name: got 'Basic'; allowed: VpnGw1AZ, VpnGw2AZ, VpnGw3AZ, "
        "VpnGw4AZ, VpnGw5AZ. Why: the Basic SKU does not support custom IPsec/IKE policies (seed, Part 5 note). "
        "Did you mean 'VpnGw1AZ'? Fix: set sku.name to 'VpnGw1AZ'.")


def test_legacy_sku() -> None:
    [message] = gateway_check(sku={"name": "HighPerformance", "tier": "HighPerformance"})
    assert "sku.name: got 'HighPerformance'" in message
    assert "HighPerformance is retired: a legacy SKU that Azure migrates during 2026" in message
    assert message.endswith("Fix: set sku.name to 'VpnGw2AZ'.")


def test_non_az_sku() -> None:
    [message] = gateway_check(sku={"name": "VpnGw1", "tier": "VpnGw1"})
    assert "sku.name: got 'VpnGw1'" in message and "cannot be created since 2025-01-01" in message
    assert message.endswith("Fix: set sku.name to 'VpnGw1AZ'.")


def test_express_route_gateway_is_not_a_vpn_gateway() -> None:
    assert gateway_check(gatewayType="ExpressRoute", sku={"name": "ErGw1AZ", "tier": "ErGw1AZ"}) == []
    express_route = gateway(sku={"name": "ErGw1AZ", "tier": "ErGw1AZ"})
    del express_route["gatewayType"]
    assert violations("vpn-gateway-sku-current", GATEWAY, express_route) == []


def test_unknown_sku_waits_for_the_update() -> None:
    assert gateway_check(sku=UNKNOWN) == []
    assert gateway_check(sku={"name": UNKNOWN}) == []


def test_standard_static_ip_passes() -> None:
    assert ip_check() == []


def test_seed_basic_dynamic_ip() -> None:
    sku, allocation = ip_check(sku={"name": "Basic", "tier": "Regional"}, publicIPAllocationMethod="Dynamic")
    assert sku.startswith("PublicIPAddress 'VNet1GW-ip': sku.name: got 'Basic'; allowed: Standard.")
    assert "Basic public IPs were retired on 2025-09-30" in sku
    assert allocation.startswith("PublicIPAddress 'VNet1GW-ip': publicIPAllocationMethod: got 'Dynamic'; "
                                 "allowed: Static.")
    assert allocation.endswith("Fix: set publicIPAllocationMethod to 'Static'.")


def test_ip_without_sku_gets_azures_default_basic() -> None:
    props = public_ip()
    del props["sku"]
    [message] = violations("vpn-public-ip-standard-static", PUBLIC_IP, props, name="VNet1GW-ip")
    assert "sku.name: got nothing; allowed: Standard." in message


def test_policies_judge_only_their_resource_type() -> None:
    assert violations("vpn-gateway-sku-current", CONNECTION, gateway(sku={"name": "Basic"})) == []
    assert violations("vpn-public-ip-standard-static", GATEWAY, public_ip(sku={"name": "Basic"})) == []
