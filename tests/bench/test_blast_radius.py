"""Blast radius: one site's policy, key or DPD change touches that site's connection only."""

from __future__ import annotations

import pytest

from azvpn.engine import PlanResult
from bench.blast_radius import blast_radius
from bench.critical_path import CONNECTION_TYPE
from bench.topology import hub_topology, one_site_changes
from tests.bench.conftest import MANY, hub_plan, plan_topology

SITE = "Site003"
CHANGES = one_site_changes(hub_topology(MANY, explicit_keys=True), SITE)


@pytest.fixture(scope="module")
def before() -> PlanResult:
    return hub_plan(MANY, explicit_keys=True)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_only_the_changed_sites_connection_differs(before: PlanResult, change: str) -> None:
    after = plan_topology(CHANGES[change])
    changes = blast_radius(before, after)
    assert [(c.type, c.name, c.kind) for c in changes] == [(CONNECTION_TYPE, f"{SITE}-connection-connection", "update")]
    expected_field = {"policy": "ipsecPolicies", "shared": "sharedKey", "DPD": "dpdTimeoutSeconds"}[change.split()[0]]
    assert changes[0].fields == (expected_field,)


def test_the_rotated_key_stays_secret(before: PlanResult) -> None:
    after = plan_topology(CHANGES["shared key rotated"])
    connection = after.by_name(f"{SITE}-connection-connection")
    assert connection.is_secret("sharedKey")
    assert connection.inputs["sharedKey"] != before.by_name(f"{SITE}-connection-connection").inputs["sharedKey"]


def test_the_same_program_twice_changes_nothing(before: PlanResult) -> None:
    assert blast_radius(before, plan_topology(hub_topology(MANY, explicit_keys=True))) == []


def test_added_and_removed_resources_are_creates_and_deletes() -> None:
    changes = blast_radius(hub_plan(1), hub_plan(2))
    assert {c.kind for c in changes} == {"create"}
    assert {c.name for c in changes} >= {"Site001", "Site001-lng", "Site001-connection-connection"}
    assert {c.kind for c in blast_radius(hub_plan(2), hub_plan(1))} == {"delete"}


def test_a_generated_key_rotation_needs_explicit_keys() -> None:
    with pytest.raises(ValueError, match="explicit keys"):
        one_site_changes(hub_topology(2), "Site001")
