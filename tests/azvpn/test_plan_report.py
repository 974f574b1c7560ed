"""The plan document: the dev stack's tree, topology and connections, with secrets and unknowns masked."""

from __future__ import annotations

import json
from typing import Any

from azvpn.engine import UNKNOWN, Diagnostic, PlannedResource, PlanResult
from azvpn.plan_report import KNOWN_AFTER_APPLY, SECRET, plan_document, value_at
from components import SEED_S2S_POLICY, SEED_VNET2VNET_POLICY


def _by_name(items: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def test_resources_form_a_tree_parents_first(dev_document: dict[str, Any]) -> None:
    resources = dev_document["resources"]
    assert dev_document["summary"]["create"] == len(resources) == 21
    seen: dict[str, int] = {}
    for resource in resources:
        if resource["parent"] is None:
            assert resource["depth"] == 0
        else:
            assert resource["parent"] in seen, f"{resource['name']} listed before its parent"
            assert resource["depth"] == seen[resource["parent"]] + 1
        seen[resource["urn"]] = resource["depth"]
    roots = [(r["type"].rsplit(":", 1)[-1], r["name"]) for r in resources if r["depth"] == 0]
    assert roots == [("VpnGateway", "VNet1GW"), ("VpnGateway", "VNet2GW"), ("VpnSite", "Site6"),
                     ("VNetPair", "VNet1-VNet2")]


def test_gateways_carry_their_vnet_and_sku(dev_document: dict[str, Any]) -> None:
    gateways = _by_name(dev_document["gateways"])
    assert list(gateways) == ["VNet1GW", "VNet2GW"]
    vnet1 = gateways["VNet1GW"]
    assert (vnet1["sku"], vnet1["vpnType"], vnet1["existing"]) == ("VpnGw1AZ", "RouteBased", False)
    assert vnet1["id"] == KNOWN_AFTER_APPLY
    assert vnet1["virtualNetwork"] == {
        "azureName": "TestVNet1", "addressPrefixes": ["10.11.0.0/16", "10.12.0.0/16"],
        "subnets": {"FrontEnd": "10.11.0.0/24", "Backend": "10.12.0.0/24", "GatewaySubnet": "10.12.255.0/27"}}
    assert gateways["VNet2GW"]["sku"] == "VpnGw2AZ"


def test_sites_and_pairs(dev_document: dict[str, Any]) -> None:
    assert dev_document["sites"] == [{
        "name": "Site6", "resource": "Site6-lng", "azureName": "Site6", "gatewayIpAddress": "131.107.72.22",
        "fqdn": None, "addressPrefixes": ["10.61.0.0/16", "10.62.0.0/16"]}]
    assert dev_document["pairs"] == [{"name": "VNet1-VNet2", "gateways": ["VNet1GW", "VNet2GW"],
                                      "connections": ["VNet1toVNet2", "VNet2toVNet1"]}]


def test_each_connection_has_its_ends_policy_and_findings(dev_document: dict[str, Any]) -> None:
    connections = _by_name(dev_document["connections"], "azureName")
    assert list(connections) == ["VNet1toSite6", "VNet1toVNet2", "VNet2toVNet1"]
    site = connections["VNet1toSite6"]
    assert (site["gateway"], site["peer"], site["peerKind"], site["site"], site["pair"]) == (
        "VNet1GW", "Site6", "site", "Site6", None)
    assert site["policy"] == SEED_S2S_POLICY.to_arm()
    assert site["policySummary"] == SEED_S2S_POLICY.summary()
    assert [(f["field"], f["value"], f["severity"]) for f in site["findings"]] == [
        ("dh_group", "DHGroup24", "weak"), ("pfs_group", "None", "weak")]
    back = connections["VNet2toVNet1"]
    assert (back["gateway"], back["peer"], back["peerKind"], back["pair"]) == ("VNet2GW", "VNet1GW", "gateway",
                                                                               "VNet1-VNet2")
    assert back["policySummary"] == SEED_VNET2VNET_POLICY.summary()
    assert [f["field"] for f in back["findings"]] == ["ike_integrity"]


def test_shared_keys_are_secret_and_unknowns_are_marked(dev_document: dict[str, Any]) -> None:
    connections = [r for r in dev_document["resources"]
                   if r["type"] == "azure-native:network:VirtualNetworkGatewayConnection"]
    assert len(connections) == 3
    for connection in connections:
        assert connection["inputs"]["sharedKey"] == SECRET
        assert connection["secretInputs"] == ["sharedKey"]
    assert {g["publicIpAddress"] for g in dev_document["outputs"]["gateways"].values()} == {KNOWN_AFTER_APPLY}
    assert UNKNOWN not in json.dumps(dev_document)


def test_secret_stack_outputs_are_masked_whole(dev_plan: PlanResult, dev_document: dict[str, Any]) -> None:
    # Secret outputs (a site's device configs carry its shared key) print as one marker, however big.
    assert dev_plan.secret_outputs
    for path in dev_plan.secret_outputs:
        assert value_at(dev_plan.outputs, path) not in (None, SECRET)
        assert value_at(dev_document["outputs"], path) == SECRET
    assert dev_document["secretOutputs"] == sorted(dev_plan.secret_outputs)


def test_warnings_are_the_strength_findings_by_resource(dev_document: dict[str, Any]) -> None:
    warnings = [(d["resource"], d["message"].split(": ", 1)[1].split(" is ")[0])
                for d in dev_document["diagnostics"] if d["severity"] == "warning"]
    assert warnings == [
        ("Site6-connection", "ipsec_policy.dh_group=DHGroup24"),
        ("Site6-connection", "ipsec_policy.pfs_group=None"),
        ("VNet1-VNet2-VNet1GW-to-VNet2GW", "ipsec_policy.ike_integrity=SHA1"),
        ("VNet1-VNet2-VNet2GW-to-VNet1GW", "ipsec_policy.ike_integrity=SHA1"),
    ]
    assert dev_document["summary"]["warnings"] == 4


# --- hand-made plans: what the dev stack does not exercise --------------------------------------

_STACK = "urn:pulumi:t::p::pulumi:pulumi:Stack::p-t"
_HUB_ID = "/subscriptions/1/resourceGroups/net/providers/Microsoft.Network/virtualNetworkGateways/HubGW"


def _resource(type_: str, name: str, inputs: dict[str, Any], secret_paths: frozenset[str] = frozenset(),
              property_dependencies: dict[str, tuple[str, ...]] | None = None) -> PlannedResource:
    return PlannedResource(
        type=type_, name=name, urn=f"urn:pulumi:t::p::{type_}::{name}", parent=None, custom=True,
        inputs=inputs, secret_paths=secret_paths, dependencies=(),
        property_dependencies=property_dependencies or {}, protect=False, custom_timeouts={},
        additional_secret_outputs=())


def _plan_with_secret_key(key: str) -> PlanResult:
    lng = _resource("azure-native:network:LocalNetworkGateway", "branch-lng", {
        "localNetworkGatewayName": "branch", "gatewayIpAddress": UNKNOWN,
        "localNetworkAddressSpace": {"addressPrefixes": ["192.168.0.0/24"]},
        # A careless program copying the key into a tag: the report must still hide it.
        "tags": {"note": f"psk={key}"}})
    connection = _resource("azure-native:network:VirtualNetworkGatewayConnection", "branch-connection", {
        "virtualNetworkGatewayConnectionName": "HubToBranch", "connectionType": "IPsec",
        "virtualNetworkGateway1": {"id": _HUB_ID}, "localNetworkGateway2": {"id": UNKNOWN},
        "sharedKey": key, "ipsecPolicies": []},
        secret_paths=frozenset({"sharedKey"}), property_dependencies={"localNetworkGateway2": (lng.urn,)})
    return PlanResult(
        project="p", stack="t", resources=[lng, connection],
        outputs={"psk": key, "branch": {"ip": UNKNOWN}}, secret_outputs=frozenset({"psk"}),
        diagnostics=[Diagnostic("warning", f"do not log {key}", _STACK)])


def test_secrets_are_masked_everywhere_even_where_unmarked() -> None:
    key = "correct-horse-battery-staple"
    document = plan_document(_plan_with_secret_key(key))
    assert key not in json.dumps(document)
    connection = next(r for r in document["resources"] if r["name"] == "branch-connection")
    assert connection["inputs"]["sharedKey"] == SECRET
    lng = next(r for r in document["resources"] if r["name"] == "branch-lng")
    assert lng["inputs"]["tags"] == {"note": SECRET}
    assert document["outputs"] == {"psk": SECRET, "branch": {"ip": KNOWN_AFTER_APPLY}}
    assert document["secretOutputs"] == ["psk"]
    assert document["diagnostics"][0]["message"] == SECRET
    assert document["sites"][0]["gatewayIpAddress"] == KNOWN_AFTER_APPLY


def test_adopted_gateway_is_named_from_its_id_and_no_policy_means_azure_defaults() -> None:
    document = plan_document(_plan_with_secret_key("another-long-key"))
    assert document["gateways"] == [{
        "name": "HubGW", "resource": None, "azureName": "HubGW", "existing": True, "id": _HUB_ID,
        "sku": None, "vpnType": None, "location": None, "resourceGroupName": None, "virtualNetwork": None}]
    (connection,) = document["connections"]
    # Without a VpnSite around it, a local network gateway is its own site.
    assert (connection["gateway"], connection["peer"], connection["peerKind"]) == ("HubGW", "branch-lng", "site")
    assert (connection["policy"], connection["policySummary"], connection["findings"]) == (None, None, [])
