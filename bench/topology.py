"""The benchmark topology as plain data: one hub gateway with N on-premises sites, and a few
regional gateways meshed by VNet-to-VNet pairs.

Plain data on purpose: the raw azure-native program must be measurable without importing
``components`` (its import time is part of what is compared), so both programs read this.

Why the pairs do not touch the hub: every connection counts against the gateway's tunnel
limit, pair connections included (REFERENCE: VpnGw4-5(AZ) 100 tunnels), so a hub with 100
sites has no tunnel left for a pair. The pairs mesh three regional gateways instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """The eight values of ``New-AzIpsecPolicy`` (``IpsecPolicy`` field names)."""

    ike_encryption: str
    ike_integrity: str
    dh_group: str
    ipsec_encryption: str
    ipsec_integrity: str
    pfs_group: str
    sa_lifetime_seconds: int
    sa_data_size_kilobytes: int


#: The seed presets (``components.presets``), as plain values. ``tests/bench`` checks that
#: they equal ``PRESETS[name].to_dict()``, so this copy cannot drift from the library.
POLICIES: Final[Mapping[str, PolicySpec]] = MappingProxyType({
    "seed-s2s": PolicySpec("AES256", "SHA384", "DHGroup24", "AES256", "SHA256", "None", 14400, 102400000),
    "seed-s2s-updated": PolicySpec("AES128", "SHA1", "DHGroup14", "AES256", "SHA256", "None", 14400, 102400000),
    "seed-vnet2vnet": PolicySpec("AES128", "SHA1", "DHGroup14", "GCMAES128", "GCMAES128", "PFS14", 14400, 102400000),
    "recommended": PolicySpec("GCMAES256", "SHA384", "ECP384", "GCMAES256", "GCMAES256", "ECP384", 27000, 102400000),
})

#: Sites cycle through these, so a plan carries several distinct policies as real hubs do.
SITE_POLICIES: Final = ("seed-s2s", "seed-s2s-updated", "recommended")
PAIR_POLICY: Final = "seed-vnet2vnet"

#: The smallest current SKU with 100 S2S tunnels (REFERENCE, "Tunnels per SKU"): the hub
#: keeps one SKU for every N, so only the number of sites changes between sizes.
HUB_SKU: Final = "VpnGw4AZ"
REGIONAL_SKU: Final = "VpnGw1AZ"
LOCATION: Final = "eastus2"
MAX_SITES: Final = 100
DPD_TIMEOUT_DEFAULT: Final = 45


@dataclass(frozen=True, slots=True)
class GatewaySpec:
    name: str
    sku: str
    address_space: tuple[str, ...]
    gateway_subnet: str


@dataclass(frozen=True, slots=True)
class SiteSpec:
    name: str
    gateway: str
    address_prefixes: tuple[str, ...]
    gateway_ip_address: str
    policy: str
    shared_key: str | None = None
    """``None``: generated (pulumi_random), as a user who sets no key gets."""
    dpd_timeout_seconds: int = DPD_TIMEOUT_DEFAULT


@dataclass(frozen=True, slots=True)
class PairSpec:
    name: str
    left: str
    right: str
    policy: str
    shared_key: str | None = None


@dataclass(frozen=True, slots=True)
class Topology:
    gateways: tuple[GatewaySpec, ...]
    sites: tuple[SiteSpec, ...]
    pairs: tuple[PairSpec, ...]
    policies: Mapping[str, PolicySpec] = field(default_factory=lambda: POLICIES)

    @property
    def hub(self) -> GatewaySpec:
        return self.gateways[0]

    def site(self, name: str) -> SiteSpec:
        for site in self.sites:
            if site.name == name:
                return site
        raise KeyError(name)

    def with_site(self, name: str, *, policy: str | None = None, shared_key: str | None = None,
                  dpd_timeout_seconds: int | None = None) -> Topology:
        """The same topology with one site's policy, key or DPD timeout changed."""
        old = self.site(name)  # a typo must fail, not silently change nothing
        new = replace(old, policy=policy or old.policy, shared_key=shared_key or old.shared_key,
                      dpd_timeout_seconds=dpd_timeout_seconds or old.dpd_timeout_seconds)
        return replace(self, sites=tuple(new if s.name == name else s for s in self.sites))


def site_key(index: int) -> str:
    """An explicit pre-shared key for site ``index`` (ASCII letters and digits, 1-128 chars)."""
    return f"benchKey{index:03d}v1"


def hub_topology(sites: int, *, regional_gateways: int = 3, explicit_keys: bool = False) -> Topology:
    """One hub (``Hub``) with ``sites`` sites, plus ``regional_gateways`` gateways meshed by
    one VNet pair per two of them (3 gateways -> 3 pairs, 6 pair connections).

    ``explicit_keys`` gives every site and pair its own key instead of a generated one.
    """
    if not 0 < sites <= MAX_SITES:
        raise ValueError(f"sites must be 1-{MAX_SITES} (the hub's tunnel limit), got {sites}")
    hub = GatewaySpec("Hub", HUB_SKU, ("10.0.0.0/16",), "10.0.255.0/27")
    regions = tuple(GatewaySpec(f"Region{i}", REGIONAL_SKU, (f"10.{i}.0.0/16",), f"10.{i}.255.0/27")
                    for i in range(1, regional_gateways + 1))
    site_specs = tuple(
        SiteSpec(
            name=f"Site{i:03d}", gateway=hub.name,
            # 172.16.0.0/12 is disjoint from every gateway's 10.x space (the overlap rule).
            address_prefixes=(f"172.16.{i}.0/24",),
            # 131.107.0.0/16 is the seed's on-premises range: public, so no warning per site.
            gateway_ip_address=f"131.107.{i // 200}.{i % 200 + 1}",
            policy=SITE_POLICIES[i % len(SITE_POLICIES)],
            shared_key=site_key(i) if explicit_keys else None)
        for i in range(sites))
    pairs = tuple(
        PairSpec(f"{left.name}-{right.name}", left.name, right.name, PAIR_POLICY,
                 shared_key=f"benchPairKey{n:02d}v1" if explicit_keys else None)
        for n, (left, right) in enumerate(
            (a, b) for i, a in enumerate(regions) for b in regions[i + 1:]))
    return Topology(gateways=(hub, *regions), sites=site_specs, pairs=pairs)


def one_site_changes(topology: Topology, site: str) -> dict[str, Topology]:
    """The three edits of issue 8 part 3, each on ``site`` alone, each a real change:
    another policy, a rotated shared key, another DPD timeout."""
    current = topology.site(site)
    if current.shared_key is None:
        raise ValueError("give the sites explicit keys (hub_topology(explicit_keys=True)): a generated "
                         "key is unknown during preview, so its rotation could not show")
    other_policy = next(p for p in SITE_POLICIES if p != current.policy)
    return {
        f"policy {current.policy} -> {other_policy}": topology.with_site(site, policy=other_policy),
        "shared key rotated": topology.with_site(site, shared_key=current.shared_key.replace("v1", "v2")),
        f"DPD timeout {current.dpd_timeout_seconds} s -> 30 s": topology.with_site(site, dpd_timeout_seconds=30),
    }
