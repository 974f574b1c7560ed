"""Facts about VPN gateway and public IP SKUs that the rules need, as data.

Sources: Azure "About VPN Gateway SKUs" (tunnel counts; AZ SKUs), "VPN Gateway legacy SKUs"
(Standard/HighPerformance migration in 2026), the non-AZ VpnGw1-5 retirement (no new ones
since 2025-01-01), and the Basic public IP retirement (2025-09-30).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pulumi_azure_native import network


@dataclass(frozen=True, slots=True)
class GatewaySku:
    name: str
    max_s2s_tunnels: int
    supports_custom_policy: bool
    replacement: str | None
    """The SKU to use instead, for a legacy or retired SKU; ``None`` when current."""
    retired_because: str | None = None


# S2S/VNet-to-VNet tunnel limits: Basic 10; VpnGw1-3(AZ) 30; VpnGw4-5(AZ) 100.
_VPN_SKUS: Final = (
    GatewaySku("Basic", 10, False, "VpnGw1AZ",
               "Basic does not support custom IPsec/IKE policies, IKEv2 with BGP, or zone redundancy"),
    GatewaySku("Standard", 10, True, "VpnGw1AZ",
               "a legacy SKU that Azure migrates during 2026"),
    GatewaySku("HighPerformance", 30, True, "VpnGw2AZ",
               "a legacy SKU that Azure migrates during 2026"),
    *(GatewaySku(f"VpnGw{n}", 30 if n <= 3 else 100, True, f"VpnGw{n}AZ",
                 "non-AZ VpnGw SKUs cannot be created since 2025-01-01") for n in range(1, 6)),
    *(GatewaySku(f"VpnGw{n}AZ", 30 if n <= 3 else 100, True, None) for n in range(1, 6)),
)
GATEWAY_SKUS: Final[dict[str, GatewaySku]] = {sku.name: sku for sku in _VPN_SKUS}

#: Values of the SDK enum that are not VPN gateway SKUs at all (ExpressRoute, UltraPerformance).
NON_VPN_SKUS: Final = frozenset(
    str(m.value) for m in network.VirtualNetworkGatewaySkuName if str(m.value) not in GATEWAY_SKUS)
CURRENT_SKUS: Final = tuple(sku.name for sku in _VPN_SKUS if sku.replacement is None)

# Gateway generations per SKU (Azure "About VPN Gateway SKUs"): VpnGw1(AZ) exists only as
# Generation1, VpnGw4/5(AZ) only as Generation2, VpnGw2/3(AZ) as both. A gateway resizes
# within its generation only; moving to the other one means a new gateway.
GENERATIONS: Final[dict[str, tuple[str, ...]]] = {
    "Basic": ("Generation1",),
    "Standard": ("Generation1",),
    "HighPerformance": ("Generation1",),
    **{f"VpnGw{n}{az}": (("Generation1",) if n == 1 else ("Generation2",) if n >= 4
                         else ("Generation1", "Generation2")) for n in range(1, 6) for az in ("", "AZ")},
}


def default_generation(sku: str) -> str:
    """Generation2 where the SKU offers it (it is faster), else Generation1."""
    return GENERATIONS.get(sku, ("Generation2",))[-1]
DEFAULT_SKU: Final = "VpnGw1AZ"

PUBLIC_IP_SKU: Final = str(network.PublicIPAddressSkuName.STANDARD.value)
PUBLIC_IP_ALLOCATION: Final = str(network.IPAllocationMethod.STATIC.value)
