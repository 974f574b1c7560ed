"""azure-ipsec-vpn: validated Pulumi components for Azure VPN connections with custom IPsec/IKE policies."""

from components import dh_groups
from components.ipsec_policy import IpsecPolicy, PolicyError
from components.presets import (
    PRESETS,
    RECOMMENDED_POLICY,
    SEED_S2S_POLICY,
    SEED_UPDATED_S2S_POLICY,
    SEED_VNET2VNET_POLICY,
)
from components.rules.strength import StrengthFinding

__all__ = [
    "PRESETS",
    "RECOMMENDED_POLICY",
    "SEED_S2S_POLICY",
    "SEED_UPDATED_S2S_POLICY",
    "SEED_VNET2VNET_POLICY",
    "IpsecPolicy",
    "PolicyError",
    "StrengthFinding",
    "dh_groups",
]
