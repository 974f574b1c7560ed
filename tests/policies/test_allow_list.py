"""vpn-connection-algorithms-allowed: the pack config changes the outcome as documented.

Config reaches a validate function through ``ResourceValidationArgs(config=...)``, which is
what the SDK builds from the engine's ``Configure`` call (pulumi-policy 1.21
``_get_policy_config``); ``test_secret_tracking`` and ``test_pack`` drive ``Configure`` itself.
"""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import PolicyConfigSchema
from vpn_policies import POLICIES_BY_NAME
from vpn_policies.allow_list import PARAMETERS, is_allowed

from .fixtures import CONNECTION, connection, policy
from .harness import violations

RULE = "vpn-connection-algorithms-allowed"
SUBJECT = "VirtualNetworkGatewayConnection 'vnet1-to-site6': "
APPROVED: dict[str, Any] = {  # a typical approved set, in the built-in's parameter names
    "IKEEncryption": ["GCMAES256", "AES256"],
    "IKEIntegrity": ["SHA384", "SHA256"],
    "DHGroup": ["ECP384", "DHGroup14"],
    "IPsecEncryption": ["GCMAES256"],
    "IPsecIntegrity": ["GCMAES256"],
    "PFSGroup": ["ECP384", "PFS2048"],
}


def check(props: dict[str, Any], config: dict[str, Any] | None) -> list[str]:
    return violations(RULE, CONNECTION, props, secrets=["sharedKey"], config=config)


def test_schema_uses_the_azure_policy_built_in_parameter_names() -> None:
    schema = POLICIES_BY_NAME[RULE].config_schema
    assert isinstance(schema, PolicyConfigSchema)
    assert set(schema.properties) == {"IKEEncryption", "IKEIntegrity", "DHGroup", "IPsecEncryption",
                                      "IPsecIntegrity", "PFSGroup", "requireCustomPolicy"}
    assert schema.properties["DHGroup"]["items"]["enum"] == [
        "None", "DHGroup1", "DHGroup2", "DHGroup14", "DHGroup2048", "ECP256", "ECP384", "DHGroup24"]
    assert schema.properties["requireCustomPolicy"]["default"] is False


def test_without_config_nothing_is_restricted() -> None:
    weak = connection(ipsecPolicies=[policy(ikeEncryption="DES", ikeIntegrity="MD5", dhGroup="DHGroup1")])
    assert check(weak, None) == []
    assert check(weak, {"requireCustomPolicy": False}) == []


def test_policy_within_the_allow_list_passes() -> None:
    assert check(connection(), APPROVED) == []


def test_value_outside_the_allow_list() -> None:
    props = connection(ipsecPolicies=[policy(ikeEncryption="AES128", pfsGroup="PFS24")])
    ike, pfs = check(props, APPROVED)
    assert ike == (
        SUBJECT + "ipsecPolicies[0].ikeEncryption: got 'AES128'; allowed: GCMAES256, AES256 (pack config "
        "IKEEncryption). Why: the organisation's allow-list in this pack's config, parameter IKEEncryption of "
        "Azure Policy built-in 50b83b09-03da-41c1-b656-c293c914862b ('A custom IPsec/IKE policy must be applied "
        "to all Azure virtual network gateway connections'). Fix: use a value from 'allowed' (and the same on "
        "the peer device), or change the allow-list in the pack config.")
    assert pfs.startswith(SUBJECT + "ipsecPolicies[0].pfsGroup: got 'PFS24'; allowed: ECP384, PFS2048 "
                                    "(pack config PFSGroup).")


def test_only_configured_parameters_restrict() -> None:
    props = connection(ipsecPolicies=[policy(ikeEncryption="AES128")])
    assert check(props, {"DHGroup": ["ECP384"]}) == []
    assert len(check(props, {"IKEEncryption": ["GCMAES256"]})) == 1


@pytest.mark.parametrize(("field", "value", "allowed", "main_mode"), [
    ("dh_group", "DHGroup2048", ("DHGroup14",), None),
    ("pfs_group", "PFS14", ("PFS2048",), None),
    ("pfs_group", "PFSMM", ("ECP384",), "ECP384"),
    ("pfs_group", "PFSMM", ("PFSMM",), "DHGroup24"),
])
def test_spellings_of_one_group_count_as_one(field: str, value: str, allowed: tuple[str, ...],
                                             main_mode: str | None) -> None:
    assert is_allowed(field, value, allowed, main_mode)


def test_group_folding_does_not_allow_a_different_group() -> None:
    assert not is_allowed("pfs_group", "PFSMM", ("ECP384",), "DHGroup24")
    assert not is_allowed("dh_group", "DHGroup24", ("DHGroup14",))  # both 2048-bit, not one group
    props = connection(ipsecPolicies=[policy(dhGroup="DHGroup24", pfsGroup="PFSMM")])
    dh, pfs = check(props, {"DHGroup": ["ECP384"], "PFSGroup": ["ECP384"]})
    assert "dhGroup: got 'DHGroup24'" in dh and "pfsGroup: got 'PFSMM'" in pfs


def test_equivalent_spelling_passes_through_the_rule() -> None:
    props = connection(ipsecPolicies=[policy(dhGroup="DHGroup2048", pfsGroup="PFS14")])
    assert check(props, {"DHGroup": ["DHGroup14"], "PFSGroup": ["PFS2048"]}) == []


def test_require_custom_policy() -> None:
    without = connection(ipsecPolicies=[])
    assert check(without, None) == []
    [message] = check(without, {"requireCustomPolicy": True})
    assert message.startswith(SUBJECT + "ipsecPolicies: got [] (list); allowed: one custom IPsec/IKE policy.")
    assert "this pack's config sets requireCustomPolicy" in message
    assert message.endswith("Fix: add a custom policy to ipsecPolicies (components.IpsecPolicy, e.g. "
                            "RECOMMENDED_POLICY), or set requireCustomPolicy to false in the pack config.")
    assert check(connection(), {"requireCustomPolicy": True}) == []


def test_require_custom_policy_ignores_connections_that_take_none() -> None:
    express_route = connection(connectionType="ExpressRoute", ipsecPolicies=None, sharedKey=None)
    assert violations(RULE, CONNECTION, express_route, config={"requireCustomPolicy": True}) == []


def test_malformed_config_fails_loudly() -> None:
    with pytest.raises(ValueError, match="policy config IKEEncryption: expected a list of strings"):
        check(connection(), {"IKEEncryption": "AES256"})
    with pytest.raises(ValueError, match="requireCustomPolicy: expected true or false"):
        check(connection(), {"requireCustomPolicy": "yes"})


def test_every_parameter_maps_to_a_policy_field() -> None:
    assert sorted(PARAMETERS.values()) == sorted(
        ["ike_encryption", "ike_integrity", "dh_group", "ipsec_encryption", "ipsec_integrity", "pfs_group"])
