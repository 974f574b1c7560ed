"""The dev stack end to end: the seed's topology from Pulumi.dev.yaml through the real __main__.py."""

from __future__ import annotations

import copy
import json
import runpy
from collections.abc import Iterator
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


def run_main(stack_file: Any, preview: bool = True, caught: list[Exception] | None = None) -> PlanResult:
    """The real __main__.py under the mock engine; a RunError is kept in ``caught`` so the test
    can still see what was registered before it."""
    import pulumi

    from azvpn.engine import run_program

    def program() -> None:
        try:
            runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        except pulumi.RunError as error:
            if caught is None:
                raise
            caught.append(error)

    return run_program(program, project=stack_file.project, stack="dev", config=stack_file.config,
                       secret_keys=stack_file.secret_keys, preview=preview)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}" if path else key)
    else:
        yield path, value


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


def test_nothing_secret_is_exported_in_plain_text() -> None:
    """Deployed (not previewed), with a configured key: wherever the key's text ends up in the
    stack outputs (the device configs), that output is a secret."""
    from azvpn.stack_files import read_stack_file

    keys = {"Site6": {"secure": "v1:ciphertext"}}
    stack_file = read_stack_file(ROOT, "dev", {"sharedKeys": keys})
    key_text = json.loads(stack_file.config["azure-ipsec-vpn:sharedKeys"])["Site6"]
    deployed = run_main(stack_file, preview=False)
    assert deployed.outputs["connections"]["VNet1toSite6"] == SEED_S2S_POLICY.to_show()
    leaks = [path for path, value in walk(deployed.outputs) if key_text in str(value)]
    assert leaks, "the device configs should carry the key (as secrets)"
    assert all(any(path.startswith(secret) for secret in deployed.secret_outputs) for path in leaks), leaks
    for connection in deployed.of_type(CONNECTION):
        assert connection.is_secret("sharedKey")


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
    from azvpn.stack_files import read_stack_file

    sites = dev_sites()
    sites["Site6"]["dpdTimeoutSeconds"] = 4000
    stack_file = read_stack_file(ROOT, "dev", {"sites": sites})
    caught: list[Exception] = []
    result = run_main(stack_file, caught=caught)
    [error] = caught
    assert "sites.Site6.dpdTimeoutSeconds: got 4000 (int)" in str(error)
    assert result.resources == []  # config is checked before any component exists


def test_configured_shared_keys_are_secrets_and_replace_generation() -> None:
    from azvpn.stack_files import SECURE_PLACEHOLDER

    keys = {"Site6": {"secure": "v1:ciphertext"}, "VNet1-VNet2": {"secure": "v1:other"}}
    keyed = plan_stack(ROOT, "dev", overrides={"sharedKeys": keys})
    assert not keyed.of_type("random:index/randomPassword:RandomPassword")
    connections = keyed.of_type(CONNECTION)
    assert len(connections) == 3
    for connection in connections:
        assert connection.is_secret("sharedKey")
        assert str(connection.inputs["sharedKey"]).startswith(SECURE_PLACEHOLDER)
    pair_keys = {c.inputs["sharedKey"] for c in connections if c.inputs["connectionType"] == "Vnet2Vnet"}
    assert len(pair_keys) == 1  # both directions carry the pair's one key


def test_reordering_config_maps_changes_nothing() -> None:
    """Names come from config keys, never positions: reordering renames (replaces) nothing."""
    data = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    reordered = {key: dict(reversed(list(value.items()))) if isinstance(value, dict) else value
                 for key, value in data.items() if key.startswith("azure-ipsec-vpn:")}
    reordered["azure-ipsec-vpn:gateways"]["VNet1GW"]["subnets"] = dict(
        reversed(list(reordered["azure-ipsec-vpn:gateways"]["VNet1GW"]["subnets"].items())))
    after = plan_stack(ROOT, "dev", overrides=reordered)
    before = plan_stack(ROOT, "dev")
    assert {r.urn: r.inputs for r in after.resources if r.type != "azure-native:network:VirtualNetwork"} == {
        r.urn: r.inputs for r in before.resources if r.type != "azure-native:network:VirtualNetwork"}
    # The VNet's subnet list follows config order; Azure compares subnets by name.
    for vnet in before.of_type("azure-native:network:VirtualNetwork"):
        moved = after.by_name(vnet.name).inputs
        assert sorted(moved["subnets"], key=str) == sorted(vnet.inputs["subnets"], key=str)


def test_dpd_edit_touches_only_that_connection() -> None:
    sites = dev_sites()
    sites["Site6"]["dpdTimeoutSeconds"] = 30
    before, after = plan_stack(ROOT, "dev"), plan_stack(ROOT, "dev", overrides={"sites": sites})
    changed = [r.name for r in after.resources if r.inputs != before.by_name(r.name).inputs]
    assert changed == ["Site6-connection-connection"]


def test_shared_keys_as_one_secure_value_is_explained() -> None:
    import pulumi

    with pytest.raises(pulumi.RunError) as caught:
        plan_stack(ROOT, "dev", overrides={"sharedKeys": {"secure": "v1:whole-map"}})
    message = str(caught.value)
    assert "sharedKeys: got a value (hidden: secret)" in message and "--path 'sharedKeys.<name>'" in message
    assert "v1:whole-map" not in message
