"""Connection policies: one compliant and one violating connection per rule, messages checked.

Props are the engine's camelCase inputs, passed through the SDK's own deserialization (so
numbers arrive as floats and unknowns raise on access, as in a real preview).
"""

from __future__ import annotations

import pytest
from pulumi_policy.policy import _NotApplicableError
from vpn_policies import secret_tracking
from vpn_policies.catalogue import TRACKING_OFF_REASON

from .fixtures import CONNECTION, GATEWAY, SEED_S2S, connection, policy
from .harness import UNKNOWN, sdk_props, violations

SUBJECT = "VirtualNetworkGatewayConnection 'vnet1-to-site6': "
SECRET = ["sharedKey"]


def check(policy_name: str, props: dict[str, object], **kwargs: object) -> list[str]:
    return violations(policy_name, CONNECTION, props, **kwargs)  # type: ignore[arg-type]


# --- vpn-connection-ipsec-policy-valid -------------------------------------------------------

def test_valid_policy_passes() -> None:
    assert check("vpn-connection-ipsec-policy-valid", connection(), secrets=SECRET) == []


def test_gcm_pairing_names_resource_field_value_reason_and_fix() -> None:
    [message] = check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[policy(ipsecIntegrity="SHA256")]))
    assert message.startswith(SUBJECT + "ipsecPolicies[0].ipsecIntegrity: got 'SHA256'; allowed: GCMAES256")
    assert "Azure requires the same GCMAES algorithm and key length" in message
    assert "(seed, Part 2 note 2)" in message
    assert message.endswith("Fix: set ipsecPolicies[0].ipsecIntegrity to 'GCMAES256'.")


def test_gcm_ike_integrity_is_refused_as_the_service_does() -> None:
    [message] = check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[policy(ikeIntegrity="GCMAES256")]))
    assert "ipsecPolicies[0].ikeIntegrity: got 'GCMAES256'; allowed: MD5, SHA1, SHA256, SHA384." in message
    assert "azure-rest-api-specs#27628" in message


def test_partial_policy_lists_each_missing_field() -> None:
    partial = {"ikeEncryption": "AES256", "ikeIntegrity": "SHA384"}
    messages = check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[partial]))
    assert [m.split(": got")[0].removeprefix(SUBJECT) for m in messages] == [
        "ipsecPolicies[0].dhGroup", "ipsecPolicies[0].ipsecEncryption", "ipsecPolicies[0].ipsecIntegrity",
        "ipsecPolicies[0].pfsGroup"]
    assert all("all six algorithm fields are required" in m for m in messages)


def test_lifetime_arrives_as_float_and_counts_as_the_integer_sent() -> None:
    props = sdk_props(connection(ipsecPolicies=[policy(saLifeTimeSeconds=27000)]))
    sent = props["ipsecPolicies"][0]["saLifeTimeSeconds"]
    assert sent == 27000.0 and isinstance(sent, float)  # what the SDK hands a policy
    assert check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[policy(saLifeTimeSeconds=27000)])) == []


def test_fractional_lifetime_is_not_rounded_away() -> None:
    [message] = check("vpn-connection-ipsec-policy-valid",
                      connection(ipsecPolicies=[policy(saLifeTimeSeconds=27000.5)]))
    assert "ipsecPolicies[0].saLifeTimeSeconds: got 27000.5 (float); allowed: a whole number of seconds" in message


def test_lifetime_below_azures_minimum() -> None:
    [message] = check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[policy(saLifeTimeSeconds=120)]))
    assert "saLifeTimeSeconds: got 120 (int); allowed: 300 to 172799 seconds." in message
    assert "Azure requires at least 300 seconds" in message


def test_two_policies_on_one_connection() -> None:
    [message] = check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[policy(), policy()]))
    assert message.startswith(SUBJECT + "ipsecPolicies: got 2 (int); allowed: at most 1 policy.")
    assert "one custom IPsec/IKE policy combination per connection" in message


def test_misspelt_value_gets_a_suggestion() -> None:
    [message] = check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=[policy(dhGroup="ecp-384")]))
    assert "ipsecPolicies[0].dhGroup: got 'ecp-384'" in message
    assert "Fix: set ipsecPolicies[0].dhGroup to 'ECP384'." in message


def test_unknown_value_during_preview_is_skipped_not_failed() -> None:
    # A value known only after apply: no violation now, and no "can't run policy" either.
    props = connection(ipsecPolicies=[policy(dhGroup=UNKNOWN, ipsecIntegrity="SHA256")])
    assert check("vpn-connection-ipsec-policy-valid", props) == []
    assert check("vpn-connection-ipsec-policy-valid", connection(ipsecPolicies=UNKNOWN)) == []


def test_other_resource_types_are_not_judged() -> None:
    bad = connection(ipsecPolicies=[policy(ipsecIntegrity="SHA256")])
    assert violations("vpn-connection-ipsec-policy-valid", GATEWAY, bad) == []


# --- vpn-connection-crypto-forbidden / -weak ------------------------------------------------------

def test_recommended_policy_has_no_strength_findings() -> None:
    assert check("vpn-connection-crypto-forbidden", connection()) == []
    assert check("vpn-connection-crypto-weak", connection()) == []


def test_forbidden_algorithms_cite_the_rfc_and_suggest_a_replacement() -> None:
    weak = policy(ikeEncryption="DES", dhGroup="DHGroup1", ipsecEncryption="AES256", ipsecIntegrity="MD5")
    messages = check("vpn-connection-crypto-forbidden", connection(ipsecPolicies=[weak]))
    assert messages == [
        SUBJECT + "ipsecPolicies[0].ikeEncryption: 'DES' is forbidden. Why: 56-bit DES is MUST NOT for IKEv2 "
        "(RFC 8247 §2.1). Fix: use AES256 at ipsecPolicies[0].ikeEncryption (and on the peer device).",
        SUBJECT + "ipsecPolicies[0].dhGroup: 'DHGroup1' is forbidden. Why: group 1 (768-bit MODP) is MUST NOT "
        "(RFC 8247 §2.4). Fix: use ECP384 at ipsecPolicies[0].dhGroup (and on the peer device).",
        SUBJECT + "ipsecPolicies[0].ipsecIntegrity: 'MD5' is forbidden. Why: HMAC-MD5-96 is MUST NOT for ESP "
        "(RFC 8221 §6). Fix: use SHA256 at ipsecPolicies[0].ipsecIntegrity (and on the peer device).",
    ]
    # Forbidden findings are not repeated by the advisory rule.
    assert all("forbidden" not in m for m in check("vpn-connection-crypto-weak", connection(ipsecPolicies=[weak])))


def test_seed_policy_is_weak_not_forbidden() -> None:
    props = connection(ipsecPolicies=[SEED_S2S])
    assert check("vpn-connection-crypto-forbidden", props) == []
    dh, pfs = check("vpn-connection-crypto-weak", props)
    assert dh.startswith(SUBJECT + "ipsecPolicies[0].dhGroup: 'DHGroup24' is weak.")
    assert "RFC 8247 §2.4" in dh and "Fix: use ECP384" in dh
    assert pfs.startswith(SUBJECT + "ipsecPolicies[0].pfsGroup: 'None' is weak.") and "forward secrecy" in pfs


def test_invalid_policy_gets_no_strength_verdict() -> None:
    # An invalid policy is reported once, by the validity rule.
    bad = connection(ipsecPolicies=[policy(ikeEncryption="DES", ipsecIntegrity="SHA256")])
    assert check("vpn-connection-crypto-forbidden", bad) == []


# --- vpn-connection-settings-valid --------------------------------------------------------------

def test_default_settings_pass() -> None:
    assert check("vpn-connection-settings-valid", connection()) == []


def test_dpd_timeout_out_of_range() -> None:
    [message] = check("vpn-connection-settings-valid", connection(dpdTimeoutSeconds=5))
    assert message == (SUBJECT + "dpdTimeoutSeconds: got 5 (int); allowed: a whole number of seconds from 9 to "
                       "3600 (default 45). Why: Azure's dead peer detection timeout range (IPsec/IKE policy docs). "
                       "Fix: change the field to a value in 'allowed'.")


def test_nat_rules_with_policy_based_selectors() -> None:
    props = connection(usePolicyBasedTrafficSelectors=True, ingressNatRules=[{"id": "nat-in"}],
                       egressNatRules=[{"id": "nat-out"}])
    [message] = check("vpn-connection-settings-valid", props)
    assert message.startswith(SUBJECT + "ingressNatRules + egressNatRules: got 2 (int)")
    assert "Azure does not support NAT rules on a connection with policy-based traffic selectors" in message
    assert message.endswith("Fix: remove the NAT rules from this connection, or set "
                            "usePolicyBasedTrafficSelectors to false.")
    assert check("vpn-connection-settings-valid", connection(ingressNatRules=[{"id": "nat-in"}])) == []


def test_policy_based_selectors_without_policy() -> None:
    [message] = check("vpn-connection-settings-valid", connection(usePolicyBasedTrafficSelectors=True,
                                                                  ipsecPolicies=[]))
    assert message.startswith(SUBJECT + "usePolicyBasedTrafficSelectors: got nothing; allowed: a custom IPsec/IKE")
    assert message.endswith("Fix: add a custom policy to ipsecPolicies (the device must match it), or set "
                            "usePolicyBasedTrafficSelectors to false.")
    assert check("vpn-connection-settings-valid", connection(usePolicyBasedTrafficSelectors=True)) == []


def test_unknown_protocol() -> None:
    [message] = check("vpn-connection-settings-valid", connection(connectionProtocol="IKEv3"))
    assert "connectionProtocol: got 'IKEv3'; allowed: IKEv2, IKEv1." in message


# --- vpn-connection-shared-key ------------------------------------------------------------------

def test_key_present_and_well_formed_passes() -> None:
    assert check("vpn-connection-shared-key", connection(), secrets=SECRET) == []


def test_ipsec_connection_without_key() -> None:
    [message] = check("vpn-connection-shared-key", connection(sharedKey=None))
    assert message.startswith(SUBJECT + "sharedKey: got nothing; allowed: a pre-shared key (a Pulumi secret).")
    assert "Azure generates a key you then have to copy to the peer by hand" in message


def test_express_route_connection_needs_no_key() -> None:
    assert check("vpn-connection-shared-key", connection(connectionType="ExpressRoute", sharedKey=None)) == []


def test_malformed_key_is_reported_without_its_value() -> None:
    too_long = "k" * 129
    [message] = check("vpn-connection-shared-key", connection(sharedKey=too_long), secrets=SECRET)
    assert "sharedKey: got a value (hidden: secret); allowed: 1 to 128 printable ASCII characters" in message
    assert too_long not in message


def test_generated_key_unknown_in_preview_counts_as_present() -> None:
    assert check("vpn-connection-shared-key", connection(sharedKey=UNKNOWN), secrets=SECRET) == []


# --- vpn-connection-shared-key-secret -----------------------------------------------------------

def test_secret_key_passes() -> None:
    assert check("vpn-connection-shared-key-secret", connection(), secrets=SECRET) == []


def test_plain_key_is_reported_without_its_value() -> None:
    [message] = check("vpn-connection-shared-key-secret", connection())
    assert message.startswith(SUBJECT + "sharedKey: given in plain text (value not shown); allowed: a Pulumi secret.")
    assert "stored unencrypted in the stack state" in message
    assert "Fix: pass the key as a secret: pulumi.Output.secret(key)" in message


def test_additional_secret_outputs_does_not_make_a_plain_input_secret() -> None:
    [message] = check("vpn-connection-shared-key-secret", connection(), additional_secret_outputs=["sharedKey"])
    assert "encrypts the output only" in message and "pulumi/pulumi#9581" in message


def test_unknown_secret_key_is_left_for_the_update() -> None:
    assert check("vpn-connection-shared-key-secret", connection(sharedKey=UNKNOWN), secrets=SECRET) == []


def test_without_secret_tracking_the_rule_declares_itself_not_applicable() -> None:
    secret_tracking.uninstall()
    with pytest.raises(_NotApplicableError) as raised:
        check("vpn-connection-shared-key-secret", connection(), secrets=SECRET)
    assert raised.value.reason == TRACKING_OFF_REASON
