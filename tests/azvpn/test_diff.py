"""``azvpn diff`` between pairs of dev-stack configs: policies, sites, pairs, keys, replacements.

Each side is the real __main__.py planned under mocks with config overrides; plans are cached
per config for the whole session (one costs 1-2 s). Reports are compared with the reviewed
golden files in diff_fixtures/; set AZVPN_UPDATE_GOLDEN=1 to rewrite them after a deliberate
change, then read the diff of the goldens like any other code change.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from azvpn.diff import (
    AZURE_DEFAULTS_WEAKEST,
    REPLACE_ON_CHANGES,
    SECRET,
    StackDiff,
    diff_plans,
)
from azvpn.diff_render import MARKER, diff_document, render_json, render_markdown
from azvpn.engine import PlanResult
from azvpn.plan import plan_stack
from components import RECOMMENDED_POLICY

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "diff_fixtures"
DEV: dict[str, Any] = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]


def dev(key: str) -> Any:
    return copy.deepcopy(DEV[f"azure-ipsec-vpn:{key}"])


def _weaker_policies() -> dict[str, Any]:
    # The example (AES256 -> AES128) plus SHA384 -> SHA1, which the RFCs do mind.
    policies = dev("policies")
    policies["seed-s2s"] |= {"ikeEncryption": "AES128", "ikeIntegrity": "SHA1"}
    return policies


def _with_recommended(**refs: str) -> dict[str, Any]:
    policies = dev("policies") | {"recommended": RECOMMENDED_POLICY.to_arm()}
    sites, pairs = dev("sites"), dev("pairs")
    for name, policy in refs.items():
        (sites if name in sites else pairs)[name]["policy"] = policy
    return {"policies": policies, "sites": sites, "pairs": pairs}


def _site6(**changes: Any) -> dict[str, Any]:
    sites = dev("sites")
    sites["Site6"] |= changes
    sites["Site6"] = {k: v for k, v in sites["Site6"].items() if v is not None}
    return {"sites": sites}


def _site7() -> dict[str, Any]:
    sites = dev("sites")
    sites["Site7"] = {"gateway": "VNet2GW", "gatewayIpAddress": "131.107.72.23",
                      "addressPrefixes": ["10.71.0.0/16"], "policy": "seed-s2s"}
    return {"sites": sites}


def _renamed_gateway() -> dict[str, Any]:
    gateways = dev("gateways")
    gateways["VNet1GW"] |= {"gatewayName": "VNet1GW-v2", "publicIpName": "VNet1GWIP2"}
    return {"gateways": gateways}


def _aes128_only() -> dict[str, Any]:
    policies = dev("policies")
    policies["seed-s2s"]["ikeEncryption"] = "AES128"
    return {"policies": policies}


def _md5() -> dict[str, Any]:
    policies = dev("policies")
    policies["seed-s2s"]["ikeIntegrity"] = "MD5"
    return {"policies": policies}


#: Named stack configs (overrides on Pulumi.dev.yaml); a diff is a pair of these.
CONFIGS: dict[str, dict[str, Any]] = {
    "dev": {},
    "site6-weaker": {"policies": _weaker_policies()},
    "site6-recommended": _with_recommended(Site6="recommended"),
    "site6-no-policy": _site6(policy=None),
    "site6-ikev1": _site6(connectionProtocol="IKEv1"),
    "site6-md5": _md5(),
    "site6-aes128": _aes128_only(),
    "site7": _site7(),
    "pair-recommended": _with_recommended(**{"VNet1-VNet2": "recommended"}),
    "key-a": {"sharedKeys": {"Site6": {"secure": "v1:rotation-one"}}},
    "key-b": {"sharedKeys": {"Site6": {"secure": "v1:rotation-two"}}},
    "gateway-renamed": _renamed_gateway(),
    "gateway-renamed-site6-weaker": {"policies": _weaker_policies(), **_renamed_gateway()},
}


@functools.cache
def plan(name: str) -> PlanResult:
    return plan_stack(ROOT, "dev", CONFIGS[name])


@functools.cache
def diff(base: str, head: str) -> StackDiff:
    return diff_plans(plan(base), plan(head), base_label=f"config {base}", head_label=f"config {head}")


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AZVPN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{name}: no golden file; run with AZVPN_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


# --- policies -------------------------------------------------------------------------------


def test_weakened_policy_lists_each_field_and_says_why() -> None:
    result = diff("dev", "site6-weaker")
    [policy] = result.policies
    assert (policy.connection, policy.site, policy.change, policy.verdict) == (
        "VNet1toSite6", "Site6", "changed", "weaker")
    assert [(f.field, f.old, f.new) for f in policy.fields] == [
        ("ikeEncryption", "AES256", "AES128"), ("ikeIntegrity", "SHA384", "SHA1")]
    assert policy.reason == ("adds weak `ikeIntegrity=SHA1`; forbidden 0 → 0, weak 2 → 3 "
                             "(RFC 8247/8221 findings)")
    assert result.weaker() == [policy]
    assert result.counts() == {"add": 0, "remove": 0, "update": 1, "replace": 0}
    assert_golden("site6_weaker.md", render_markdown(result))
    assert_golden("site6_weaker.json", render_json(result))


def test_weakened_policy_tells_operators_to_reconfigure_the_device() -> None:
    markdown = render_markdown(diff("dev", "site6-weaker"))
    assert markdown.startswith(MARKER + "\n")
    assert "the on-premises device of site Site6 must be reconfigured at the same time" in markdown
    assert "`azvpn device-config --stack dev --site Site6 --vendor <vendor>`" in markdown
    assert "the tunnel renegotiates" in markdown


def test_smaller_key_with_no_rfc_finding_is_still_weaker() -> None:
    """AES256 -> AES128 moves no RFC 8247 finding, but it halves the security strength."""
    result = diff("dev", "site6-aes128")
    [policy] = result.policies
    assert policy.verdict == "weaker" and result.weaker() == [policy]
    assert "security strength ikeEncryption 256 → 128 bits (NIST SP 800-57 Part 1)" in policy.reason
    [back] = diff("site6-aes128", "dev").policies
    assert back.verdict == "stronger"


def test_strengthened_policy() -> None:
    [policy] = diff("dev", "site6-recommended").policies
    assert policy.verdict == "stronger"
    assert policy.reason == ("drops weak `dhGroup=DHGroup24`, weak `pfsGroup=None`; "
                             "forbidden 0 → 0, weak 2 → 0 (RFC 8247/8221 findings)")
    assert not diff("dev", "site6-recommended").weaker()


def test_removed_policy_falls_back_to_azure_defaults_and_is_weaker() -> None:
    result = diff("dev", "site6-no-policy")
    [policy] = result.policies
    assert (policy.old is not None, policy.new, policy.verdict) == (True, None, "weaker")
    assert [f.field for f in policy.fields] == ["ikeEncryption", "ikeIntegrity", "dhGroup", "ipsecEncryption",
                                                "ipsecIntegrity", "pfsGroup", "saLifeTimeSeconds",
                                                "saDataSizeKilobytes"]
    assert AZURE_DEFAULTS_WEAKEST.summary() in policy.reason
    markdown = render_markdown(result)
    assert "falls back to Azure's default proposals" in markdown
    # The resource view shows the policy list emptied, as Azure's API does it (seed, Part 5 step 3).
    [change] = result.resource_changes()
    assert [(p.path, p.old, p.new) for p in change.properties] == [("ipsecPolicies", [policy.old.to_arm()], [])]
    assert_golden("site6_policy_removed.md", markdown)


def test_added_policy_is_judged_against_azure_defaults() -> None:
    [policy] = diff("site6-no-policy", "dev").policies
    assert (policy.old, policy.verdict) == (None, "stronger")
    assert policy.reason.startswith("adds weak `dhGroup=DHGroup24`; drops weak `ikeEncryption=DES3`")
    assert policy.reason.endswith("forbidden 0 → 0, weak 6 → 2 (RFC 8247/8221 findings)")


def test_pair_policy_change_covers_both_directions_without_a_device() -> None:
    result = diff("dev", "pair-recommended")
    assert [(p.connection, p.pair, p.verdict) for p in result.policies] == [
        ("VNet1toVNet2", "VNet1-VNet2", "stronger"), ("VNet2toVNet1", "VNet1-VNet2", "stronger")]
    [note] = result.notes
    assert (note.subject, note.command) == ("pair VNet1-VNet2", None)
    assert "no on-premises device is involved" in note.text


def test_forbidden_finding_fails_on_weaker() -> None:
    result = diff("dev", "site6-md5")
    [policy] = result.policies
    assert [(f.field, f.value) for f in policy.appeared_forbidden] == [("ike_integrity", "MD5")]
    assert result.weaker() == [policy]
    document = diff_document(result)
    assert document["summary"]["failOnWeaker"] is True
    assert document["connections"][0]["appearedForbidden"][0]["field"] == "ikeIntegrity"
    assert "🛑 forbidden: `ikeIntegrity=MD5`" in render_markdown(result)


# --- sites ----------------------------------------------------------------------------------


def test_site_added() -> None:
    result = diff("dev", "site7")
    [component] = result.components
    assert (component.type, component.name, component.status) == ("azure-ipsec-vpn:index:VpnSite", "Site7", "added")
    assert {(r.kind, r.name) for r in component.resources} == {
        ("add", "Site7-lng"), ("add", "Site7-connection-connection"), ("add", "Site7-shared-key")}
    [policy] = result.policies
    assert (policy.connection, policy.change, policy.verdict) == ("VNet2GWtoSite7", "added", "new")
    assert not result.weaker()  # weak findings, none forbidden: a new site is not a regression
    assert_golden("site7_added.md", render_markdown(result))


def test_site_removed() -> None:
    result = diff("site7", "dev")
    [component] = result.components
    assert (component.name, component.status) == ("Site7", "removed")
    assert {r.kind for r in component.resources} == {"remove"}
    [policy] = result.policies
    assert (policy.change, policy.verdict) == ("removed", "removed")
    assert "site Site7 is disconnected" in render_markdown(result)


# --- shared keys ----------------------------------------------------------------------------


def test_rotated_shared_key_is_a_change_without_the_value() -> None:
    result = diff("key-a", "key-b")
    [change] = result.resource_changes()
    [key] = change.properties
    assert (change.kind, key.path, key.secret, key.old, key.new) == ("update", "sharedKey", True, SECRET, SECRET)
    assert not result.policies
    markdown, document = render_markdown(result), render_json(result)
    for text in (markdown, document):
        assert "rotation-one" not in text and "rotation-two" not in text
        assert "secure-value-not-decrypted" not in text  # not even the placeholder's digest
    assert "must get the same key at the same time" in markdown
    assert_golden("site6_key_rotated.md", markdown)


def test_generated_key_replaced_by_a_configured_one() -> None:
    result = diff("dev", "key-a")
    kinds = {(r.kind, r.short_type) for r in result.resource_changes()}
    assert kinds == {("update", "VirtualNetworkGatewayConnection"), ("remove", "RandomPassword")}


# --- replacements ---------------------------------------------------------------------------


def test_connection_protocol_change_replaces_the_connection() -> None:
    [change] = diff("dev", "site6-ikev1").resource_changes()
    assert change.kind == "replace"
    [protocol] = change.properties
    assert (protocol.path, protocol.old, protocol.new, protocol.replaces) == (
        "connectionProtocol", "IKEv2", "IKEv1", True)
    assert protocol.why is not None and "refuses" in protocol.why


def test_renamed_gateway_is_called_out_loudly() -> None:
    result = diff("dev", "gateway-renamed")
    assert result.counts()["replace"] == 5
    assert [n.subject for n in result.notes if n.level == "danger"] == ["VNet1GW-gateway", "VNet1GW-ip"]
    markdown = render_markdown(result)
    assert "> [!CAUTION]" in markdown and "DELETED and built again" in markdown
    assert markdown.index("[!CAUTION]") < markdown.index("### IPsec/IKE policies" if result.policies
                                                         else "### What operators must do")
    assert_golden("gateway_renamed.md", markdown)


def test_policy_edit_that_replaces_a_gateway_says_it_must_not() -> None:
    result = diff("dev", "gateway-renamed-site6-weaker")
    danger = [n.text for n in result.notes if n.level == "danger"]
    assert len(danger) == 2
    assert all("A policy edit must never do this" in text for text in danger)


def test_replace_table_covers_every_azure_type_the_stack_registers() -> None:
    types = {r.type for r in plan("dev").resources if r.custom}
    assert types <= set(REPLACE_ON_CHANGES)
    for inputs in REPLACE_ON_CHANGES.values():
        assert all(why for why in inputs.values())


# --- output hygiene -------------------------------------------------------------------------


def test_no_change_says_so() -> None:
    result = diff("dev", "dev")
    assert result.empty and not result.policies and not result.notes
    assert render_markdown(result) == (
        f"{MARKER}\n## VPN changes in stack `dev`\n\nNo VPN changes between `config dev` and `config dev`.\n\n"
        "<sub>`azvpn diff`: both sides planned offline under mocks (no cloud access); values Azure assigns on "
        "apply show as (known after apply); secret values are never shown.</sub>\n")


@pytest.mark.parametrize(("base", "head"), [("dev", "site7"), ("gateway-renamed", "dev"), ("key-a", "key-b")])
def test_reports_are_deterministic_and_json_is_valid(base: str, head: str) -> None:
    again = diff_plans(plan(base), plan(head), base_label=f"config {base}", head_label=f"config {head}")
    assert render_markdown(again) == render_markdown(diff(base, head))
    document = json.loads(render_json(again))
    assert document["schemaVersion"] == 1 and document["stack"] == "dev"
    assert "/tmp" not in render_json(again)


def test_long_reports_fold_lists_into_details() -> None:
    markdown = render_markdown(diff("dev", "gateway-renamed"))
    assert "<details><summary>Resource changes by component (5)</summary>" in markdown
