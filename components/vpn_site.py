"""``VpnSite``: an on-premises site — a local network gateway and the connection to it from a
``VpnGateway`` (seed, Part 3).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_random as random
from pulumi_azure_native import network

from components import resource_types
from components.device_config import VENDORS, DeviceConfigError, DeviceSite, render_device_config
from components.fields import FieldNamer, as_argument
from components.policy_connection import (
    ConnectionSettings,
    PolicyConnection,
    PolicyConnectionArgs,
    connection_problems,
)
from components.rules import network_rules as rules
from components.rules.problems import Problem, TopologyError, errors
from components.version_aliases import lean
from components.vpn_gateway import VpnGateway


def generated_shared_key(name: str, parent: pulumi.Resource) -> pulumi.Output[str]:
    """A pre-shared key from pulumi_random, kept in state as a secret.

    32 letters and digits: inside Azure's 1-128 printable ASCII, and free of characters that
    on-premises CLIs treat specially (quotes, ``?`` in IOS). Named after a stable key, so it
    is generated once and never changes unless asked.
    """
    password = random.RandomPassword(name, random.RandomPasswordArgs(length=32, special=False),
                                     opts=pulumi.ResourceOptions(parent=parent))
    return password.result


@dataclass(frozen=True, kw_only=True)
class VpnSiteArgs:
    """Inputs of a ``VpnSite``."""

    gateway: VpnGateway
    """(Required) The Azure VPN gateway that connects to this site."""
    address_prefixes: Sequence[str]
    """(Required) The on-premises prefixes reached through the tunnel."""
    gateway_ip_address: str | None = None
    """(Optional) The on-premises device's public IP. One of this or ``fqdn`` is required."""
    fqdn: str | None = None
    """(Optional) The on-premises device's DNS name, instead of an IP."""
    bgp_asn: int | None = None
    """(Optional) The on-premises BGP ASN; with ``bgp_peering_address`` enables BGP on the site."""
    bgp_peering_address: str | None = None
    """(Optional) The on-premises BGP peer address."""
    local_network_gateway_name: str | None = None
    """(Optional) Azure name of the local network gateway. Defaults to the component name."""
    connection_name: str | None = None
    """(Optional) Azure name of the connection. Defaults to ``<gateway>to<site>``."""
    settings: ConnectionSettings = field(default_factory=ConnectionSettings)
    """(Optional) Policy, shared key, selectors, DPD, protocol, mode, BGP of the connection."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """(Optional) Tags for the local network gateway and connection."""


def site_problems(args_address: str | None, fqdn: str | None, bgp_asn: int | None,
                  bgp_peering_address: str | None, name: FieldNamer = as_argument) -> list[Problem]:
    """Rules about the on-premises end itself (prefixes are checked with the link)."""
    problems: list[Problem] = []
    if (args_address is None) == (fqdn is None):
        problems.append(Problem("site.endpoint", name("gateway_ip_address"), args_address,
                                "exactly one of gateway_ip_address or fqdn",
                                "Azure reaches the on-premises device by one public IP or one FQDN."))
    if args_address is not None:
        try:
            address = ipaddress.ip_address(args_address)
            if not address.is_global:
                problems.append(Problem("site.public-ip", name("gateway_ip_address"), args_address,
                                        "a public (globally routable) IPv4 address",
                                        "Azure's gateway reaches the device over the internet; a private "
                                        "or reserved address is a typo or a device behind NAT "
                                        "(use its public NAT address).", severity="warning"))
        except ValueError:
            problems.append(Problem("site.public-ip", name("gateway_ip_address"), args_address,
                                    "an IPv4 address such as 131.107.72.22", "it does not parse as an IP address."))
    if (bgp_asn is None) != (bgp_peering_address is None):
        problems.append(Problem("site.bgp", name("bgp_asn"), bgp_asn,
                                "both bgp_asn and bgp_peering_address, or neither",
                                "Azure needs the on-premises ASN and peer address together to peer with BGP."))
    return problems


class VpnSite(pulumi.ComponentResource):
    """A local network gateway and the IPsec connection to it, with an optional custom policy."""

    local_network_gateway_id: pulumi.Output[str]
    connection: PolicyConnection
    device_configs: pulumi.Output[dict[str, str]]
    """Vendor -> on-premises device configuration for this tunnel (a secret: it holds the key)."""

    def __init__(self, name: str, args: VpnSiteArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        own = site_problems(args.gateway_ip_address, args.fqdn, args.bgp_asn, args.bgp_peering_address)
        own += rules.parse_prefixes("address_prefixes", list(args.address_prefixes))[1]
        problems = list(own)
        if not errors(problems):
            # The connection's rules too, so a bad policy or DPD registers no gateway either.
            problems += connection_problems(
                f"{name}-connection", args.gateway.facts, args.gateway.connection_count, "IPsec",
                args.address_prefixes, args.settings,
                peer_field="address_prefixes", key_generated=args.settings.shared_key is None)
        if errors(problems):
            raise TopologyError(errors(problems), subject=f"VpnSite {name!r}")
        super().__init__(resource_types.SITE_COMPONENT, name, None, lean(opts))
        for problem in own:  # the connection reports its own warnings
            pulumi.log.warn(f"VpnSite {name!r}: {problem.message()}", resource=self)
        gateway = args.gateway
        bgp = (network.BgpSettingsArgs(asn=args.bgp_asn, bgp_peering_address=args.bgp_peering_address)
               if args.bgp_asn is not None else None)
        local = network.LocalNetworkGateway(
            f"{name}-lng", network.LocalNetworkGatewayInitArgs(
                resource_group_name=gateway.resource_group_name, location=gateway.location,
                local_network_gateway_name=args.local_network_gateway_name or name,
                gateway_ip_address=args.gateway_ip_address, fqdn=args.fqdn,
                local_network_address_space=network.AddressSpaceArgs(address_prefixes=list(args.address_prefixes)),
                bgp_settings=bgp, tags=dict(args.tags)),
            opts=pulumi.ResourceOptions(parent=self))
        settings = args.settings
        if settings.shared_key is None:
            settings = settings.with_shared_key(generated_shared_key(f"{name}-shared-key", self))
        self.connection = PolicyConnection(
            f"{name}-connection", PolicyConnectionArgs(
                gateway=gateway, connection_type="IPsec", peer_id=local.id,
                peer_address_space=args.address_prefixes, settings=settings,
                connection_name=args.connection_name or f"{gateway.facts.name}to{name}",
                tags=dict(args.tags)),
            opts=pulumi.ResourceOptions(parent=self))
        self.local_network_gateway_id = local.id
        self.device_configs = pulumi.Output.secret(pulumi.Output.all(
            gateway.public_ip_address, self.connection.shared_key,
        ).apply(lambda known: device_configs(DeviceSite(
            name=name, policy=settings.ipsec_policy, azure_gateway_ip=str(known[0]),
            onprem_public_ip=args.gateway_ip_address or args.fqdn or "",
            onprem_prefixes=tuple(args.address_prefixes), azure_prefixes=gateway.facts.address_space,
            shared_key=str(known[1]),
            use_policy_based_traffic_selectors=settings.use_policy_based_traffic_selectors,
            dpd_timeout_seconds=settings.dpd_timeout_seconds, connection_protocol=settings.connection_protocol))))
        self.register_outputs({
            "localNetworkGatewayId": self.local_network_gateway_id,
            "connectionId": self.connection.connection_id,
            "effectivePolicy": self.connection.effective_policy,
            "deviceConfigs": self.device_configs,
        })


def device_configs(site: DeviceSite) -> dict[str, str]:
    """Every vendor's device config; a platform that cannot express the policy gets the reason.

    Runs inside an apply once the gateway's IP and the key are known: it must not raise, or a
    platform's gap (say, PAN-OS without DH group 24) would fail the whole deployment.
    """
    rendered: dict[str, str] = {}
    for vendor in VENDORS:
        try:
            rendered[vendor] = render_device_config(vendor, site)
        except DeviceConfigError as error:
            rendered[vendor] = "# not rendered: " + str(error).replace("\n", "\n# ")
    return rendered
