"""Secrets on the wire: what the engine sends, what pulumi-policy does with it, what the pack
sees. Driven through the SDK's real Analyze/Remediate/Configure with protobuf requests."""

from __future__ import annotations

from google.protobuf import json_format
from pulumi.runtime import proto
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY
from vpn_policies import secret_tracking
from vpn_policies.catalogue import TRACKING_OFF_REASON
from vpn_policies.secret_tracking import SecretStr, is_secret, mark_secret_strings

from .analyzer import InProcessAnalyzer, WireResource, properties
from .fixtures import CONNECTION, connection, policy
from .harness import SHARED_KEY, UNKNOWN, sdk_props, secret_wire, urn

SECRET_RULE = "vpn-connection-shared-key-secret"


def site6(secret: bool = True, **overrides: object) -> WireResource:
    return WireResource(CONNECTION, "VNet1toSite6", urn(CONNECTION, "VNet1toSite6"), connection(**overrides),
                        secret_paths=["sharedKey"] if secret else [])


def test_engine_sends_the_key_in_the_secret_signature() -> None:
    wire = json_format.MessageToDict(properties(connection(), ["sharedKey"]))
    assert wire["sharedKey"] == {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": SHARED_KEY}


def test_sdk_alone_unwraps_the_secret_so_validate_cannot_tell() -> None:
    secret_tracking.uninstall()
    key = sdk_props(connection(), ["sharedKey"])["sharedKey"]
    assert key == SHARED_KEY and type(key) is str  # the mark is gone before any rule runs


def test_with_tracking_the_same_string_arrives_marked() -> None:
    props = sdk_props(connection(), ["sharedKey"])
    assert props["sharedKey"] == SHARED_KEY and is_secret(props["sharedKey"])
    assert not is_secret(sdk_props(connection())["sharedKey"])
    assert not is_secret(props["connectionType"])


def test_marking_covers_nested_secrets_and_keeps_the_signature() -> None:
    wire = {"a": secret_wire({"b": ["x", 1]}), "c": "y"}
    marked = mark_secret_strings(wire)
    assert isinstance(marked, dict)
    inner = marked["a"]["value"]
    assert is_secret(inner["b"][0]) and inner["b"][1] == 1
    assert marked["a"][SPECIAL_SIG_KEY] == SPECIAL_SECRET_SIG and not is_secret(marked["a"][SPECIAL_SIG_KEY])
    assert not is_secret(marked["c"])


def test_secret_string_never_shows_itself_in_a_repr() -> None:
    assert repr(SecretStr(SHARED_KEY)) == "'<secret>'"
    assert f"{SecretStr(SHARED_KEY)!r}" == "'<secret>'"


def test_install_is_idempotent_and_reversible() -> None:
    assert secret_tracking.install() and secret_tracking.install() and secret_tracking.active()
    secret_tracking.uninstall()
    assert not secret_tracking.active()


# --- through the SDK's Analyze -----------------------------------------------------------------

def test_compliant_connection_gets_no_diagnostic_from_any_policy() -> None:
    diagnostics, not_applicable = InProcessAnalyzer().analyze(site6())
    assert diagnostics == [] and not_applicable == {}


def test_plain_key_is_a_mandatory_violation_without_the_key() -> None:
    [found], _ = InProcessAnalyzer().analyze(site6(secret=False))
    assert (found.policy, found.level) == (SECRET_RULE, "mandatory")
    # The SDK prefixes the policy's description; the message follows on the next line.
    assert found.message.startswith("A connection's shared key is a Pulumi secret.\n"
                                    "VirtualNetworkGatewayConnection 'VNet1toSite6': sharedKey: given in plain text")
    assert SHARED_KEY not in found.message


def test_without_tracking_the_rule_reports_not_applicable_and_the_rest_still_runs() -> None:
    secret_tracking.uninstall()
    diagnostics, not_applicable = InProcessAnalyzer().analyze(site6(secret=False, dpdTimeoutSeconds=5))
    assert not_applicable == {SECRET_RULE: TRACKING_OFF_REASON}
    assert [d.policy for d in diagnostics] == ["vpn-connection-settings-valid"]


def test_unknown_values_never_stop_a_policy_during_preview() -> None:
    props = site6(sharedKey=UNKNOWN, ipsecPolicies=[policy(dhGroup=UNKNOWN)], dpdTimeoutSeconds=UNKNOWN)
    diagnostics, _ = InProcessAnalyzer().analyze(props)
    assert diagnostics == []  # in particular no advisory "can't run policy ... during preview"


# --- remediation --------------------------------------------------------------------------------

def test_remediate_level_wraps_a_plain_key_as_a_secret() -> None:
    analyzer = InProcessAnalyzer({SECRET_RULE: "remediate"})
    response = analyzer.remediate(site6(secret=False))
    [remediation] = response.remediations
    assert remediation.policyName == SECRET_RULE and not remediation.diagnostic
    fixed = json_format.MessageToDict(remediation.properties)
    assert fixed["sharedKey"] == {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": SHARED_KEY}
    assert fixed["ipsecPolicies"] == [policy()] and fixed["connectionType"] == "IPsec"
    # The engine then analyzes the remediated inputs: nothing left to report.
    remediated = WireResource(CONNECTION, "VNet1toSite6", urn(CONNECTION, "VNet1toSite6"), {})
    after = analyzer.servicer.Analyze(_request(remediated, remediation.properties), None)
    assert list(after.diagnostics) == []


def test_remediate_leaves_a_secret_key_alone() -> None:
    response = InProcessAnalyzer({SECRET_RULE: "remediate"}).remediate(site6())
    assert list(response.remediations) == []


def test_remediation_runs_only_at_the_remediate_level() -> None:
    assert list(InProcessAnalyzer().remediate(site6(secret=False)).remediations) == []


def _request(resource: WireResource, props: object) -> object:
    return proto.AnalyzeRequest(type=resource.type, name=resource.name, urn=resource.urn, properties=props)
