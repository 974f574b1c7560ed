"""Deploy critical path: exactly one gateway on it, whatever the number of sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from azvpn.engine import PlannedResource, PlanResult
from azvpn.plan import plan_stack
from bench.critical_path import (
    CONNECTION_TYPE,
    DURATIONS,
    GATEWAY_TYPE,
    MINUTE,
    critical_path,
    format_duration,
    predecessors,
)
from tests.bench.conftest import MANY, hub_plan

GATEWAY = DURATIONS[GATEWAY_TYPE].seconds
CONNECTION = DURATIONS[CONNECTION_TYPE].seconds


@pytest.mark.parametrize("sites", [1, MANY])
def test_exactly_one_gateway_on_the_critical_path(sites: int) -> None:
    path = critical_path(hub_plan(sites))
    assert len(path.gateways) == 1, path.chain()
    # resource group -> VNet or public IP -> gateway -> connection
    assert [step.type for step in path.steps][-2:] == [GATEWAY_TYPE, CONNECTION_TYPE]


def test_one_site_and_many_sites_take_the_same_time() -> None:
    one, many = critical_path(hub_plan(1)), critical_path(hub_plan(MANY))
    assert one.seconds == many.seconds
    assert GATEWAY + CONNECTION <= one.seconds < GATEWAY + CONNECTION + 2 * MINUTE


def test_the_seeds_serial_walkthrough_sums_every_step() -> None:
    plan = hub_plan(MANY)
    path = critical_path(plan)
    gateways = len(plan.of_type(GATEWAY_TYPE))
    connections = len(plan.of_type(CONNECTION_TYPE))
    assert path.serial_seconds >= gateways * GATEWAY + connections * CONNECTION
    assert path.serial_seconds > 4 * path.seconds  # four gateways one after another
    assert not path.unknown_types


def test_the_graph_has_the_dependencies_the_engine_waits_for() -> None:
    plan = hub_plan(1)
    graph = predecessors(plan)
    connection = plan.by_name("Site000-connection-connection")
    waits_for = {r.name for r in plan.resources if r.urn in graph[connection.urn]}
    assert {"Hub-gateway", "Site000-lng", "Site000-shared-key", "Site000-connection"} <= waits_for


def _resource(name: str, type_: str, *after: str, custom: bool = True) -> PlannedResource:
    return PlannedResource(type=type_, name=name, urn=f"urn:{name}", parent=None, custom=custom, inputs={},
                           secret_paths=frozenset(), dependencies=tuple(f"urn:{a}" for a in after),
                           property_dependencies={}, protect=False, custom_timeouts={},
                           additional_secret_outputs=())


def test_a_gateway_that_waits_for_another_puts_both_on_the_path() -> None:
    # The failure the target guards against: a dependency that chains two 45-minute creates.
    plan = PlanResult(project="p", stack="s", resources=[
        _resource("first", GATEWAY_TYPE), _resource("second", GATEWAY_TYPE, "first"),
        _resource("link", CONNECTION_TYPE, "second")])
    path = critical_path(plan)
    assert [step.name for step in path.gateways] == ["first", "second"]
    assert path.seconds == 2 * GATEWAY + CONNECTION


def test_a_cycle_is_an_error() -> None:
    plan = PlanResult(project="p", stack="s", resources=[
        _resource("a", GATEWAY_TYPE, "b"), _resource("b", GATEWAY_TYPE, "a")])
    with pytest.raises(ValueError, match="dependency cycle"):
        critical_path(plan)


def test_durations_format_for_people() -> None:
    assert format_duration(2915) == "48 min 35 s"
    assert format_duration(2700) == "45 min"
    assert format_duration(30) == "30 s"


def test_the_dev_stack_has_one_gateway_on_its_critical_path() -> None:
    # The real __main__.py with the seed's topology (two gateways, Site6, one VNet pair).
    path = critical_path(plan_stack(Path(__file__).resolve().parents[2], "dev"))
    assert len(path.gateways) == 1
    assert path.serial_seconds > 2 * GATEWAY > path.seconds
