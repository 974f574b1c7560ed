"""The benchmark topology written with this project's components, as a user would write it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

import pulumi

from bench.aliases import without_api_version_aliases
from bench.topology import LOCATION, Topology
from components import (
    ConnectionSettings,
    IpsecPolicy,
    VNetPair,
    VNetPairArgs,
    VpnGateway,
    VpnGatewayArgs,
    VpnSite,
    VpnSiteArgs,
)


def _key(value: str | None) -> pulumi.Output[str] | None:
    # An explicit key arrives as a secret, as from `pulumi config set --secret` (issue 8, part 3).
    return pulumi.Output.secret(value) if value is not None else None


def program(topology: Topology, *, without_version_aliases: bool = False) -> Callable[[], None]:
    """A Pulumi program (for ``azvpn.engine.run_program``) that builds ``topology``.

    ``without_version_aliases`` registers ``bench.aliases.without_api_version_aliases`` as a
    stack transformation: what a user can do today, and what the proposed component change does.
    """

    def build() -> None:
        if without_version_aliases:
            pulumi.runtime.register_stack_transformation(without_api_version_aliases)
        # Policies are built once and shared, as with the presets: validated once each.
        policies = {name: IpsecPolicy(**asdict(spec)) for name, spec in topology.policies.items()}
        gateways = {
            spec.name: VpnGateway(spec.name, VpnGatewayArgs(
                address_space=list(spec.address_space), subnets={"GatewaySubnet": spec.gateway_subnet},
                sku=spec.sku, location=LOCATION))
            for spec in topology.gateways}
        for site in topology.sites:
            VpnSite(site.name, VpnSiteArgs(
                gateway=gateways[site.gateway], address_prefixes=list(site.address_prefixes),
                gateway_ip_address=site.gateway_ip_address,
                settings=ConnectionSettings(ipsec_policy=policies[site.policy], shared_key=_key(site.shared_key),
                                            dpd_timeout_seconds=site.dpd_timeout_seconds)))
        for pair in topology.pairs:
            VNetPair(pair.name, VNetPairArgs(
                left=gateways[pair.left], right=gateways[pair.right],
                settings=ConnectionSettings(ipsec_policy=policies[pair.policy], shared_key=_key(pair.shared_key))))

    return build

