"""Pulumi type tokens of what the components register, named once for every reader
(the offline plan, the diff, the policy pack and the tests)."""

from __future__ import annotations

from typing import Final

RESOURCE_GROUP: Final = "azure-native:resources:ResourceGroup"
VIRTUAL_NETWORK: Final = "azure-native:network:VirtualNetwork"
PUBLIC_IP: Final = "azure-native:network:PublicIPAddress"
VPN_GATEWAY: Final = "azure-native:network:VirtualNetworkGateway"
LOCAL_NETWORK_GATEWAY: Final = "azure-native:network:LocalNetworkGateway"
CONNECTION: Final = "azure-native:network:VirtualNetworkGatewayConnection"
RANDOM_PASSWORD: Final = "random:index/randomPassword:RandomPassword"

GATEWAY_COMPONENT: Final = "azure-ipsec-vpn:index:VpnGateway"
SITE_COMPONENT: Final = "azure-ipsec-vpn:index:VpnSite"
PAIR_COMPONENT: Final = "azure-ipsec-vpn:index:VNetPair"
CONNECTION_COMPONENT: Final = "azure-ipsec-vpn:index:PolicyConnection"
