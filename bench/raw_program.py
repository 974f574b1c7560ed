"""The benchmark topology hand-written with azure-native typed Args: what a user without this
project would write to get the same resources with the same inputs.

It imports nothing from ``components`` (so its import time is the SDK's alone) and does no
validation. Logical names, Azure names, option values (timeouts, secret outputs) and input
values copy what the components register; ``bench.equivalence`` checks that they match.

``parented=True`` adds empty component resources with the components' types and names as
parents, so the URNs equal the components' too. It isolates what the parent/child structure
costs inside the SDK from what the library's own code costs (validation, outputs, warnings).
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_random as random
from pulumi_azure_native import network, resources

from bench.topology import LOCATION, GatewaySpec, PolicySpec, Topology

# Same as components.vpn_gateway.GATEWAY_TIMEOUTS: Azure needs 45+ minutes for a gateway.
_GATEWAY_TIMEOUTS = pulumi.CustomTimeouts(create="90m", update="90m", delete="60m")
_NO_TAGS: dict[str, str] = {}


class _Parent(pulumi.ComponentResource):
    """An empty component: only the structure (type, name, parent) of a library component."""

    def __init__(self, kind: str, name: str, parent: _Parent | None = None) -> None:
        super().__init__(f"azure-ipsec-vpn:index:{kind}", name, None, pulumi.ResourceOptions(parent=parent))

    def done(self) -> _Parent:
        self.register_outputs({})
        return self


def _under(parent: _Parent | None, **options: object) -> pulumi.ResourceOptions:
    return pulumi.ResourceOptions(parent=parent, **options)  # type: ignore[arg-type]


class _Gateway:
    """What a connection needs from a hand-built gateway."""

    def __init__(self, spec: GatewaySpec, parented: bool) -> None:
        name = spec.name
        parent = _Parent("VpnGateway", name) if parented else None
        group = resources.ResourceGroup(f"{name}-rg", resources.ResourceGroupArgs(
            resource_group_name=f"{name}-rg", location=LOCATION, tags=_NO_TAGS), opts=_under(parent))
        vnet = network.VirtualNetwork(f"{name}-vnet", network.VirtualNetworkInitArgs(
            resource_group_name=group.name, location=group.location, virtual_network_name=f"{name}-vnet",
            address_space=network.AddressSpaceArgs(address_prefixes=list(spec.address_space)),
            subnets=[network.SubnetArgs(name="GatewaySubnet", address_prefix=spec.gateway_subnet)],
            tags=_NO_TAGS), opts=_under(parent))
        public_ip = network.PublicIPAddress(f"{name}-ip", network.PublicIPAddressInitArgs(
            resource_group_name=group.name, location=group.location, public_ip_address_name=f"{name}-ip",
            sku=network.PublicIPAddressSkuArgs(name="Standard", tier="Regional"),
            public_ip_allocation_method="Static", zones=["1", "2", "3"], tags=_NO_TAGS), opts=_under(parent))
        gateway = network.VirtualNetworkGateway(f"{name}-gateway", network.VirtualNetworkGatewayInitArgs(
            resource_group_name=group.name, location=group.location, virtual_network_gateway_name=name,
            gateway_type="Vpn", vpn_type="RouteBased",
            vpn_gateway_generation="Generation1" if spec.sku == "VpnGw1AZ" else "Generation2",
            sku=network.VirtualNetworkGatewaySkuArgs(name=spec.sku, tier=spec.sku),
            active_active=False, enable_bgp=False,
            ip_configurations=[network.VirtualNetworkGatewayIPConfigurationArgs(
                name="default", private_ip_allocation_method="Dynamic",
                subnet=network.SubResourceArgs(id=pulumi.Output.concat(vnet.id, "/subnets/GatewaySubnet")),
                public_ip_address=network.SubResourceArgs(id=public_ip.id))],
            tags=_NO_TAGS), opts=_under(parent, custom_timeouts=_GATEWAY_TIMEOUTS))
        if parent is not None:
            parent.done()
        self.name = name
        self.group = group
        self.id = gateway.id


def _policy(spec: PolicySpec) -> network.IpsecPolicyArgs:
    return network.IpsecPolicyArgs(
        ike_encryption=spec.ike_encryption, ike_integrity=spec.ike_integrity, dh_group=spec.dh_group,
        ipsec_encryption=spec.ipsec_encryption, ipsec_integrity=spec.ipsec_integrity, pfs_group=spec.pfs_group,
        sa_life_time_seconds=spec.sa_lifetime_seconds, sa_data_size_kilobytes=spec.sa_data_size_kilobytes)


def _shared_key(name: str, explicit: str | None, parent: _Parent | None) -> pulumi.Output[str]:
    if explicit is not None:
        return pulumi.Output.secret(explicit)
    password = random.RandomPassword(name, random.RandomPasswordArgs(length=32, special=False), opts=_under(parent))
    return pulumi.Output.secret(password.result)


def _connection(name: str, azure_name: str, gateway: _Gateway, parent: _Parent | None, *, connection_type: str,
                peer: network.VirtualNetworkGatewayArgs | network.LocalNetworkGatewayArgs,
                policy: network.IpsecPolicyArgs, shared_key: pulumi.Output[str], dpd_timeout_seconds: int,
                tags: dict[str, str] | None) -> None:
    network.VirtualNetworkGatewayConnection(name, network.VirtualNetworkGatewayConnectionArgs(
        resource_group_name=gateway.group.name, location=gateway.group.location,
        virtual_network_gateway_connection_name=azure_name, connection_type=connection_type,
        virtual_network_gateway1=network.VirtualNetworkGatewayArgs(id=gateway.id),
        virtual_network_gateway2=peer if isinstance(peer, network.VirtualNetworkGatewayArgs) else None,
        local_network_gateway2=peer if isinstance(peer, network.LocalNetworkGatewayArgs) else None,
        ipsec_policies=[policy], shared_key=shared_key, use_policy_based_traffic_selectors=False,
        dpd_timeout_seconds=dpd_timeout_seconds, connection_protocol="IKEv2", connection_mode="Default",
        enable_bgp=False, tags=tags),
        # azure-native does not mark sharedKey secret in outputs.
        opts=_under(parent, additional_secret_outputs=["sharedKey"]))


def program(topology: Topology, *, parented: bool = False, without_version_aliases: bool = False) -> Callable[[], None]:
    """A Pulumi program (for ``azvpn.engine.run_program``) that builds ``topology`` by hand.

    ``without_version_aliases``: see ``bench.aliases`` (the like-for-like baseline for it).
    """

    def parent(kind: str, name: str, under: _Parent | None = None) -> _Parent | None:
        return _Parent(kind, name, under) if parented else None

    def done(*parents: _Parent | None) -> None:
        for p in parents:
            if p is not None:
                p.done()

    def build() -> None:
        if without_version_aliases:
            # Imported here: the filter may live in components, and the plain raw program must
            # not import components (its import time is part of the comparison).
            from bench.aliases import without_api_version_aliases
            pulumi.runtime.register_stack_transformation(without_api_version_aliases)
        policies = {name: _policy(spec) for name, spec in topology.policies.items()}
        gateways = {spec.name: _Gateway(spec, parented) for spec in topology.gateways}
        for site in topology.sites:
            hub = gateways[site.gateway]
            site_parent = parent("VpnSite", site.name)
            local = network.LocalNetworkGateway(f"{site.name}-lng", network.LocalNetworkGatewayInitArgs(
                resource_group_name=hub.group.name, location=hub.group.location,
                local_network_gateway_name=site.name, gateway_ip_address=site.gateway_ip_address,
                local_network_address_space=network.AddressSpaceArgs(address_prefixes=list(site.address_prefixes)),
                tags=_NO_TAGS), opts=_under(site_parent))
            key = _shared_key(f"{site.name}-shared-key", site.shared_key, site_parent)
            connection_parent = parent("PolicyConnection", f"{site.name}-connection", site_parent)
            _connection(f"{site.name}-connection-connection", f"{hub.name}to{site.name}", hub, connection_parent,
                        connection_type="IPsec", peer=network.LocalNetworkGatewayArgs(id=local.id),
                        policy=policies[site.policy], shared_key=key,
                        dpd_timeout_seconds=site.dpd_timeout_seconds, tags=_NO_TAGS)
            done(connection_parent, site_parent)
        for pair in topology.pairs:
            pair_parent = parent("VNetPair", pair.name)
            key = _shared_key(f"{pair.name}-shared-key", pair.shared_key, pair_parent)
            for this, other in ((gateways[pair.left], gateways[pair.right]),
                                (gateways[pair.right], gateways[pair.left])):
                connection_parent = parent("PolicyConnection", f"{pair.name}-{this.name}-to-{other.name}", pair_parent)
                _connection(f"{pair.name}-{this.name}-to-{other.name}-connection", f"{this.name}to{other.name}",
                            this, connection_parent, connection_type="Vnet2Vnet",
                            peer=network.VirtualNetworkGatewayArgs(id=other.id), policy=policies[pair.policy],
                            shared_key=key, dpd_timeout_seconds=45, tags=_NO_TAGS)
                done(connection_parent)
            done(pair_parent)

    return build
