"""How long a first ``pulumi up`` of a plan takes, from the dependency graph the SDK records.

The engine starts a resource as soon as everything it depends on is done (Pulumi's default
parallelism is unbounded: ``pulumi up --parallel`` "Defaults to unbounded"), so with enough
parallelism the deploy takes as long as the longest chain of dependencies, each resource
weighted by how long Azure takes to create it. The seed's PowerShell walkthrough instead runs
every step one after another, so it takes the sum of all steps.

Edges: ``dependencies`` and ``property_dependencies`` of each registered resource (what the
engine waits for) and the parent (a child is registered after its parent). Component
resources take no time: the engine creates nothing for them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from azvpn.engine import PlannedResource, PlanResult
from components import resource_types as types

GATEWAY_TYPE: Final = types.VPN_GATEWAY
CONNECTION_TYPE: Final = types.CONNECTION
MINUTE: Final = 60.0


@dataclass(frozen=True, slots=True)
class Duration:
    seconds: float
    source: str


#: Typical create times. Sources: /work/notes/research.md section 5 (quoted there).
DURATIONS: Final[Mapping[str, Duration]] = {
    GATEWAY_TYPE: Duration(
        45 * MINUTE, "Azure VPN Gateway docs: 'Creating a gateway can often take 45 minutes or more' "
                     "(azurerm docs: 30 minutes to 1 hour)"),
    CONNECTION_TYPE: Duration(
        3 * MINUTE, "Azure IPsec/IKE policy how-to: a VNet-to-VNet connection 'is established in a few "
                    "minutes', a policy 'enforced in about a minute'; 3 min is an estimate (low confidence)"),
    types.LOCAL_NETWORK_GATEWAY: Duration(30, "no published figure; seconds (5-30 s) by experience"),
    types.PUBLIC_IP: Duration(30, "no published figure; seconds (5-30 s) by experience"),
    types.VIRTUAL_NETWORK: Duration(30, "no published figure; seconds (5-30 s) by experience"),
    types.RESOURCE_GROUP: Duration(5, "no published figure; a few seconds by experience"),
    # pulumi_random runs in the local provider: no Azure call at all.
    types.RANDOM_PASSWORD: Duration(0, "local provider, no cloud call"),
}
#: Any other custom resource: an assumption, flagged by ``unknown_types``.
DEFAULT_DURATION: Final = Duration(30, "assumed: no figure for this type")


@dataclass(frozen=True, slots=True)
class Step:
    urn: str
    type: str
    name: str
    seconds: float


@dataclass(frozen=True, slots=True)
class CriticalPath:
    steps: tuple[Step, ...]
    """The longest chain, first resource first; resources that take no time are left out."""
    seconds: float
    serial_seconds: float
    """Every step one after another, as the seed's walkthrough runs them."""
    gateway_serialized_seconds: float
    """A pessimistic bound: if Azure accepted one connection write per gateway at a time."""
    unknown_types: frozenset[str]

    @property
    def gateways(self) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.type == GATEWAY_TYPE)

    def chain(self) -> str:
        return " -> ".join(f"{step.name} ({format_duration(step.seconds)})" for step in self.steps)


def format_duration(seconds: float) -> str:
    if seconds >= MINUTE:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    return f"{seconds:g} s"


def duration_of(resource: PlannedResource, durations: Mapping[str, Duration] = DURATIONS) -> float:
    if not resource.custom:
        return 0.0
    return durations.get(resource.type, DEFAULT_DURATION).seconds


def predecessors(plan: PlanResult) -> dict[str, frozenset[str]]:
    """URN -> URNs that must be done before it starts (dependencies, property dependencies, parent)."""
    known = {r.urn for r in plan.resources}
    graph: dict[str, frozenset[str]] = {}
    for r in plan.resources:
        before = set(r.dependencies)
        for urns in r.property_dependencies.values():
            before.update(urns)
        if r.parent is not None:
            before.add(r.parent)
        # The stack itself is not in the plan; nothing else can be missing.
        graph[r.urn] = frozenset(u for u in before if u in known and u != r.urn)
    return graph


def _finish_times(plan: PlanResult,
                  durations: Mapping[str, Duration]) -> tuple[dict[str, float], dict[str, str | None]]:
    graph = predecessors(plan)
    by_urn = {r.urn: r for r in plan.resources}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    visiting: set[str] = set()

    def visit(urn: str) -> float:
        # Recursive: the depth is the longest dependency chain (about 6 here), not the size.
        if urn in finish:
            return finish[urn]
        if urn in visiting:
            raise ValueError(f"dependency cycle through {urn}")
        visiting.add(urn)
        start, latest = 0.0, None
        for before in sorted(graph[urn]):  # sorted: ties resolve the same way every run
            done = visit(before)
            if latest is None or done > start:
                start, latest = done, before
        visiting.discard(urn)
        finish[urn] = start + duration_of(by_urn[urn], durations)
        via[urn] = latest
        return finish[urn]

    for r in plan.resources:
        visit(r.urn)
    return finish, via


def critical_path(plan: PlanResult, durations: Mapping[str, Duration] = DURATIONS) -> CriticalPath:
    """The longest duration-weighted chain of ``plan``, with the serial sum for comparison."""
    if not plan.resources:
        return CriticalPath((), 0.0, 0.0, 0.0, frozenset())
    finish, via = _finish_times(plan, durations)
    by_urn = {r.urn: r for r in plan.resources}
    end = max(sorted(finish), key=lambda urn: finish[urn])
    chain: list[Step] = []
    cursor: str | None = end
    while cursor is not None:
        resource = by_urn[cursor]
        seconds = duration_of(resource, durations)
        if seconds > 0:
            chain.append(Step(resource.urn, resource.type, resource.name, seconds))
        cursor = via[cursor]
    chain.reverse()
    return CriticalPath(
        steps=tuple(chain), seconds=finish[end],
        serial_seconds=sum(duration_of(r, durations) for r in plan.resources),
        gateway_serialized_seconds=_gateway_serialized(plan, finish, durations),
        unknown_types=frozenset(r.type for r in plan.resources if r.custom and r.type not in durations))


def _gateway_serialized(plan: PlanResult, finish: Mapping[str, float], durations: Mapping[str, Duration]) -> float:
    """Each gateway's finish plus its connections one at a time; the worst gateway wins.

    A connection is counted on its ``virtualNetworkGateway1``, the gateway it is configured on
    (the other direction of a VNet pair is its own resource on the other gateway).

    Why a bound at all: Azure answers concurrent writes on one gateway's connections with
    409 AnotherOperationInProgress in reports for ExpressRoute gateways (Azure-Landing-Zones
    issue 4134) and for azurerm connection resources (terraform-provider-azurerm issue 10582);
    whether VPN gateways serialize connection creates the same way is not documented.
    """
    connections_of: dict[str, list[PlannedResource]] = {}
    gateways = {r.urn for r in plan.resources if r.type == GATEWAY_TYPE}
    for r in plan.resources:
        if r.type == CONNECTION_TYPE:
            for gateway in set(r.property_dependencies.get("virtualNetworkGateway1", ())) & gateways:
                connections_of.setdefault(gateway, []).append(r)
    bound = max(finish.values())
    for gateway, connections in connections_of.items():
        bound = max(bound, finish[gateway] + sum(duration_of(c, durations) for c in connections))
    return bound


def gateways_on_path(path: CriticalPath) -> Sequence[str]:
    return [step.name for step in path.gateways]
