"""The plan-time comparison is only fair if both programs ask the engine for the same thing."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from bench.equivalence import assert_same_resources, custom_views, differences
from bench.topology import POLICIES
from components import PRESETS
from tests.bench.conftest import MANY, hub_plan


@pytest.mark.parametrize("variant", ["raw", "raw-parented", "components-noalias"])
def test_every_variant_registers_the_components_resources(variant: str) -> None:
    # Generated keys: the RandomPassword resources must match too.
    count = assert_same_resources(hub_plan(2), hub_plan(2, variant))
    assert count == 4 * 4 + 2 * 3 + 3 * 3  # 4 gateways x 4, 2 sites x 3, 3 pairs x (key + 2 connections)


def test_equal_with_explicit_secret_keys() -> None:
    assert_same_resources(hub_plan(MANY, explicit_keys=True), hub_plan(MANY, "raw", explicit_keys=True))


def test_parented_raw_program_has_the_components_urns() -> None:
    # The structure floor is only a floor if its tree is the components' tree.
    assert {r.urn for r in hub_plan(2).resources} == {r.urn for r in hub_plan(2, "raw-parented").resources}


def test_a_different_input_is_reported_with_its_resource_and_field() -> None:
    views = custom_views(hub_plan(2, "raw"))
    key = ("azure-native:network:VirtualNetworkGatewayConnection", "Site001-connection-connection")
    views[key] = replace(views[key], inputs={**views[key].inputs, "dpdTimeoutSeconds": 30})
    found = differences(custom_views(hub_plan(2)), views)
    assert len(found) == 1
    assert found[0].startswith("azure-native:network:VirtualNetworkGatewayConnection 'Site001-connection-connection': "
                               "inputs differs:")


def test_a_missing_resource_is_reported() -> None:
    views = custom_views(hub_plan(2, "raw"))
    del views[("azure-native:network:LocalNetworkGateway", "Site000-lng")]
    assert differences(custom_views(hub_plan(2)), views) == [
        "azure-native:network:LocalNetworkGateway 'Site000-lng': only in components"]


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_bench_policies_are_the_library_presets(name: str) -> None:
    assert asdict(POLICIES[name]) == PRESETS[name].to_dict()
