"""Azure's rules about gateways, subnets, public IPs and connections (one function per rule).

Shared by the components (checked at construction, before anything is registered) and by
the CrossGuard policy pack (checked on any program's resources). Each rule takes plain
values and a field path, and returns ``Problem``s; none raises.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from itertools import product
from typing import Final

from pulumi_azure_native import network

from components import skus
from components.rules.problems import Problem

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

GATEWAY_SUBNET_NAME: Final = "GatewaySubnet"
GATEWAY_SUBNET_MIN_PREFIX: Final = 27
DPD_TIMEOUT_MIN: Final = 9
DPD_TIMEOUT_MAX: Final = 3600
DPD_TIMEOUT_DEFAULT: Final = 45
SHARED_KEY_MAX_LENGTH: Final = 128
CONNECTION_TYPES: Final = (
    str(network.VirtualNetworkGatewayConnectionType.IPSEC.value),
    str(network.VirtualNetworkGatewayConnectionType.VNET2_VNET.value),
)
CONNECTION_PROTOCOLS: Final = tuple(str(m.value) for m in network.VirtualNetworkGatewayConnectionProtocol)
CONNECTION_MODES: Final = tuple(str(m.value) for m in network.VirtualNetworkGatewayConnectionMode)
VPN_TYPES: Final = tuple(str(m.value) for m in network.VpnType)


# --- prefixes ---------------------------------------------------------------------------

def parse_prefix(path: str, text: object) -> tuple[IPNetwork | None, list[Problem]]:
    """A CIDR prefix with no host bits set (``10.1.0.5/16`` is a typo for ``10.1.0.0/16``)."""
    if not isinstance(text, str) or "/" not in text:
        return None, [Problem("network.prefix", path, text, "a CIDR prefix such as 10.11.0.0/16",
                              "address spaces and subnets are written with a prefix length.")]
    try:
        return ipaddress.ip_network(text, strict=True), []
    except ValueError as error:
        suggestion = None
        with contextlib.suppress(ValueError):
            suggestion = str(ipaddress.ip_network(text, strict=False))
        return None, [Problem("network.prefix", path, text, "a CIDR prefix with no host bits set",
                              f"it does not parse as a network ({error}).", suggestion=suggestion)]


def parse_prefixes(path: str, texts: Sequence[object]) -> tuple[list[IPNetwork], list[Problem]]:
    networks: list[IPNetwork] = []
    problems: list[Problem] = []
    if not texts:
        problems.append(Problem("network.prefix", path, list(texts), "at least one CIDR prefix",
                                "a network with no address space cannot be routed to."))
    for index, text in enumerate(texts):
        parsed, found = parse_prefix(f"{path}[{index}]", text)
        problems += found
        if parsed is not None:
            networks.append(parsed)
    return networks, problems


def _overlaps(left: Iterable[IPNetwork], right: Iterable[IPNetwork]) -> list[tuple[IPNetwork, IPNetwork]]:
    return [(a, b) for a, b in product(left, right) if a.version == b.version and a.overlaps(b)]


def address_spaces_disjoint(left_path: str, left: Sequence[IPNetwork], right_path: str,
                            right: Sequence[IPNetwork]) -> list[Problem]:
    """The two sides of a connection (or the VNets of a pair) must not share addresses."""
    clashes = _overlaps(left, right)
    if not clashes:
        return []
    pairs = ", ".join(f"{b} overlaps {a}" for a, b in clashes)
    return [Problem("network.address-overlap", right_path, [str(n) for n in right],
                    f"prefixes disjoint from {left_path} ({', '.join(map(str, left))})",
                    f"{pairs}: Azure cannot route between overlapping address spaces "
                    "(use NAT rules or renumber).")]


# --- virtual network and gateway subnet ---------------------------------------------------

def gateway_subnet_named(path: str, subnet_names: Iterable[str]) -> list[Problem]:
    """Azure finds the gateway's subnet by its exact name, ``GatewaySubnet``."""
    names = list(subnet_names)
    if GATEWAY_SUBNET_NAME in names:
        return []
    near = [n for n in names if n.replace("-", "").replace("_", "").lower() == "gatewaysubnet"]
    return [Problem("network.gateway-subnet-name", path, near[0] if near else names,
                    f"a subnet named exactly {GATEWAY_SUBNET_NAME!r}",
                    "a VPN gateway deploys only into the subnet named GatewaySubnet; any other "
                    "name fails gateway creation (seed, Part 3 step 1.3).",
                    suggestion=GATEWAY_SUBNET_NAME if near else None)]


def subnet_inside_address_space(path: str, subnet: IPNetwork, address_space: Sequence[IPNetwork]) -> list[Problem]:
    """Every subnet (the gateway subnet included) lies inside one of the VNet's prefixes."""
    if any(subnet.version == space.version and subnet.subnet_of(space)  # type: ignore[arg-type]
           for space in address_space):
        return []
    return [Problem("network.subnet-outside-vnet", path, str(subnet),
                    f"a prefix inside the address space ({', '.join(map(str, address_space))})",
                    "Azure rejects a subnet that is not inside its virtual network's address space.")]


def subnets_disjoint(path: str, subnets: Mapping[str, IPNetwork]) -> list[Problem]:
    problems: list[Problem] = []
    names = list(subnets)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            if subnets[a].version == subnets[b].version and subnets[a].overlaps(subnets[b]):
                problems.append(Problem("network.subnet-overlap", f"{path}.{b}", str(subnets[b]),
                                        f"a prefix that does not overlap {a} ({subnets[a]})",
                                        "subnets of one virtual network cannot overlap."))
    return problems


def gateway_subnet_size(path: str, subnet: IPNetwork) -> list[Problem]:
    """/27 or larger is recommended: smaller subnets cannot fit later gateway features."""
    if subnet.prefixlen <= GATEWAY_SUBNET_MIN_PREFIX:
        return []
    return [Problem("network.gateway-subnet-size", path, str(subnet), "/27 or larger (for example /27, /26)",
                    "Azure recommends a GatewaySubnet of /27 or larger so that gateway features and "
                    "coexisting gateways have room (Azure VPN Gateway settings docs).",
                    severity="warning")]


# --- gateway ------------------------------------------------------------------------------

def gateway_sku_current(path: str, sku: object) -> list[Problem]:
    """Only current VPN SKUs can be created: legacy and non-AZ SKUs are retired."""
    allowed = ", ".join(skus.CURRENT_SKUS)
    if isinstance(sku, str) and sku in skus.GATEWAY_SKUS:
        info = skus.GATEWAY_SKUS[sku]
        if info.replacement is None or sku == "Basic":
            return []
        return [Problem("gateway.legacy-sku", path, sku, allowed,
                        f"{sku} is retired: {info.retired_because}; use {info.replacement}.",
                        suggestion=info.replacement)]
    why = ("it is not a VPN gateway SKU (ExpressRoute/UltraPerformance)." if sku in skus.NON_VPN_SKUS
           else "it is not an azure-native VirtualNetworkGatewaySkuName value.")
    return [Problem("gateway.sku", path, sku, allowed, why)]


def generation_for_sku(path: str, sku: object, generation: object) -> list[Problem]:
    """Each SKU exists in certain generations only (VpnGw1AZ: 1; VpnGw4AZ/5AZ: 2)."""
    offered = skus.GENERATIONS.get(sku) if isinstance(sku, str) else None
    if offered is None or generation in offered:
        return []
    return [Problem("gateway.generation", path, generation, ", ".join(offered),
                    f"{sku} exists as {' and '.join(offered)} only (Azure VPN Gateway SKUs); a gateway "
                    "resizes within its generation, so pick the one its future sizes share.",
                    suggestion=offered[-1])]


def policy_on_capable_gateway(path: str, sku: object, vpn_type: object) -> list[Problem]:
    """Custom IPsec/IKE policies work on route-based gateways that are not Basic."""
    problems: list[Problem] = []
    if sku == "Basic":
        problems.append(Problem("gateway.policy-on-basic", path, sku, ", ".join(skus.CURRENT_SKUS),
                                "the Basic SKU does not support custom IPsec/IKE policies "
                                "(seed, Part 5 note).", suggestion=skus.DEFAULT_SKU))
    if vpn_type == str(network.VpnType.POLICY_BASED.value):
        problems.append(Problem("gateway.policy-on-policy-based", path, vpn_type, "RouteBased",
                                "custom IPsec/IKE policies need a route-based gateway; to reach a "
                                "policy-based device use use_policy_based_traffic_selectors on a "
                                "route-based gateway instead.", suggestion="RouteBased"))
    return problems


def vpn_type_allowed(path: str, vpn_type: object) -> list[Problem]:
    if vpn_type in VPN_TYPES:
        return []
    return [Problem("gateway.vpn-type", path, vpn_type, ", ".join(VPN_TYPES),
                    "it is not an azure-native VpnType value.")]


def public_ip_standard_static(path: str, sku: object, allocation: object) -> list[Problem]:
    """New VPN gateways need a Standard SKU, statically allocated public IP."""
    problems: list[Problem] = []
    if sku != skus.PUBLIC_IP_SKU:
        problems.append(Problem("public-ip.sku", f"{path}.sku", sku, skus.PUBLIC_IP_SKU,
                                "Basic public IPs were retired on 2025-09-30 and VPN gateways need "
                                "Standard since 2023-12.", suggestion=skus.PUBLIC_IP_SKU))
    if allocation != skus.PUBLIC_IP_ALLOCATION:
        problems.append(Problem("public-ip.allocation", f"{path}.allocation", allocation,
                                skus.PUBLIC_IP_ALLOCATION,
                                "a Standard public IP is always static; the seed's Dynamic "
                                "allocation belongs to retired Basic IPs.",
                                suggestion=skus.PUBLIC_IP_ALLOCATION))
    return problems


def tunnel_limit(path: str, sku: object, connection_count: int) -> list[Problem]:
    """A gateway carries at most its SKU's number of S2S/VNet-to-VNet tunnels."""
    info = skus.GATEWAY_SKUS.get(sku) if isinstance(sku, str) else None
    if info is None or connection_count <= info.max_s2s_tunnels:
        return []
    bigger = next((s.name for s in skus.GATEWAY_SKUS.values()
                   if s.replacement is None and s.max_s2s_tunnels >= connection_count), None)
    return [Problem("gateway.tunnel-limit", path, connection_count,
                    f"at most {info.max_s2s_tunnels} connections on {sku}",
                    f"{sku} supports {info.max_s2s_tunnels} S2S/VNet-to-VNet tunnels "
                    "(Azure VPN Gateway SKU table).", suggestion=bigger)]


# --- connection ---------------------------------------------------------------------------

def dpd_timeout_range(path: str, seconds: object) -> list[Problem]:
    if isinstance(seconds, int) and not isinstance(seconds, bool) and DPD_TIMEOUT_MIN <= seconds <= DPD_TIMEOUT_MAX:
        return []
    return [Problem("connection.dpd-timeout", path, seconds,
                    f"a whole number of seconds from {DPD_TIMEOUT_MIN} to {DPD_TIMEOUT_MAX} "
                    f"(default {DPD_TIMEOUT_DEFAULT})",
                    "Azure's dead peer detection timeout range (IPsec/IKE policy docs).")]


def nat_rules_without_policy_based_selectors(path: str, nat_rule_count: int, policy_based: bool) -> list[Problem]:
    if not (nat_rule_count and policy_based):
        return []
    return [Problem("connection.nat-with-policy-based-selectors", path, nat_rule_count,
                    "no NAT rules while use_policy_based_traffic_selectors is on",
                    "Azure does not support NAT rules on a connection with policy-based traffic "
                    "selectors (VPN Gateway NAT docs).")]


def policy_based_selectors_need_policy(path: str, policy_based: bool, has_policy: bool) -> list[Problem]:
    """UsePolicyBasedTrafficSelectors works only together with a custom IPsec/IKE policy."""
    if not policy_based or has_policy:
        return []
    return [Problem("connection.policy-based-needs-policy", path, None,
                    "a custom IPsec/IKE policy when use_policy_based_traffic_selectors is on",
                    "Azure enables policy-based traffic selectors only together with a custom IPsec/IKE "
                    "policy (Azure docs: 'Connect VPN gateways to multiple on-premises policy-based VPN "
                    "devices').")]


def choice(rule: str, path: str, value: object, allowed: Sequence[str], why: str) -> list[Problem]:
    """A value drawn from an SDK enum subset (connection type, protocol, mode)."""
    if value in allowed:
        return []
    return [Problem(rule, path, value, ", ".join(allowed), why)]


def connection_type_allowed(path: str, value: object) -> list[Problem]:
    return choice("connection.type", path, value, CONNECTION_TYPES,
                  "an IPsec/IKE policy applies to IPsec (site-to-site) and Vnet2Vnet connections only.")


def connection_protocol_allowed(path: str, value: object) -> list[Problem]:
    return choice("connection.protocol", path, value, CONNECTION_PROTOCOLS,
                  "it is not an azure-native VirtualNetworkGatewayConnectionProtocol value.")


def connection_mode_allowed(path: str, value: object) -> list[Problem]:
    return choice("connection.mode", path, value, CONNECTION_MODES,
                  "it is not an azure-native VirtualNetworkGatewayConnectionMode value.")


def shared_key_format(path: str, key: object) -> list[Problem]:
    """Azure's shared key: printable ASCII, 1-128 characters. The value is never shown."""
    if isinstance(key, str) and 1 <= len(key) <= SHARED_KEY_MAX_LENGTH and key.isascii() and key.isprintable():
        return []
    return [Problem("connection.shared-key", path, None,
                    f"1 to {SHARED_KEY_MAX_LENGTH} printable ASCII characters",
                    "Azure's rule for a connection's pre-shared key.", show_value=False)]


def shared_key_present(path: str, connection_type: object, has_key: bool) -> list[Problem]:
    if has_key or connection_type not in CONNECTION_TYPES:
        return []
    return [Problem("connection.shared-key-missing", path, None, "a pre-shared key (a Pulumi secret)",
                    f"an {connection_type} connection authenticates with a pre-shared key; without one "
                    "Azure generates a key you then have to copy to the peer by hand.")]


def pair_policies_identical(path: str, forward: object, backward: object) -> list[Problem]:
    """Both connection resources of a VNet-to-VNet link must carry the same policy."""
    if forward == backward:
        return []
    return [Problem("pair.policies-differ", path, str(backward) if backward is not None else None,
                    f"the same policy as the other direction ({forward})",
                    "both connections of a VNet-to-VNet link must carry the same IPsec/IKE policy, "
                    "otherwise the tunnel does not establish (seed, Part 4).")]


def policy_based_selector_pairs(local: Sequence[str], remote: Sequence[str]) -> list[tuple[str, str]]:
    """One traffic selector per (on-premises prefix, VNet prefix): 2 x 2 prefixes -> 4 pairs.

    Azure's rule for UsePolicyBasedTrafficSelectors (seed, Part 2 note 5).
    """
    return [(a, b) for a, b in product(local, remote)]
