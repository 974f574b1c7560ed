"""Rules that need more than one resource: the two halves of a VNet-to-VNet link, the
tunnels on one gateway, and a policy on a gateway that cannot carry one.

A connection names its gateways by ARM id (``virtualNetworkGateway1.id``,
``virtualNetworkGateway2.id``), but during a first preview those ids are not known yet. The
engine does tell which resource each input came from (``property_dependencies``), so a
gateway created in this stack is matched by its URN, and a gateway outside the stack by its
id (ARM ids are case-insensitive). A connection whose gateway is neither is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from components.ipsec_policy import IpsecPolicy
from components.rules import network_rules
from components.rules.ipsec_policy_rules import ARM_NAMES
from vpn_policies.connection_rules import read_policies
from vpn_policies.engine_props import CONNECTION_TYPE, GATEWAY_TYPE, UNKNOWN, Resource, contains_unknown, lookup
from vpn_policies.violations import Violation, from_problem

PAIR_FIX: Final = ("give both connections the same policy: build it once as components.IpsecPolicy and pass "
                   "it to both, as seed Part 4 does with $ipsecpolicy2.")
PAIR_KEY_FIX: Final = "give both connections the same shared key (one secret, passed to both)."
CAPABLE_GATEWAY_FIX: Final = ("put the connection on a route-based gateway of a current SKU (VpnGw1AZ or larger), "
                              "or remove ipsecPolicies.")

_GATEWAY_FIELDS: Final = {"gateway.policy-on-basic": "sku.name", "gateway.policy-on-policy-based": "vpnType"}


@dataclass(frozen=True, slots=True)
class Stack:
    """The stack's resources, indexed the way the rules need them."""

    connections: Sequence[Resource]
    gateways: Mapping[str, Resource]
    """Gateway resources by URN."""

    @classmethod
    def of(cls, resources: Sequence[Resource]) -> Stack:
        return cls(connections=[r for r in resources if r.type == CONNECTION_TYPE],
                   gateways={r.urn: r for r in resources if r.type == GATEWAY_TYPE})

    def gateway_key(self, connection: Resource, field: str) -> str | None:
        """Which gateway ``field`` names: a gateway URN of this stack, else ``id:<lowercased ARM id>``."""
        for urn in connection.property_dependencies.get(field, ()):
            if urn in self.gateways:
                return urn
        gateway_id = lookup(connection.props, field, "id")
        if not isinstance(gateway_id, str):
            return None
        for urn, gateway in self.gateways.items():
            known = gateway.props.get("id")
            if isinstance(known, str) and known.lower() == gateway_id.lower():
                return urn
        return f"id:{gateway_id.lower()}"


_UNREADABLE: Final = object()


def _policy_of(connection: Resource) -> IpsecPolicy | object | None:
    """The connection's one valid policy, ``None`` for none, ``_UNREADABLE`` when it cannot be
    compared (unknown during preview, invalid, or several: other rules report those)."""
    entries = connection.props.get("ipsecPolicies")
    if contains_unknown(entries):
        return _UNREADABLE
    policies, problems = read_policies(connection)
    if problems or len(policies) > 1:
        return _UNREADABLE
    return policies[0].policy if policies else None


def vnet2vnet_pair_violations(resources: Sequence[Resource]) -> list[Violation]:
    """Both connection resources of a VNet-to-VNet link (gateways 1 and 2 swapped) carry the
    same policy and the same shared key."""
    stack = Stack.of(resources)
    links: dict[tuple[str, str], list[Resource]] = defaultdict(list)
    for connection in stack.connections:
        if connection.props.get("connectionType") != "Vnet2Vnet":
            continue
        local = stack.gateway_key(connection, "virtualNetworkGateway1")
        remote = stack.gateway_key(connection, "virtualNetworkGateway2")
        if local and remote:
            links[(local, remote)].append(connection)
    violations: list[Violation] = []
    for (local, remote), forwards in links.items():
        for forward in forwards:
            for backward in links.get((remote, local), []):
                if forward.urn < backward.urn:  # each pair once
                    violations += _pair_violations(forward, backward)
    return violations


def _pair_violations(forward: Resource, backward: Resource) -> list[Violation]:
    subject = f"{backward.subject} (reverse of {forward.name!r})"
    violations: list[Violation] = []
    mine, theirs = _policy_of(forward), _policy_of(backward)
    if mine is not _UNREADABLE and theirs is not _UNREADABLE:
        for problem in network_rules.pair_policies_identical("ipsecPolicies", mine, theirs):
            detail = problem.message()
            if isinstance(mine, IpsecPolicy) and isinstance(theirs, IpsecPolicy):
                differ = ", ".join(ARM_NAMES[name] for name in mine.changed_fields(theirs))
                detail += f" Fields that differ: {differ}."
            violations.append(Violation(subject, detail, PAIR_FIX, backward.urn))
    key, other_key = forward.props.get("sharedKey"), backward.props.get("sharedKey")
    if isinstance(key, str) and isinstance(other_key, str) and key != other_key:
        # Never show either key: the message says only that they differ.
        detail = (f"sharedKey: differs from the key of {forward.name!r} (values not shown); allowed: the "
                  "same key on both connections. Why: both connection resources of a VNet-to-VNet link "
                  "authenticate with one pre-shared key, or IKE authentication fails (seed, Part 4 "
                  "step 2, uses one key for both).")
        violations.append(Violation(subject, detail, PAIR_KEY_FIX, backward.urn))
    return violations


def tunnel_limit_violations(resources: Sequence[Resource]) -> list[Violation]:
    """S2S and VNet-to-VNet connections per gateway (``virtualNetworkGateway1``) within its SKU's limit."""
    stack = Stack.of(resources)
    per_gateway: dict[str, list[Resource]] = defaultdict(list)
    for connection in stack.connections:
        if connection.props.get("connectionType") not in network_rules.CONNECTION_TYPES:
            continue
        key = stack.gateway_key(connection, "virtualNetworkGateway1")
        if key is not None and key in stack.gateways:
            per_gateway[key].append(connection)
    violations: list[Violation] = []
    for urn, connections in per_gateway.items():
        gateway = stack.gateways[urn]
        sku = lookup(gateway.props, "sku", "name")
        names = ", ".join(repr(c.name) for c in connections)
        for problem in network_rules.tunnel_limit(f"connections on this gateway ({names})", sku, len(connections)):
            bigger = f" (e.g. {problem.suggestion})" if problem.suggestion else ""
            fix = f"set sku.name to a SKU with more tunnels{bigger}, or spread the connections over more gateways."
            violations.append(Violation(gateway.subject, problem.message(), fix, gateway.urn))
    return violations


def capable_gateway_violations(resources: Sequence[Resource]) -> list[Violation]:
    """A connection with a custom policy sits on a gateway that supports one (not Basic, route-based)."""
    stack = Stack.of(resources)
    violations: list[Violation] = []
    for connection in stack.connections:
        entries = connection.props.get("ipsecPolicies")
        if entries is UNKNOWN or not isinstance(entries, list) or not entries:
            continue
        key = stack.gateway_key(connection, "virtualNetworkGateway1")
        gateway = stack.gateways.get(key) if key else None
        if gateway is None:
            continue
        sku, vpn_type = lookup(gateway.props, "sku", "name"), gateway.props.get("vpnType")
        for problem in network_rules.policy_on_capable_gateway("", sku, vpn_type):
            path = f"virtualNetworkGateway1 ({gateway.name!r}).{_GATEWAY_FIELDS.get(problem.rule, problem.path)}"
            violations.append(from_problem(connection, replace(problem, path=path), CAPABLE_GATEWAY_FIX,
                                           connection.urn))
    return violations
