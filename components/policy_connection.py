"""``PolicyConnection``: one Azure VPN connection (IPsec or Vnet2Vnet) with an optional custom
IPsec/IKE policy (seed, Part 3 step 2 and Part 4 step 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
from pulumi_azure_native import network

from components import resource_types
from components.fields import FieldNamer, as_argument
from components.ipsec_policy import IpsecPolicy
from components.rules import network_rules as rules
from components.rules.problems import Problem, TopologyError, errors, warnings
from components.version_aliases import lean
from components.vpn_gateway import GatewayFacts, VpnGateway


@dataclass(frozen=True, kw_only=True)
class ConnectionSettings:
    """The per-connection knobs that are the same for S2S and VNet-to-VNet."""

    ipsec_policy: IpsecPolicy | None = None
    """(Optional) The custom IPsec/IKE policy. ``None`` means Azure's default proposals: that is
    how a policy is removed (seed, Part 5 step 3)."""
    shared_key: pulumi.Input[str] | None = field(default=None, repr=False)
    """(Optional) Pre-shared key, always handled as a Pulumi secret. Generated when omitted."""
    use_policy_based_traffic_selectors: bool = False
    """(Optional) One selector per (on-premises prefix, VNet prefix) pair for policy-based devices."""
    dpd_timeout_seconds: int = rules.DPD_TIMEOUT_DEFAULT
    """(Optional) Dead peer detection timeout, 9-3600 s. Defaults to 45."""
    connection_protocol: str = "IKEv2"
    """(Optional) ``IKEv2`` or ``IKEv1``. Cannot change after creation. Defaults to IKEv2."""
    connection_mode: str = "Default"
    """(Optional) ``Default``, ``ResponderOnly`` or ``InitiatorOnly``. Defaults to Default."""
    enable_bgp: bool = False
    """(Optional) Exchange routes with BGP over this connection. Defaults to False."""
    ingress_nat_rule_ids: Sequence[pulumi.Input[str]] = ()
    """(Optional) IDs of the gateway's ingress NAT rules for this connection."""
    egress_nat_rule_ids: Sequence[pulumi.Input[str]] = ()
    """(Optional) IDs of the gateway's egress NAT rules for this connection."""

    def with_shared_key(self, key: pulumi.Input[str]) -> ConnectionSettings:
        return replace(self, shared_key=key)


def settings_problems(settings: ConnectionSettings, name: FieldNamer = as_argument) -> list[Problem]:
    """Rules on the connection's own settings (the policy was checked when it was made)."""
    problems = rules.dpd_timeout_range(name("dpd_timeout_seconds"), settings.dpd_timeout_seconds)
    problems += rules.connection_protocol_allowed(name("connection_protocol"), settings.connection_protocol)
    problems += rules.connection_mode_allowed(name("connection_mode"), settings.connection_mode)
    nat_rules = len(settings.ingress_nat_rule_ids) + len(settings.egress_nat_rule_ids)
    problems += rules.nat_rules_without_policy_based_selectors(
        name("use_policy_based_traffic_selectors"), nat_rules, settings.use_policy_based_traffic_selectors)
    problems += rules.policy_based_selectors_need_policy(
        name("ipsec_policy"), settings.use_policy_based_traffic_selectors, settings.ipsec_policy is not None)
    if isinstance(settings.shared_key, str):
        problems += rules.shared_key_format(name("shared_key"), settings.shared_key)
    return problems


def link_problems(gateway: GatewayFacts, peer_space: Sequence[str], settings: ConnectionSettings,
                  name: FieldNamer = as_argument, peer_field: str = "peer_address_space") -> list[Problem]:
    """Rules that join the connection to its gateway and its peer."""
    problems: list[Problem] = []
    if settings.ipsec_policy is not None:
        problems += rules.policy_on_capable_gateway(name("ipsec_policy"), gateway.sku, gateway.vpn_type)
    local, _ = rules.parse_prefixes("", list(gateway.address_space))
    remote, found = rules.parse_prefixes(name(peer_field), list(peer_space))
    problems += found
    problems += rules.address_spaces_disjoint(f"gateway {gateway.name!r} address space", local,
                                              name(peer_field), remote)
    return problems


def connection_problems(name: str, gateway: GatewayFacts, connections_before: int, connection_type: str,
                        peer_space: Sequence[str], settings: ConnectionSettings, field: FieldNamer = as_argument,
                        peer_field: str = "peer_address_space", key_generated: bool = False) -> list[Problem]:
    """Every rule a connection must pass before anything is registered, the gateway's free
    tunnel count included (``connections_before`` already on it). Used by ``PolicyConnection``,
    the components that create one, and the stack config check."""
    problems = rules.connection_type_allowed(field("connection_type"), connection_type)
    problems += settings_problems(settings, field)
    problems += link_problems(gateway, peer_space, settings, field, peer_field)
    if not key_generated:
        problems += rules.shared_key_present(field("shared_key"), connection_type, settings.shared_key is not None)
    problems += rules.tunnel_limit(f"{name} (connection {connections_before + 1} on gateway {gateway.name!r})",
                                   gateway.sku, connections_before + 1)
    return problems


@dataclass(frozen=True, kw_only=True)
class PolicyConnectionArgs:
    """Inputs of a ``PolicyConnection``."""

    gateway: VpnGateway
    """(Required) The Azure gateway this connection belongs to (``virtualNetworkGateway1``)."""
    connection_type: str
    """(Required) ``IPsec`` (to a local network gateway) or ``Vnet2Vnet`` (to another gateway)."""
    peer_id: pulumi.Input[str]
    """(Required) ID of the local network gateway (IPsec) or the peer VPN gateway (Vnet2Vnet)."""
    peer_address_space: Sequence[str]
    """(Required) The peer's prefixes: checked for overlap and used for policy-based selectors."""
    settings: ConnectionSettings
    """(Required) Policy, key and protocol settings."""
    connection_name: str | None = None
    """(Optional) Azure name of the connection, e.g. ``VNet1toSite6``. Defaults to the component name."""
    tags: dict[str, str] | None = None
    """(Optional) Tags of the connection."""


class PolicyConnection(pulumi.ComponentResource):
    """One ``VirtualNetworkGatewayConnection`` carrying an optional custom IPsec/IKE policy.

    The shared key is a secret in and out. Strength findings of the policy (RFC 8247/8221)
    are Pulumi warnings on this component.
    """

    connection_id: pulumi.Output[str]
    connection_name: pulumi.Output[str]
    shared_key: pulumi.Output[str]
    effective_policy: pulumi.Output[dict[str, Any] | None]
    traffic_selector_pairs: list[tuple[str, str]]

    def __init__(self, name: str, args: PolicyConnectionArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        settings = args.settings
        problems = connection_problems(name, args.gateway.facts, args.gateway.connection_count, args.connection_type,
                                       args.peer_address_space, settings)
        if errors(problems):
            raise TopologyError(errors(problems), subject=f"PolicyConnection {name!r}")
        args.gateway.reserve_tunnel(name)
        self.azure_name = args.connection_name or name
        super().__init__(resource_types.CONNECTION_COMPONENT, name, None, lean(opts))
        for problem in warnings(problems):
            pulumi.log.warn(f"PolicyConnection {name!r}: {problem.message()}", resource=self)
        policy = settings.ipsec_policy
        if policy is not None:
            for finding in policy.assess():
                pulumi.log.warn(f"PolicyConnection {name!r}: ipsec_policy.{finding.message()}", resource=self)

        self.traffic_selector_pairs = (
            rules.policy_based_selector_pairs(list(args.peer_address_space), list(args.gateway.facts.address_space))
            if settings.use_policy_based_traffic_selectors else [])
        assert settings.shared_key is not None
        self.shared_key = pulumi.Output.secret(settings.shared_key)
        gateway = args.gateway
        connection = network.VirtualNetworkGatewayConnection(
            f"{name}-connection",
            network.VirtualNetworkGatewayConnectionArgs(
                resource_group_name=gateway.resource_group_name,
                location=gateway.location,
                virtual_network_gateway_connection_name=self.azure_name,
                connection_type=args.connection_type,
                virtual_network_gateway1=network.VirtualNetworkGatewayArgs(id=gateway.gateway_id),
                virtual_network_gateway2=network.VirtualNetworkGatewayArgs(id=args.peer_id)
                if args.connection_type == "Vnet2Vnet" else None,
                local_network_gateway2=network.LocalNetworkGatewayArgs(id=args.peer_id)
                if args.connection_type == "IPsec" else None,
                # An empty list, not None: it is how a policy is removed (seed, Part 5 step 3).
                ipsec_policies=[policy.to_args()] if policy is not None else [],
                shared_key=self.shared_key,
                use_policy_based_traffic_selectors=settings.use_policy_based_traffic_selectors,
                dpd_timeout_seconds=settings.dpd_timeout_seconds,
                connection_protocol=settings.connection_protocol,
                connection_mode=settings.connection_mode,
                enable_bgp=settings.enable_bgp,
                ingress_nat_rules=[network.SubResourceArgs(id=i) for i in settings.ingress_nat_rule_ids] or None,
                egress_nat_rules=[network.SubResourceArgs(id=i) for i in settings.egress_nat_rule_ids] or None,
                tags=args.tags,
            ),
            # azure-native does not mark sharedKey secret (REFERENCE, "Shared key"): make sure
            # the engine never stores or prints it in plain text.
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["sharedKey"]),
        )
        self.connection_id = connection.id
        self.connection_name = connection.name
        self.policy = policy
        self.effective_policy = pulumi.Output.from_input(policy.to_show() if policy else None)
        self.register_outputs({
            "connectionId": self.connection_id,
            "connectionName": self.connection_name,
            "effectivePolicy": self.effective_policy,
            "trafficSelectorPairs": [list(pair) for pair in self.traffic_selector_pairs],
            "sharedKey": self.shared_key,
        })
