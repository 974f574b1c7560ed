"""Stack policies: VNet-to-VNet pairs, tunnels per gateway, policies on capable gateways.

In a first preview no gateway id is known yet; the stack rules match connections to gateways
through the engine's property dependencies, as these fixtures do with ``UNKNOWN`` ids.
"""

from __future__ import annotations

from typing import Any

from .fixtures import CONNECTION, GATEWAY, GW1_ID, GW2_ID, SEED_S2S, connection, gateway, policy, vnet2vnet
from .harness import UNKNOWN, StackEntry, stack_violations, urn

PAIR = "vpn-vnet2vnet-pair-consistent"
TUNNELS = "vpn-gateway-tunnel-limit"
CAPABLE = "vpn-gateway-supports-custom-policy"
SECRET = ["sharedKey"]


def gateways(gw1: dict[str, Any] | None = None) -> list[StackEntry]:
    return [StackEntry(GATEWAY, "VNet1GW-gateway", gw1 or gateway()),
            StackEntry(GATEWAY, "VNet2GW-gateway", gateway(virtualNetworkGatewayName="VNet2GW",
                                                          sku={"name": "VpnGw2AZ", "tier": "VpnGw2AZ"}))]


def pair(forward: dict[str, Any] | None = None, backward: dict[str, Any] | None = None) -> list[StackEntry]:
    """The seed's VNet1toVNet2 / VNet2toVNet1, gateway ids unknown (preview), linked by dependencies."""
    return [
        *gateways(),
        StackEntry(CONNECTION, "VNet1toVNet2", {**vnet2vnet(UNKNOWN, UNKNOWN), **(forward or {})}, SECRET,
                   {"virtualNetworkGateway1": ["VNet1GW-gateway"], "virtualNetworkGateway2": ["VNet2GW-gateway"]}),
        StackEntry(CONNECTION, "VNet2toVNet1", {**vnet2vnet(UNKNOWN, UNKNOWN), **(backward or {})}, SECRET,
                   {"virtualNetworkGateway1": ["VNet2GW-gateway"], "virtualNetworkGateway2": ["VNet1GW-gateway"]}),
    ]


# --- vpn-vnet2vnet-pair-consistent --------------------------------------------------------------

def test_identical_pair_passes() -> None:
    assert stack_violations(PAIR, pair()) == []


def test_spellings_of_one_group_are_one_policy() -> None:
    assert stack_violations(PAIR, pair({"ipsecPolicies": [policy(dhGroup="DHGroup14", pfsGroup="PFS2048")]},
                                       {"ipsecPolicies": [policy(dhGroup="DHGroup2048", pfsGroup="PFS14")]})) == []


def test_pair_with_different_policies() -> None:
    [(message, where)] = stack_violations(PAIR, pair(backward={"ipsecPolicies": [policy(pfsGroup="ECP256")]}))
    assert where == urn(CONNECTION, "VNet2toVNet1")
    assert message.startswith("VirtualNetworkGatewayConnection 'VNet2toVNet1' (reverse of 'VNet1toVNet2'): "
                              "ipsecPolicies: got 'IKE ")
    assert "allowed: the same policy as the other direction (IKE GCMAES256/SHA384/ECP384 | IPsec " \
           "GCMAES256/GCMAES256/ECP384 | 27000 s, 102400000 KB)" in message
    assert "otherwise the tunnel does not establish (seed, Part 4)" in message
    assert "Fields that differ: pfsGroup." in message
    assert message.endswith("Fix: give both connections the same policy: build it once as components.IpsecPolicy "
                            "and pass it to both, as seed Part 4 does with $ipsecpolicy2.")


def test_pair_with_a_policy_on_one_side_only() -> None:
    [(message, _)] = stack_violations(PAIR, pair(backward={"ipsecPolicies": []}))
    assert "ipsecPolicies: got nothing; allowed: the same policy as the other direction" in message


def test_pair_with_different_keys_never_shows_them() -> None:
    entries = pair(backward={"sharedKey": "another-key-for-VNet2"})
    [(message, where)] = stack_violations(PAIR, entries)
    assert where == urn(CONNECTION, "VNet2toVNet1")
    assert "sharedKey: differs from the key of 'VNet1toVNet2' (values not shown)" in message
    assert "another-key-for-VNet2" not in message  # (the harness also checks every key)


def test_generated_keys_unknown_in_preview_are_not_compared() -> None:
    assert stack_violations(PAIR, pair({"sharedKey": UNKNOWN}, {"sharedKey": UNKNOWN})) == []


def test_pair_matched_by_known_ids_without_dependencies() -> None:
    # Gateways outside the stack, referenced by ARM id; ARM ids are case-insensitive.
    entries = [
        StackEntry(CONNECTION, "VNet1toVNet2", vnet2vnet(GW1_ID, GW2_ID), SECRET),
        StackEntry(CONNECTION, "VNet2toVNet1", vnet2vnet(GW2_ID.lower(), GW1_ID.upper(),
                                                         ipsecPolicies=[SEED_S2S]), SECRET),
    ]
    [(message, _)] = stack_violations(PAIR, entries)
    assert "Fields that differ:" in message


def test_unrelated_vnet2vnet_connections_are_not_a_pair() -> None:
    entries = [
        *gateways(),
        StackEntry(CONNECTION, "VNet1toVNet2", vnet2vnet(UNKNOWN, UNKNOWN), SECRET,
                   {"virtualNetworkGateway1": ["VNet1GW-gateway"], "virtualNetworkGateway2": ["VNet2GW-gateway"]}),
        StackEntry(CONNECTION, "VNet1toVNet2-again", vnet2vnet(UNKNOWN, UNKNOWN, ipsecPolicies=[SEED_S2S]), SECRET,
                   {"virtualNetworkGateway1": ["VNet1GW-gateway"], "virtualNetworkGateway2": ["VNet2GW-gateway"]}),
    ]
    assert stack_violations(PAIR, entries) == []


# --- vpn-gateway-tunnel-limit ---------------------------------------------------------------------

def site_connections(count: int) -> list[StackEntry]:
    return [StackEntry(CONNECTION, f"Site{i}-connection", connection(virtualNetworkGateway1={"id": UNKNOWN}), SECRET,
                       {"virtualNetworkGateway1": ["VNet1GW-gateway"]}) for i in range(count)]


def test_within_the_tunnel_limit() -> None:
    assert stack_violations(TUNNELS, gateways() + site_connections(30)) == []


def test_over_the_tunnel_limit() -> None:
    [(message, where)] = stack_violations(TUNNELS, gateways() + site_connections(31))
    assert where == urn(GATEWAY, "VNet1GW-gateway")
    assert message.startswith(
        "VirtualNetworkGateway 'VNet1GW-gateway': connections on this gateway ('Site0-connection'")
    assert "got 31 (int); allowed: at most 30 connections on VpnGw1AZ. Why: VpnGw1AZ supports 30 S2S/VNet-to-VNet " \
           "tunnels (Azure VPN Gateway SKU table)." in message
    assert message.endswith("Fix: set sku.name to a SKU with more tunnels (e.g. VpnGw4AZ), or spread the "
                            "connections over more gateways.")


def test_express_route_connections_are_not_tunnels() -> None:
    entries = gateways() + site_connections(30) + [
        StackEntry(CONNECTION, "er", connection(connectionType="ExpressRoute", virtualNetworkGateway1={"id": UNKNOWN}),
                   SECRET, {"virtualNetworkGateway1": ["VNet1GW-gateway"]})]
    assert stack_violations(TUNNELS, entries) == []


# --- vpn-gateway-supports-custom-policy -----------------------------------------------------------

def on_gateway(gw1: dict[str, Any], props: dict[str, Any] | None = None) -> list[StackEntry]:
    return [*gateways(gw1), StackEntry(CONNECTION, "VNet1toSite6", props or connection(), SECRET,
                                       {"virtualNetworkGateway1": ["VNet1GW-gateway"]})]


def test_policy_on_route_based_current_gateway_passes() -> None:
    assert stack_violations(CAPABLE, on_gateway(gateway())) == []


def test_policy_on_policy_based_gateway() -> None:
    [(message, where)] = stack_violations(CAPABLE, on_gateway(gateway(vpnType="PolicyBased")))
    assert where == urn(CONNECTION, "VNet1toSite6")
    assert message.startswith("VirtualNetworkGatewayConnection 'VNet1toSite6': virtualNetworkGateway1 "
                              "('VNet1GW-gateway').vpnType: got 'PolicyBased'; allowed: RouteBased.")
    assert "custom IPsec/IKE policies need a route-based gateway" in message


def test_policy_on_basic_gateway() -> None:
    [(message, _)] = stack_violations(CAPABLE, on_gateway(gateway(sku={"name": "Basic", "tier": "Basic"})))
    assert "virtualNetworkGateway1 ('VNet1GW-gateway').sku.name: got 'Basic'" in message
    assert "the Basic SKU does not support custom IPsec/IKE policies" in message


def test_no_policy_on_a_basic_gateway_is_not_this_rules_business() -> None:
    basic = gateway(sku={"name": "Basic", "tier": "Basic"})
    assert stack_violations(CAPABLE, on_gateway(basic, connection(ipsecPolicies=[]))) == []
