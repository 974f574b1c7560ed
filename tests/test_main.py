"""The dev stack end to end: the seed's topology from Pulumi.dev.yaml through the real __main__.py."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from azvpn.engine import PlanResult
from azvpn.plan import plan_stack
from components import SEED_S2S_POLICY, SEED_UPDATED_S2S_POLICY, SEED_VNET2VNET_POLICY

ROOT = Path(__file__).resolve().parents[1]
CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
GATEWAY = "azure-native:network:VirtualNetworkGateway"


def dev_sites() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]["azure-ipsec-vpn:sites"])


@pytest.fixture(scope="module")
def dev() -> PlanResult:
    return plan_stack(ROOT, "dev")


def connections(result: PlanResult) -> dict[str, dict[str, Any]]:
    return {c.inputs["virtualNetworkGatewayConnectionName"]: c.inputs for c in result.of_type(CONNECTION)}


def test_seed_topology(dev: PlanResult) -> None:
    counts: dict[str, int] = {}
    for resource in dev.resources:
        counts[resource.type] = counts.get(resource.type, 0) + 1
    assert counts == {
        "azure-ipsec-vpn:index:VpnGateway": 2, "azure-ipsec-vpn:index:VpnSite": 1,
        "azure-ipsec-vpn:index:VNetPair": 1, "azure-ipsec-vpn:index:PolicyConnection": 3,
        "azure-native:resources:ResourceGroup": 2, "azure-native:network:VirtualNetwork": 2,
        "azure-native:network:PublicIPAddress": 2, GATEWAY: 2,
        "azure-native:network:LocalNetworkGateway": 1, CONNECTION: 3,
        "random:index/randomPassword:RandomPassword": 2,
    }
    groups = {r.inputs["resourceGroupName"] for r in dev.of_type("azure-native:resources:ResourceGroup")}
    assert groups == {"TestPolicyRG1", "TestPolicyRG2"}
    vnets = {r.inputs["virtualNetworkName"]: r.inputs["addressSpace"]["addressPrefixes"]
             for r in dev.of_type("azure-native:network:VirtualNetwork")}
    assert vnets == {"TestVNet1": ["10.11.0.0/16", "10.12.0.0/16"], "TestVNet2": ["10.21.0.0/16", "10.22.0.0/16"]}


def test_seed_connections_and_policies(dev: PlanResult) -> None:
    found = connections(dev)
    assert found["VNet1toSite6"]["ipsecPolicies"] == [SEED_S2S_POLICY.to_arm()]
    assert found["VNet1toVNet2"]["ipsecPolicies"] == found["VNet2toVNet1"]["ipsecPolicies"] == [
        SEED_VNET2VNET_POLICY.to_arm()]
    lng = dev.by_name("Site6-lng").inputs
    assert lng["gatewayIpAddress"] == "131.107.72.22"
    assert lng["localNetworkAddressSpace"]["addressPrefixes"] == ["10.61.0.0/16", "10.62.0.0/16"]


def test_todays_skus_and_public_ips(dev: PlanResult) -> None:
    assert {g.inputs["sku"]["name"] for g in dev.of_type(GATEWAY)} == {"VpnGw1AZ", "VpnGw2AZ"}
    for ip in dev.of_type("azure-native:network:PublicIPAddress"):
        assert ip.inputs["sku"]["name"] == "Standard" and ip.inputs["publicIPAllocationMethod"] == "Static"


def test_stack_output_answers_part5_show(dev: PlanResult) -> None:
    shown = dev.outputs["connections"]
    assert shown["VNet1toSite6"] == SEED_S2S_POLICY.to_show()
    assert shown["VNet1toVNet2"] == shown["VNet2toVNet1"] == SEED_VNET2VNET_POLICY.to_show()


def test_nothing_secret_is_exported_in_plain_text(dev: PlanResult) -> None:
    for connection in dev.of_type(CONNECTION):
        assert connection.is_secret("sharedKey")
    exported = repr(dev.outputs)
    assert "sharedKey" not in exported


def test_no_gateway_depends_on_another(dev: PlanResult) -> None:
    gateways = {g.urn for g in dev.of_type(GATEWAY)}
    for gateway in dev.of_type(GATEWAY):
        deps = set(gateway.dependencies) | {u for us in gateway.property_dependencies.values() for u in us}
        assert not deps & gateways


def test_part5_update_is_a_config_edit() -> None:
    sites = dev_sites()
    sites["Site6"]["policy"] = SEED_UPDATED_S2S_POLICY.to_arm()
    updated = plan_stack(ROOT, "dev", overrides={"sites": sites})
    assert connections(updated)["VNet1toSite6"]["ipsecPolicies"] == [SEED_UPDATED_S2S_POLICY.to_arm()]
    assert updated.outputs["connections"]["VNet1toSite6"]["IkeEncryption"] == "AES128"


def test_part5_removal_falls_back_to_azure_defaults() -> None:
    sites = dev_sites()
    del sites["Site6"]["policy"]
    removed = plan_stack(ROOT, "dev", overrides={"sites": sites})
    assert connections(removed)["VNet1toSite6"]["ipsecPolicies"] == []
    assert removed.outputs["connections"].get("VNet1toSite6") is None


def test_invalid_config_fails_with_key_path_and_registers_nothing() -> None:
    import pulumi

    sites = dev_sites()
    sites["Site6"]["dpdTimeoutSeconds"] = 4000
    with pytest.raises(pulumi.RunError) as caught:
        plan_stack(ROOT, "dev", overrides={"sites": sites})
    assert "sites.Site6.dpdTimeoutSeconds: got 4000 (int)" in str(caught.value)


def test_configured_shared_keys_are_secrets_and_replace_generation() -> None:
    keys = {"Site6": {"secure": "v1:ciphertext"}, "VNet1-VNet2": {"secure": "v1:other"}}
    keyed = plan_stack(ROOT, "dev", overrides={"sharedKeys": keys})
    assert not keyed.of_type("random:index/randomPassword:RandomPassword")
    for connection in keyed.of_type(CONNECTION):
        assert connection.is_secret("sharedKey")
        assert "v1:" not in repr(connection.inputs)


def test_shared_keys_as_one_secure_value_is_explained() -> None:
    import pulumi

    with pytest.raises(pulumi.RunError) as caught:
        plan_stack(ROOT, "dev", overrides={"sharedKeys": {"secure": "v1:whole-map"}})
    message = str(caught.value)
    assert "sharedKeys: got a value (hidden: secret)" in message and "--path 'sharedKeys.<name>'" in message
    assert "v1:whole-map" not in message
