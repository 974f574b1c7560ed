"""``VpnGateway``: a virtual network with its GatewaySubnet, a Standard static public IP and a
route-based VPN gateway (seed, Part 3 step 1), or an existing gateway adopted by resource ID.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import network, resources

from components import resource_types, skus
from components.fields import FieldNamer, as_argument
from components.rules import network_rules as rules
from components.rules.problems import Problem, TopologyError, errors, warnings
from components.version_aliases import lean

#: Azure often needs 45 minutes or more to build a gateway; default client timeouts of
#: 30 minutes are a known failure (REFERENCE: "Gateway creation takes 30-45+ minutes").
GATEWAY_TIMEOUTS = pulumi.CustomTimeouts(create="90m", update="90m", delete="60m")

_GATEWAY_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[^/]+)/resourceGroups/(?P<group>[^/]+)"
    r"/providers/Microsoft\.Network/virtualNetworkGateways/(?P<name>[^/]+)$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class VpnGatewayArgs:
    """Inputs of a ``VpnGateway``. Names are Azure names; defaults derive from the component name."""

    address_space: Sequence[str]
    """(Required) The virtual network's prefixes, e.g. ``["10.11.0.0/16", "10.12.0.0/16"]``."""
    subnets: Mapping[str, str]
    """(Required) Subnet name -> prefix; must include ``GatewaySubnet`` (/27 or larger)."""
    location: pulumi.Input[str] | None = None
    """(Optional) Azure region. Defaults to the provider's ``azure-native:location``."""
    resource_group_name: pulumi.Input[str] | None = None
    """(Optional) Resource group name. Defaults to ``<name>-rg``."""
    create_resource_group: bool = True
    """(Optional) Create the resource group (True) or use an existing one (False). Defaults to True."""
    vnet_name: str | None = None
    """(Optional) Virtual network name. Defaults to ``<name>-vnet``."""
    gateway_name: str | None = None
    """(Optional) Gateway name. Defaults to the component name."""
    public_ip_name: str | None = None
    """(Optional) Public IP name. Defaults to ``<name>-ip``."""
    ip_configuration_name: str = "default"
    """(Optional) Name of the gateway's IP configuration. Defaults to ``default``."""
    sku: str = skus.DEFAULT_SKU
    """(Optional) Gateway SKU. Defaults to ``VpnGw1AZ``. Possible values: VpnGw1AZ-VpnGw5AZ."""
    generation: str | None = None
    """(Optional) ``Generation1`` or ``Generation2``. A gateway resizes only within its generation:
    VpnGw1AZ is Generation1 only, VpnGw4AZ/5AZ Generation2 only, VpnGw2AZ/3AZ either. Defaults
    to Generation2 where the SKU has it, else Generation1; set Generation1 on VpnGw2AZ/3AZ to
    keep a later downsize to VpnGw1AZ in place."""
    vpn_type: str = "RouteBased"
    """(Optional) ``RouteBased`` (needed for custom policies) or ``PolicyBased``. Defaults to RouteBased."""
    public_ip_sku: str = skus.PUBLIC_IP_SKU
    """(Optional) Public IP SKU; only ``Standard`` is accepted for new gateways."""
    public_ip_allocation: str = skus.PUBLIC_IP_ALLOCATION
    """(Optional) Public IP allocation; only ``Static`` is accepted (Standard IPs are static)."""
    zones: Sequence[str] = ("1", "2", "3")
    """(Optional) Availability zones of the public IP (AZ SKUs are zone-redundant). Defaults to 1, 2, 3."""
    enable_bgp: bool = False
    """(Optional) Enable BGP on the gateway. Defaults to False."""
    asn: int | None = None
    """(Optional) The gateway's BGP ASN when ``enable_bgp``. Defaults to Azure's 65515."""
    dns_servers: Sequence[str] = ()
    """(Optional) DNS servers of the virtual network (the seed's 8.8.8.8). Defaults to Azure DNS."""
    protect: bool = False
    """(Optional) Protect the gateway, public IP and virtual network from deletion. Defaults to False."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """(Optional) Tags for every resource."""


def gateway_problems(args: VpnGatewayArgs, name: FieldNamer = as_argument) -> list[Problem]:
    """Every rule about a gateway's own inputs (errors and warnings), without Pulumi."""
    problems = rules.gateway_sku_current(name("sku"), args.sku)
    problems += rules.vpn_type_allowed(name("vpn_type"), args.vpn_type)
    if args.generation is not None:
        problems += rules.generation_for_sku(name("generation"), args.sku, args.generation)
    problems += rules.public_ip_standard_static(name("public_ip"), args.public_ip_sku, args.public_ip_allocation)
    space, found = rules.parse_prefixes(name("address_space"), list(args.address_space))
    problems += found
    subnets: dict[str, rules.IPNetwork] = {}
    for subnet_name, prefix in args.subnets.items():
        parsed, found = rules.parse_prefix(name(f"subnets.{subnet_name}"), prefix)
        problems += found
        if parsed is not None:
            subnets[subnet_name] = parsed
            if space:
                problems += rules.subnet_inside_address_space(name(f"subnets.{subnet_name}"), parsed, space)
    if not args.create_resource_group and args.resource_group_name is None:
        problems.append(Problem("gateway.resource-group", name("resource_group_name"), None,
                                "the name of an existing resource group",
                                "create_resource_group is off, so the group to deploy into must be named."))
    problems += rules.gateway_subnet_named(name("subnets"), args.subnets)
    problems += rules.subnets_disjoint(name("subnets"), subnets)
    gateway_subnet = subnets.get(rules.GATEWAY_SUBNET_NAME)
    if gateway_subnet is not None:
        problems += rules.gateway_subnet_size(name(f"subnets.{rules.GATEWAY_SUBNET_NAME}"), gateway_subnet)
    return problems


@dataclass(frozen=True, kw_only=True)
class ExistingGatewayArgs:
    """Inputs to adopt a gateway managed elsewhere, so sites can be added to it.

    Nothing is created or read; ``sku`` and ``address_space`` are what connections are checked
    against (tunnel limit, policy support, overlaps), so state them truly.
    """

    gateway_id: str
    """(Required) ARM ID, ``/subscriptions/<id>/resourceGroups/<group>/providers/
    Microsoft.Network/virtualNetworkGateways/<name>``."""
    sku: str
    """(Required) The gateway's SKU, e.g. ``VpnGw2AZ``."""
    address_space: Sequence[str]
    """(Required) The prefixes of the gateway's virtual network."""
    location: pulumi.Input[str]
    """(Required) The gateway's Azure region (its connections are created there)."""
    vpn_type: str = "RouteBased"
    """(Optional) ``RouteBased`` or ``PolicyBased``. Defaults to RouteBased."""
    public_ip_address: pulumi.Input[str] = ""
    """(Optional) The gateway's public IP, for on-premises device configs."""
    existing_connections: int = 0
    """(Optional) Connections the gateway already carries that this program does not manage;
    they count against the SKU's tunnel limit. Defaults to 0."""


def existing_gateway_problems(args: ExistingGatewayArgs, name: FieldNamer = as_argument) -> list[Problem]:
    problems = rules.gateway_sku_current(name("sku"), args.sku)
    problems += rules.vpn_type_allowed(name("vpn_type"), args.vpn_type)
    problems += rules.parse_prefixes(name("address_space"), list(args.address_space))[1]
    if not isinstance(args.existing_connections, int) or args.existing_connections < 0:
        problems.append(Problem("gateway.existing-connections", name("existing_connections"),
                                args.existing_connections, "a whole number, 0 or more",
                                "the count of connections the gateway already has."))
    else:
        problems += rules.tunnel_limit(name("existing_connections"), args.sku, args.existing_connections)
    if not (isinstance(args.gateway_id, str) and _GATEWAY_ID.match(args.gateway_id)):
        problems.append(Problem(
            "gateway.resource-id", name("gateway_id"), args.gateway_id,
            "/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/"
            "virtualNetworkGateways/<name>", "an existing gateway is adopted by its ARM resource ID."))
    return problems


@dataclass(frozen=True, slots=True)
class GatewayFacts:
    """What connections need to know about a gateway at construction time (plain values)."""

    name: str
    sku: str
    vpn_type: str
    address_space: tuple[str, ...]


class VpnGateway(pulumi.ComponentResource):
    """A route-based Azure VPN gateway with its virtual network and public IP, or an adopted one.

    Created in parallel with every other gateway of the program (nothing but real property
    dependencies orders them), with long custom timeouts. Changing connections never
    touches it: its children's names derive only from the component name.
    """

    gateway_id: pulumi.Output[str]
    gateway_name: pulumi.Output[str]
    public_ip_address: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]
    location: pulumi.Output[str]
    vnet_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: VpnGatewayArgs | ExistingGatewayArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        problems = (gateway_problems(args) if isinstance(args, VpnGatewayArgs)
                    else existing_gateway_problems(args))
        location = args.location
        if isinstance(args, VpnGatewayArgs) and not args.create_resource_group and location is None:
            # Resources in an existing group need a region; a created group takes the provider's.
            location = pulumi.Config("azure-native").get("location")
            if location is None:
                problems.append(Problem(
                    "gateway.location", "location", None, "an Azure region, e.g. eastus2",
                    "with create_resource_group off there is no group to take the region from, and "
                    "azure-native:location is not set."))
        if errors(problems):
            raise TopologyError(errors(problems), subject=f"VpnGateway {name!r}")
        self.facts = GatewayFacts(name, args.sku, args.vpn_type, tuple(args.address_space))
        self._connections: list[str] = []
        self._unmanaged_connections = args.existing_connections if isinstance(args, ExistingGatewayArgs) else 0
        super().__init__(resource_types.GATEWAY_COMPONENT, name, None, lean(opts))
        for problem in warnings(problems):
            pulumi.log.warn(f"VpnGateway {name!r}: {problem.message()}", resource=self)
        if isinstance(args, VpnGatewayArgs):
            self._build(name, args, location)
        else:
            self._adopt(args)

    @classmethod
    def adopt(cls, name: str, args: ExistingGatewayArgs, opts: pulumi.ResourceOptions | None = None) -> VpnGateway:
        """Reference an existing gateway by resource ID (see ``ExistingGatewayArgs``)."""
        return cls(name, args, opts)

    def _build(self, name: str, args: VpnGatewayArgs, given_location: pulumi.Input[str] | None) -> None:
        child = pulumi.ResourceOptions(parent=self)
        expensive = pulumi.ResourceOptions(parent=self, protect=args.protect)
        tags = dict(args.tags)
        if args.create_resource_group:
            group = resources.ResourceGroup(
                f"{name}-rg", resources.ResourceGroupArgs(
                    resource_group_name=args.resource_group_name or f"{name}-rg",
                    location=args.location, tags=tags), opts=child)
            group_name: pulumi.Input[str] = group.name
            location: pulumi.Input[str] | None = group.location
        else:
            assert args.resource_group_name is not None  # gateway_problems requires it
            group_name = args.resource_group_name
            location = given_location
        vnet = network.VirtualNetwork(
            f"{name}-vnet", network.VirtualNetworkInitArgs(
                resource_group_name=group_name, location=location,
                virtual_network_name=args.vnet_name or f"{name}-vnet",
                address_space=network.AddressSpaceArgs(address_prefixes=list(args.address_space)),
                dhcp_options=network.DhcpOptionsArgs(dns_servers=list(args.dns_servers))
                if args.dns_servers else None,
                subnets=[network.SubnetArgs(name=subnet, address_prefix=prefix)
                         for subnet, prefix in args.subnets.items()],
                tags=tags),
            opts=expensive)
        public_ip = network.PublicIPAddress(
            f"{name}-ip", network.PublicIPAddressInitArgs(
                resource_group_name=group_name, location=location,
                public_ip_address_name=args.public_ip_name or f"{name}-ip",
                sku=network.PublicIPAddressSkuArgs(name=args.public_ip_sku, tier="Regional"),
                public_ip_allocation_method=args.public_ip_allocation,
                zones=list(args.zones) or None, tags=tags),
            opts=expensive)
        # The subnet ID is the VNet's ID plus /subnets/GatewaySubnet (ARM ID grammar), so the
        # gateway does not wait on reading the VNet's subnet list back.
        gateway_subnet_id = pulumi.Output.concat(vnet.id, "/subnets/", rules.GATEWAY_SUBNET_NAME)
        gateway = network.VirtualNetworkGateway(
            f"{name}-gateway", network.VirtualNetworkGatewayInitArgs(
                resource_group_name=group_name, location=location,
                virtual_network_gateway_name=args.gateway_name or name,
                gateway_type=network.VirtualNetworkGatewayType.VPN,
                vpn_type=args.vpn_type,
                vpn_gateway_generation=args.generation or skus.default_generation(args.sku),
                sku=network.VirtualNetworkGatewaySkuArgs(name=args.sku, tier=args.sku),
                active_active=False,
                enable_bgp=args.enable_bgp,
                bgp_settings=network.BgpSettingsArgs(asn=args.asn) if args.enable_bgp and args.asn else None,
                ip_configurations=[network.VirtualNetworkGatewayIPConfigurationArgs(
                    name=args.ip_configuration_name,
                    private_ip_allocation_method=network.IPAllocationMethod.DYNAMIC,
                    subnet=network.SubResourceArgs(id=gateway_subnet_id),
                    public_ip_address=network.SubResourceArgs(id=public_ip.id))],
                tags=tags),
            opts=pulumi.ResourceOptions.merge(expensive, pulumi.ResourceOptions(custom_timeouts=GATEWAY_TIMEOUTS)))
        self.gateway_id = gateway.id
        self.gateway_name = gateway.name
        self.public_ip_address = public_ip.ip_address.apply(lambda ip: ip or "")
        self.vnet_id = vnet.id
        self.resource_group_name = pulumi.Output.from_input(group_name)
        self.location = pulumi.Output.from_input(location or "")
        self.register_outputs({
            "gatewayId": self.gateway_id,
            "gatewayName": self.gateway_name,
            "publicIpAddress": self.public_ip_address,
            "vnetId": self.vnet_id,
            "sku": args.sku,
            "addressSpace": list(args.address_space),
        })

    def _adopt(self, args: ExistingGatewayArgs) -> None:
        match = _GATEWAY_ID.match(args.gateway_id)
        assert match is not None  # checked in __init__
        self.gateway_id = pulumi.Output.from_input(args.gateway_id)
        self.gateway_name = pulumi.Output.from_input(match["name"])
        self.resource_group_name = pulumi.Output.from_input(match["group"])
        self.location = pulumi.Output.from_input(args.location)
        self.public_ip_address = pulumi.Output.from_input(args.public_ip_address)
        self.vnet_id = None
        self.register_outputs({"gatewayId": self.gateway_id, "gatewayName": self.gateway_name,
                               "sku": args.sku, "addressSpace": list(args.address_space), "adopted": True})

    # --- connections -------------------------------------------------------------------

    def reserve_tunnel(self, connection: str) -> None:
        """Count a connection against the tunnel limit (``connection_problems`` checked it)."""
        self._connections.append(connection)

    @property
    def connection_count(self) -> int:
        """Connections on this gateway: those this program made, plus unmanaged ones declared."""
        return len(self._connections) + self._unmanaged_connections

    def address_networks(self) -> list[rules.IPNetwork]:
        return [ipaddress.ip_network(p) for p in self.facts.address_space]
