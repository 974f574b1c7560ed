"""``VNetPair``: two ``VpnGateway``s joined by two Vnet2Vnet connections, one per direction
(seed, Part 4). Both carry the same policy and the same shared key by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components import resource_types
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
from components.vpn_site import generated_shared_key


@dataclass(frozen=True, kw_only=True)
class VNetPairArgs:
    """Inputs of a ``VNetPair``."""

    left: VpnGateway
    """(Required) One gateway (``VNet1GW`` in the seed)."""
    right: VpnGateway
    """(Required) The other gateway (``VNet2GW``)."""
    settings: ConnectionSettings = field(default_factory=ConnectionSettings)
    """(Optional) Policy, shared key and protocol settings, applied to both directions alike."""
    left_to_right_name: str | None = None
    """(Optional) Azure name of the left->right connection. Defaults to ``<left>to<right>``."""
    right_to_left_name: str | None = None
    """(Optional) Azure name of the right->left connection. Defaults to ``<right>to<left>``."""
    tags: dict[str, str] = field(default_factory=dict)
    """(Optional) Tags of both connections."""


def pair_problems(name: str, args: VNetPairArgs, at: FieldNamer = as_argument) -> list[Problem]:
    """The pair's own rules and both connections', all checked before anything is registered."""
    left, right = args.left.facts, args.right.facts
    if left.name == right.name:
        return [Problem("pair.same-gateway", at("right"), right.name, f"a gateway other than {left.name!r}",
                        "a VNet-to-VNet link joins two different gateways.")]
    problems = rules.address_spaces_disjoint(
        f"{at('left')} ({left.name})", args.left.address_networks(),
        f"{at('right')} ({right.name})", args.right.address_networks())
    for gateway, peer in ((args.left, right), (args.right, left)):
        # The overlap was reported once above, for the pair; not again per direction.
        problems += [p for p in connection_problems(
            f"{name}-{gateway.facts.name}-to-{peer.name}", gateway.facts, gateway.connection_count,
            "Vnet2Vnet", peer.address_space, args.settings, at, key_generated=args.settings.shared_key is None)
            if p.rule != "network.address-overlap"]
    return problems


class VNetPair(pulumi.ComponentResource):
    """A VNet-to-VNet link: the two connection resources Azure needs, identical by construction."""

    left_to_right: PolicyConnection
    right_to_left: PolicyConnection
    shared_key: pulumi.Output[str]

    def __init__(self, name: str, args: VNetPairArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        left, right = args.left.facts, args.right.facts
        problems = pair_problems(name, args)
        if errors(problems):
            raise TopologyError(errors(problems), subject=f"VNetPair {name!r}")
        super().__init__(resource_types.PAIR_COMPONENT, name, None, lean(opts))
        settings = args.settings
        if settings.shared_key is None:
            # One key for the pair, so both directions always agree (seed, Part 4 step 2).
            settings = settings.with_shared_key(generated_shared_key(f"{name}-shared-key", self))
        child = pulumi.ResourceOptions(parent=self)
        self.left_to_right = PolicyConnection(
            f"{name}-{left.name}-to-{right.name}", PolicyConnectionArgs(
                gateway=args.left, connection_type="Vnet2Vnet", peer_id=args.right.gateway_id,
                peer_address_space=right.address_space, settings=settings,
                connection_name=args.left_to_right_name or f"{left.name}to{right.name}", tags=args.tags), opts=child)
        self.right_to_left = PolicyConnection(
            f"{name}-{right.name}-to-{left.name}", PolicyConnectionArgs(
                gateway=args.right, connection_type="Vnet2Vnet", peer_id=args.left.gateway_id,
                peer_address_space=left.address_space, settings=settings,
                connection_name=args.right_to_left_name or f"{right.name}to{left.name}", tags=args.tags), opts=child)
        self.shared_key = self.left_to_right.shared_key
        self.register_outputs({
            "leftToRightId": self.left_to_right.connection_id,
            "rightToLeftId": self.right_to_left.connection_id,
            "effectivePolicy": self.left_to_right.effective_policy,
            "sharedKey": self.shared_key,
        })
