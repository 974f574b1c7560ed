"""azure-ipsec-vpn: validated Pulumi components for Azure VPN connections with custom IPsec/IKE policies."""

from components import dh_groups
from components.ipsec_policy import IpsecPolicy, PolicyError
from components.policy_connection import ConnectionSettings, PolicyConnection, PolicyConnectionArgs
from components.presets import (
    PRESETS,
    RECOMMENDED_POLICY,
    SEED_S2S_POLICY,
    SEED_UPDATED_S2S_POLICY,
    SEED_VNET2VNET_POLICY,
)
from components.rules.problems import Problem, RuleViolation, TopologyError
from components.rules.strength import StrengthFinding
from components.vnet_pair import VNetPair, VNetPairArgs
from components.vpn_gateway import ExistingGatewayArgs, VpnGateway, VpnGatewayArgs
from components.vpn_site import VpnSite, VpnSiteArgs

__all__ = [
    "PRESETS",
    "RECOMMENDED_POLICY",
    "SEED_S2S_POLICY",
    "SEED_UPDATED_S2S_POLICY",
    "SEED_VNET2VNET_POLICY",
    "ConnectionSettings",
    "ExistingGatewayArgs",
    "IpsecPolicy",
    "PolicyConnection",
    "PolicyConnectionArgs",
    "PolicyError",
    "Problem",
    "RuleViolation",
    "StrengthFinding",
    "TopologyError",
    "VNetPair",
    "VNetPairArgs",
    "VpnGateway",
    "VpnGatewayArgs",
    "VpnSite",
    "VpnSiteArgs",
    "dh_groups",
]
