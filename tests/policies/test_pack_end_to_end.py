"""The dev stack through the pack: the real ``__main__.py`` planned under Pulumi mocks
(``azvpn.plan.plan_stack``), then every registered resource through the SDK's real Analyze and
the whole stack through AnalyzeStack, as ``pulumi preview --policy-pack policies`` would.

The dev stack is the seed's topology, so it carries the seed's policies: Azure accepts them
(no mandatory violation) but the IETF advises against some of their choices (advisory).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from azvpn.engine import UNKNOWN, PlannedResource, PlanResult
from azvpn.plan import plan_stack
from components import RECOMMENDED_POLICY

from .analyzer import Diagnostic, InProcessAnalyzer, WireResource
from .conftest import PACK_DIR
from .fixtures import CONNECTION

ROOT = Path(__file__).resolve().parents[2]
SITE6 = "Site6-connection-connection"
VNET1_TO_VNET2 = "VNet1-VNet2-VNet1GW-to-VNet2GW-connection"
VNET2_TO_VNET1 = "VNet1-VNet2-VNet2GW-to-VNet1GW-connection"
_SUBJECT = re.compile(r"^\w+ '(?P<name>[^']+)'(?: \(reverse of '[^']+'\))?: (?P<field>[^:]+):")


def wire(resource: PlannedResource, keep_secrets: bool = True) -> WireResource:
    return WireResource(resource.type, resource.name, resource.urn, resource.inputs,
                        resource.secret_paths if keep_secrets else (), resource.additional_secret_outputs,
                        resource.parent or "", resource.dependencies, resource.property_dependencies)


def preview(plan: PlanResult, config: Mapping[str, Any] | None = None, keep_secrets: bool = True) -> list[Diagnostic]:
    return InProcessAnalyzer(config).preview([wire(r, keep_secrets) for r in plan.resources])


def summary(diagnostics: list[Diagnostic]) -> set[tuple[str, str, str, str]]:
    """(policy, level, resource, field) of each diagnostic; its message's second line is ours."""
    found = set()
    for diagnostic in diagnostics:
        match = _SUBJECT.match(diagnostic.message.splitlines()[1])
        assert match, diagnostic.message
        found.add((diagnostic.policy, diagnostic.level, match["name"], match["field"]))
    assert len(found) == len(diagnostics)
    return found


def weak(resource: str, field: str, level: str = "advisory") -> tuple[str, str, str, str]:
    return ("vpn-connection-crypto-weak", level, resource, f"ipsecPolicies[0].{field}")


@pytest.fixture(scope="module")
def dev() -> PlanResult:
    return plan_stack(ROOT, "dev")


def test_dev_stack_is_what_the_pack_expects(dev: PlanResult) -> None:
    types = {r.type for r in dev.resources}
    assert {CONNECTION, "azure-native:network:VirtualNetworkGateway", "azure-native:network:PublicIPAddress"} <= types
    assert len(dev.of_type(CONNECTION)) == 3
    # Generated keys: secret, and unknown until apply, as in a real first preview.
    assert all(c.is_secret("sharedKey") and c.inputs["sharedKey"] == UNKNOWN for c in dev.of_type(CONNECTION))


def test_dev_stack_has_no_mandatory_violation_only_the_seed_policies_weaknesses(dev: PlanResult) -> None:
    assert summary(preview(dev)) == {
        weak(SITE6, "dhGroup"), weak(SITE6, "pfsGroup"),  # seed Part 3: DHGroup24, no PFS
        weak(VNET1_TO_VNET2, "ikeIntegrity"), weak(VNET2_TO_VNET1, "ikeIntegrity"),  # seed Part 4: SHA1
    }


def test_dev_stack_with_the_recommended_policy_has_no_violation_at_all() -> None:
    recommended = RECOMMENDED_POLICY.to_arm()
    plan = plan_stack(ROOT, "dev", {"policies": {"seed-s2s": recommended, "seed-vnet2vnet": recommended}})
    assert preview(plan) == []


def test_configured_keys_are_known_secrets_and_the_pack_tells_them_from_plain_text() -> None:
    keys = {"Site6": {"secure": "v1:site6"}, "VNet1-VNet2": {"secure": "v1:pair"}}
    plan = plan_stack(ROOT, "dev", {"sharedKeys": keys})
    connections = plan.of_type(CONNECTION)
    assert all(c.is_secret("sharedKey") and c.inputs["sharedKey"] != UNKNOWN for c in connections)
    assert not [d for d in preview(plan) if d.policy.startswith("vpn-connection-shared-key")]
    # The same inputs sent without the secret mark: each key is reported, never printed.
    plain = [d for d in preview(plan, keep_secrets=False) if d.policy == "vpn-connection-shared-key-secret"]
    assert sorted(summary(plain)) == sorted(
        ("vpn-connection-shared-key-secret", "mandatory", c.name, "sharedKey") for c in connections)
    assert all(str(c.inputs["sharedKey"]) not in d.message for c in connections for d in plain)


WEAK_POLICIES = {
    # Azure accepts every value here; RFC 8247/8221 forbid DES, MD5 and group 1.
    "seed-s2s": {"ikeEncryption": "DES", "ikeIntegrity": "MD5", "dhGroup": "DHGroup1",
                 "ipsecEncryption": "DES3", "ipsecIntegrity": "SHA1", "pfsGroup": "PFS1",
                 "saLifeTimeSeconds": 14400, "saDataSizeKilobytes": 102400000},
}


def test_deliberately_weak_variant_is_stopped_by_mandatory_violations() -> None:
    plan = plan_stack(ROOT, "dev", {"policies": {**_dev_policies(), **WEAK_POLICIES}})
    found = summary(preview(plan))
    forbidden = {("vpn-connection-crypto-forbidden", "mandatory", SITE6, f"ipsecPolicies[0].{field}")
                 for field in ("ikeEncryption", "ikeIntegrity", "dhGroup", "pfsGroup")}
    assert found == forbidden | {
        weak(SITE6, "ipsecEncryption"), weak(SITE6, "ipsecIntegrity"),
        weak(VNET1_TO_VNET2, "ikeIntegrity"), weak(VNET2_TO_VNET1, "ikeIntegrity"),
    }


def test_example_config_turns_the_seed_policies_into_mandatory_violations(dev: PlanResult) -> None:
    config = json.loads((PACK_DIR / "config.example.json").read_text(encoding="utf-8"))
    allowed = "vpn-connection-algorithms-allowed"
    assert summary(preview(dev, config)) == {
        weak(SITE6, "dhGroup", "mandatory"), weak(SITE6, "pfsGroup", "mandatory"),
        (allowed, "mandatory", SITE6, "ipsecPolicies[0].dhGroup"),
        (allowed, "mandatory", SITE6, "ipsecPolicies[0].pfsGroup"),
        *(item for name in (VNET1_TO_VNET2, VNET2_TO_VNET1) for item in (
            weak(name, "ikeIntegrity", "mandatory"),
            (allowed, "mandatory", name, "ipsecPolicies[0].ikeEncryption"),
            (allowed, "mandatory", name, "ipsecPolicies[0].ikeIntegrity"))),
    }


def _dev_policies() -> dict[str, Any]:
    stack = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text(encoding="utf-8"))
    return dict(stack["config"]["azure-ipsec-vpn:policies"])
