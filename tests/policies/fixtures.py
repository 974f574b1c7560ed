"""Compliant resources as the engine sends them (camelCase inputs), after the seed's topology:
TestVNet1's gateway, Site6 (S2S) and the VNet1/VNet2 pair, with current SKUs and IPs."""

from __future__ import annotations

from typing import Any

from components import RECOMMENDED_POLICY, SEED_S2S_POLICY

from .harness import SHARED_KEY

CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"
GATEWAY = "azure-native:network:VirtualNetworkGateway"
PUBLIC_IP = "azure-native:network:PublicIPAddress"

SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000"
GW1_ID = f"{SUBSCRIPTION}/resourceGroups/TestPolicyRG1/providers/Microsoft.Network/virtualNetworkGateways/VNet1GW"
GW2_ID = f"{SUBSCRIPTION}/resourceGroups/TestPolicyRG2/providers/Microsoft.Network/virtualNetworkGateways/VNet2GW"
LNG6_ID = f"{SUBSCRIPTION}/resourceGroups/TestPolicyRG1/providers/Microsoft.Network/localNetworkGateways/Site6"


def policy(**overrides: object) -> dict[str, Any]:
    """One ``ipsecPolicies`` entry: the recommended policy, with camelCase overrides."""
    return {**RECOMMENDED_POLICY.to_arm(), **overrides}


SEED_S2S = SEED_S2S_POLICY.to_arm()


def connection(**overrides: object) -> dict[str, Any]:
    """The seed's VNet1toSite6 S2S connection with the recommended policy."""
    props: dict[str, Any] = {
        "resourceGroupName": "TestPolicyRG1",
        "location": "eastus",
        "virtualNetworkGatewayConnectionName": "VNet1toSite6",
        "connectionType": "IPsec",
        "virtualNetworkGateway1": {"id": GW1_ID},
        "localNetworkGateway2": {"id": LNG6_ID},
        "ipsecPolicies": [policy()],
        "sharedKey": SHARED_KEY,
        "usePolicyBasedTrafficSelectors": False,
        "dpdTimeoutSeconds": 45,
        "connectionProtocol": "IKEv2",
        "connectionMode": "Default",
    }
    props.update(overrides)
    return {key: value for key, value in props.items() if value is not None}


def vnet2vnet(local_id: str, remote_id: str, **overrides: object) -> dict[str, Any]:
    return connection(connectionType="Vnet2Vnet", localNetworkGateway2=None,
                      virtualNetworkGateway1={"id": local_id}, virtualNetworkGateway2={"id": remote_id},
                      **overrides)


def gateway(**overrides: object) -> dict[str, Any]:
    props: dict[str, Any] = {
        "resourceGroupName": "TestPolicyRG1",
        "location": "eastus",
        "virtualNetworkGatewayName": "VNet1GW",
        "gatewayType": "Vpn",
        "vpnType": "RouteBased",
        "vpnGatewayGeneration": "Generation1",
        "sku": {"name": "VpnGw1AZ", "tier": "VpnGw1AZ"},
        "ipConfigurations": [{"name": "gwipconf1", "privateIPAllocationMethod": "Dynamic"}],
    }
    props.update(overrides)
    return props


def public_ip(**overrides: object) -> dict[str, Any]:
    props: dict[str, Any] = {
        "resourceGroupName": "TestPolicyRG1",
        "location": "eastus",
        "sku": {"name": "Standard", "tier": "Regional"},
        "publicIPAllocationMethod": "Static",
        "zones": ["1", "2", "3"],
    }
    props.update(overrides)
    return props
