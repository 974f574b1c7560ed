"""The pack as a whole: metadata, the files the CLI reads, config levels, and the pack started
the way the Pulumi CLI starts it, spoken to over gRPC."""

from __future__ import annotations

import json
import re
import select
import subprocess
import sys
from collections.abc import Iterator

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy
from vpn_policies import PACK_NAME, POLICIES, RULES, secret_tracking
from vpn_policies.engine_props import CONNECTION_TYPE, GATEWAY_TYPE, PUBLIC_IP_TYPE

from .analyzer import InProcessAnalyzer, WireResource, properties, reconcile
from .conftest import PACK_DIR
from .fixtures import CONNECTION, SEED_S2S, connection, policy
from .harness import urn

APPLIES = {CONNECTION_TYPE: "connection", GATEWAY_TYPE: "gateway", PUBLIC_IP_TYPE: "public IP", "stack": "stack"}


def test_every_rule_is_one_policy_with_its_metadata() -> None:
    assert [p.name for p in POLICIES] == [r.name for r in RULES]
    assert len({r.name for r in RULES}) == len(RULES)
    for rule, built in zip(RULES, POLICIES, strict=True):
        assert built.description == rule.what and built.enforcement_level == rule.level
        assert built.remediation_steps == rule.fix and built.url and built.url.startswith("https://")
        assert isinstance(built, StackValidationPolicy if rule.applies_to == "stack" else ResourceValidationPolicy)
        assert rule.why


def test_readme_table_matches_the_rules() -> None:
    readme = (PACK_DIR / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(vpn-[a-z0-9-]+)` \| ([^|]+) \|[^|]+\| (\w+) \|$", readme, flags=re.MULTILINE)
    assert [(name, applies.strip(), level) for name, applies, level in rows] == [
        (r.name, APPLIES[r.applies_to], r.level.value) for r in RULES]


def test_policy_project_file() -> None:
    project = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text(encoding="utf-8"))
    assert project["runtime"]["name"] == "python"
    venv = (PACK_DIR / project["runtime"]["options"]["virtualenv"]).resolve()
    assert venv == (PACK_DIR.parent / ".venv").resolve()  # where `python3 tasks.py sync` puts it
    assert re.fullmatch(r"\d+\.\d+\.\d+", project["version"])
    main = (PACK_DIR / "__main__.py").read_text(encoding="utf-8")
    assert "install_secret_tracking()" in main and "PolicyPack(" in main


def test_example_config_names_real_policies_and_values() -> None:
    config = json.loads((PACK_DIR / "config.example.json").read_text(encoding="utf-8"))
    schemas = {p.name: p.config_schema for p in POLICIES}
    for name, value in config.items():
        assert name in schemas
        if isinstance(value, dict):
            schema = schemas[name]
            assert schema is not None
            for key, given in value.items():
                if key == "enforcementLevel":
                    continue
                spec = schema.properties[key]
                if spec["type"] == "array":
                    assert set(given) <= set(spec["items"]["enum"]), key
    assert reconcile(config)["vpn-connection-crypto-weak"][0] == "mandatory"


# --- levels from config change the outcome ---------------------------------------------------------

def seed_site(**overrides: object) -> WireResource:
    return WireResource(CONNECTION, "VNet1toSite6", urn(CONNECTION, "VNet1toSite6"),
                        connection(**{"ipsecPolicies": [SEED_S2S], **overrides}), secret_paths=["sharedKey"])


def levels(config: dict[str, object] | None, resource: WireResource) -> list[tuple[str, str]]:
    return [(d.policy, d.level) for d in InProcessAnalyzer(config).analyze(resource)[0]]


def test_weak_crypto_is_advisory_by_default_and_mandatory_when_configured() -> None:
    weak = [("vpn-connection-crypto-weak", "advisory")] * 2
    assert levels(None, seed_site()) == weak
    assert levels({"vpn-connection-crypto-weak": "mandatory"}, seed_site()) == [
        ("vpn-connection-crypto-weak", "mandatory")] * 2
    assert levels({"vpn-connection-crypto-weak": {"enforcementLevel": "disabled"}}, seed_site()) == []


def test_all_sets_every_level_and_a_named_policy_wins() -> None:
    des = seed_site(ipsecPolicies=[policy(ikeEncryption="DES")])
    assert levels(None, des) == [("vpn-connection-crypto-forbidden", "mandatory")]
    assert levels({"all": "advisory"}, des) == [("vpn-connection-crypto-forbidden", "advisory")]
    assert levels({"all": "advisory", "vpn-connection-crypto-forbidden": "mandatory"}, des) == [
        ("vpn-connection-crypto-forbidden", "mandatory")]


def test_allow_list_reaches_the_policy_through_configure() -> None:
    config = {"vpn-connection-algorithms-allowed": {"DHGroup": ["ECP384"], "PFSGroup": ["ECP384"]}}
    found = InProcessAnalyzer(config).analyze(seed_site())[0]
    allow = [d for d in found if d.policy == "vpn-connection-algorithms-allowed"]
    assert [d.level for d in allow] == ["mandatory", "mandatory"]
    assert "ipsecPolicies[0].dhGroup: got 'DHGroup24'; allowed: ECP384 (pack config DHGroup)" in allow[0].message
    assert "ipsecPolicies[0].pfsGroup: got 'None'; allowed: ECP384 (pack config PFSGroup)" in allow[1].message


# --- the pack started like the CLI starts it ---------------------------------------------------------

@pytest.fixture(scope="module")
def served_pack() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """``python -m pulumi.policy <engine> .`` in policies/, as pulumi-analyzer-policy-python runs it;
    the pack prints its port and serves until stopped. Only this process is stopped afterwards."""
    process = subprocess.Popen([sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."], cwd=PACK_DIR,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline().strip() if ready else "(no port printed within 60 s)"
        if not line.isdigit():
            process.kill()
            _, errors = process.communicate(timeout=10)
            pytest.fail(f"the pack did not start: {line!r} {errors}")
        with grpc.insecure_channel(f"127.0.0.1:{line}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_pack_describes_itself(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = served_pack.GetAnalyzerInfo(empty_pb2.Empty(), timeout=10)
    assert info.name == PACK_NAME
    assert [p.name for p in info.policies] == [r.name for r in RULES]
    by_name = {p.name: p for p in info.policies}
    assert by_name["vpn-connection-crypto-weak"].enforcementLevel == proto.ADVISORY
    assert by_name["vpn-connection-crypto-forbidden"].enforcementLevel == proto.MANDATORY
    assert set(by_name["vpn-connection-algorithms-allowed"].configSchema.properties) >= {"IKEEncryption", "PFSGroup"}


def test_served_pack_tells_a_secret_key_from_a_plain_one(served_pack: analyzer_pb2_grpc.AnalyzerStub) -> None:
    def analyze(secret_paths: list[str]) -> list[str]:
        request = proto.AnalyzeRequest(type=CONNECTION, name="VNet1toSite6", urn=urn(CONNECTION, "VNet1toSite6"),
                                       properties=properties(connection(), secret_paths))
        return [d.policyName for d in served_pack.Analyze(request, timeout=10).diagnostics]

    # __main__.py installed the secret tracking in the served process (it is not this one's).
    assert analyze(["sharedKey"]) == []
    assert analyze([]) == ["vpn-connection-shared-key-secret"]
    assert secret_tracking.active()
