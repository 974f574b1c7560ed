"""Rules on ``VirtualNetworkGateway`` and ``PublicIPAddress`` resources, via
``components.rules.network_rules`` and the SKU facts in ``components.skus``."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from components import skus
from components.rules import network_rules
from components.rules.problems import Problem
from vpn_policies.engine_props import UNKNOWN, Resource, lookup
from vpn_policies.violations import Violation, from_problem

GATEWAY_FIX: Final = (f"use a current zone-redundant SKU ({', '.join(skus.CURRENT_SKUS)}); changing to it "
                      "recreates or migrates the gateway, so plan the 30-45 minute rebuild.")
PUBLIC_IP_FIX: Final = "set sku.name to 'Standard' and publicIPAllocationMethod to 'Static'."

# Wire field of each problem ``public_ip_standard_static`` can report.
_PUBLIC_IP_FIELDS: Final = {"public-ip.sku": "sku.name", "public-ip.allocation": "publicIPAllocationMethod"}


def is_vpn_gateway(resource: Resource) -> bool:
    """ExpressRoute and local gateways share the resource type but not these rules."""
    gateway_type = resource.props.get("gatewayType")
    if gateway_type is not None:
        return gateway_type == "Vpn"
    # gatewayType left out: judge by the SKU, so an ExpressRoute SKU is not called "legacy VPN".
    return lookup(resource.props, "sku", "name") not in skus.NON_VPN_SKUS


def gateway_sku_violations(resource: Resource) -> list[Violation]:
    """No Basic SKU (no custom IPsec/IKE policies), no legacy or non-AZ SKU."""
    if not is_vpn_gateway(resource):
        return []
    sku = lookup(resource.props, "sku", "name")
    if sku is UNKNOWN:
        return []
    problems: list[Problem] = [p for p in network_rules.policy_on_capable_gateway("sku.name", sku, None)]
    problems += network_rules.gateway_sku_current("sku.name", sku)
    return [from_problem(resource, problem, GATEWAY_FIX) for problem in problems]


def public_ip_violations(resource: Resource) -> list[Violation]:
    """Standard SKU, static allocation (Basic public IPs retired 2025-09-30)."""
    sku = lookup(resource.props, "sku", "name")
    allocation = resource.props.get("publicIPAllocationMethod")
    if UNKNOWN in (sku, allocation):
        return []
    problems = network_rules.public_ip_standard_static("", sku, allocation)
    return [from_problem(resource, replace(problem, path=_PUBLIC_IP_FIELDS.get(problem.rule, problem.path)),
                         PUBLIC_IP_FIX)
            for problem in problems]
