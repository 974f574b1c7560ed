from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_azure_native import network

from components import RECOMMENDED_POLICY, SEED_S2S_POLICY, SEED_VNET2VNET_POLICY, IpsecPolicy, PolicyError
from components.rules import ipsec_policy_rules as rules

GOOD = dict(ike_encryption="AES256", ike_integrity="SHA384", dh_group="DHGroup24",
            ipsec_encryption="AES256", ipsec_integrity="SHA256", pfs_group="None")


def problems_of(**overrides: object) -> dict[str, str]:
    with pytest.raises(PolicyError) as caught:
        IpsecPolicy(**{**GOOD, **overrides})  # type: ignore[arg-type]
    return {p.path: p.message() for p in caught.value.problems}


# --- construction ---------------------------------------------------------------------

def test_defaults_are_azures() -> None:
    policy = IpsecPolicy(**GOOD)
    assert policy.sa_lifetime_seconds == 27000
    assert policy.sa_data_size_kilobytes == 102400000


def test_partial_policy_names_every_missing_field() -> None:
    with pytest.raises(PolicyError) as caught:
        IpsecPolicy(ike_encryption="AES256", pfs_group="None")
    missing = [p.path for p in caught.value.problems]
    assert missing == ["ike_integrity", "dh_group", "ipsec_encryption", "ipsec_integrity"]
    assert "4 problems" in str(caught.value)
    assert all("required" in p.why for p in caught.value.problems)


def test_policy_is_immutable() -> None:
    policy = IpsecPolicy(**GOOD)
    with pytest.raises(AttributeError):
        policy.ike_encryption = "DES"  # type: ignore[misc]


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


def test_enum_members_and_strings_are_the_same_policy() -> None:
    with_enums = IpsecPolicy(
        ike_encryption=network.IkeEncryption.AES256, ike_integrity=network.IkeIntegrity.SHA384,
        dh_group=network.DhGroup.DH_GROUP24, ipsec_encryption=network.IpsecEncryption.AES256,
        ipsec_integrity=network.IpsecIntegrity.SHA256, pfs_group=network.PfsGroup.NONE)
    assert with_enums == IpsecPolicy(**GOOD)
    assert type(with_enums.dh_group) is str and with_enums.dh_group == "DHGroup24"


# --- one test per rule, message checked ------------------------------------------------

def test_unknown_value_message_names_field_value_allowed_and_suggests() -> None:
    message = problems_of(ike_encryption="AES-256")["ike_encryption"]
    assert "got 'AES-256'" in message
    assert "DES, DES3, AES128, AES192, AES256, GCMAES256, GCMAES128" in message
    assert "Did you mean 'AES256'?" in message


@pytest.mark.parametrize("field,typo,meant", [
    ("ike_encryption", "aes256", "AES256"),
    ("ike_encryption", "3DES", "DES3"),
    ("ipsec_encryption", "AES-GCM-256", "GCMAES256"),
    ("dh_group", "group14", "DHGroup14"),
    ("pfs_group", "pfs2048", "PFS2048"),
    ("pfs_group", "group14", "PFS2048"),
    ("ike_integrity", "SHA-256", "SHA256"),
])
def test_near_miss_spellings_get_a_suggestion(field: str, typo: str, meant: str) -> None:
    assert f"Did you mean '{meant}'?" in problems_of(**{field: typo})[field]


def test_nonsense_gets_no_suggestion() -> None:
    assert "Did you mean" not in problems_of(dh_group="banana")["dh_group"]


def test_non_string_algorithm_is_rejected() -> None:
    assert "got 256 (int)" in problems_of(ike_encryption=256)["ike_encryption"]


def test_gcm_ike_integrity_is_refused_with_reason() -> None:
    message = problems_of(ike_integrity="GCMAES256")["ike_integrity"]
    assert "got 'GCMAES256'" in message
    assert "allowed: MD5, SHA1, SHA256, SHA384" in message
    assert "27628" in message


def test_gcm_encryption_requires_identical_integrity() -> None:
    message = problems_of(ipsec_encryption="GCMAES256", ipsec_integrity="SHA256")["ipsec_integrity"]
    assert "got 'SHA256'" in message and "allowed: GCMAES256" in message
    assert "same GCMAES algorithm and key length" in message


def test_gcm_key_lengths_must_match() -> None:
    message = problems_of(ipsec_encryption="GCMAES256", ipsec_integrity="GCMAES128")["ipsec_integrity"]
    assert "got 'GCMAES128'" in message and "allowed: GCMAES256" in message


def test_gcm_integrity_requires_gcm_encryption() -> None:
    message = problems_of(ipsec_encryption="AES256", ipsec_integrity="GCMAES128")["ipsec_encryption"]
    assert "got 'AES256'" in message and "allowed: GCMAES128" in message


@pytest.mark.parametrize("field,value,text", [
    ("sa_lifetime_seconds", 299, "Azure requires at least 300 seconds"),
    ("sa_lifetime_seconds", 172800, "Azure accepts at most 172799 seconds"),
    ("sa_data_size_kilobytes", 1023, "Azure requires at least 1024 kilobytes"),
    ("sa_data_size_kilobytes", 2**31, "Azure accepts at most 2147483647 kilobytes"),
])
def test_lifetime_bounds(field: str, value: int, text: str) -> None:
    message = problems_of(**{field: value})[field]
    assert f"got {value} (int)" in message and text in message


@pytest.mark.parametrize("value", [True, 300.5, "300s", 300.0, None])
def test_lifetime_must_be_plain_integer(value: object) -> None:
    message = problems_of(sa_lifetime_seconds=value)["sa_lifetime_seconds"]
    assert "a whole number of seconds from 300 to 172799" in message


def test_zero_kilobytes_means_no_volume_limit() -> None:
    assert IpsecPolicy(**GOOD, sa_data_size_kilobytes=0).sa_data_size_kilobytes == 0
    assert "or 0 for no volume limit" in problems_of(sa_data_size_kilobytes=1)["sa_data_size_kilobytes"]


def test_weak_but_accepted_algorithms_are_valid() -> None:
    policy = IpsecPolicy(ike_encryption="DES", ike_integrity="MD5", dh_group="DHGroup1",
                         ipsec_encryption="DES", ipsec_integrity="MD5", pfs_group="PFS1")
    assert {f.severity for f in policy.assess()} == {"forbidden"}


# --- properties ------------------------------------------------------------------------

@given(st.integers(min_value=-10**12, max_value=10**12))
def test_lifetime_seconds_valid_exactly_in_range(seconds: int) -> None:
    ok = rules.SA_LIFETIME_SECONDS_MIN <= seconds <= rules.SA_LIFETIME_SECONDS_MAX
    try:
        policy = IpsecPolicy(**GOOD, sa_lifetime_seconds=seconds)
    except PolicyError as error:
        assert not ok
        assert [p.path for p in error.problems] == ["sa_lifetime_seconds"]
    else:
        assert ok and policy.sa_lifetime_seconds == seconds


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_data_size_valid_exactly_in_range(kilobytes: int) -> None:
    ok = rules.SA_DATA_SIZE_KILOBYTES_MIN <= kilobytes <= rules.SA_DATA_SIZE_KILOBYTES_MAX or kilobytes == 0
    try:
        IpsecPolicy(**GOOD, sa_data_size_kilobytes=kilobytes)
    except PolicyError:
        assert not ok
    else:
        assert ok


@given(st.one_of(st.floats(allow_nan=True), st.text(), st.booleans(), st.none(),
                 st.lists(st.integers(), max_size=2)))
def test_non_integers_never_pass_as_lifetime(value: object) -> None:
    with pytest.raises(PolicyError) as caught:
        IpsecPolicy(**GOOD, sa_lifetime_seconds=value)  # type: ignore[arg-type]
    assert [p.rule for p in caught.value.problems] == ["policy.lifetime-integer"]


@given(st.sampled_from(list(network.IkeEncryption)), st.sampled_from(list(network.DhGroup)),
       st.sampled_from(list(network.PfsGroup)), st.booleans())
def test_enum_member_or_its_value_give_equal_policies(
        encryption: network.IkeEncryption, dh: network.DhGroup, pfs: network.PfsGroup,
        as_string: bool) -> None:
    def build(use_value: bool) -> IpsecPolicy:
        pick = (lambda m: m.value) if use_value else (lambda m: m)
        return IpsecPolicy(ike_encryption=pick(encryption), ike_integrity="SHA256",
                           dh_group=pick(dh), ipsec_encryption="AES128", ipsec_integrity="SHA256",
                           pfs_group=pick(pfs))
    a, b = build(as_string), build(not as_string)
    assert a == b and hash(a) == hash(b) and a.to_arm() == b.to_arm()


@given(st.text(max_size=12))
def test_arbitrary_strings_are_accepted_only_if_in_the_enum(text: str) -> None:
    allowed = {m.value for m in network.IkeEncryption}
    try:
        IpsecPolicy(**{**GOOD, "ike_encryption": text})
    except PolicyError as error:
        assert text not in allowed
        assert [p.path for p in error.problems] == ["ike_encryption"]
    else:
        assert text in allowed


# --- equality and interchange -----------------------------------------------------------

def test_equivalent_group_spellings_are_equal() -> None:
    a = IpsecPolicy(**{**GOOD, "dh_group": "DHGroup14", "pfs_group": "PFS2048"})
    b = IpsecPolicy(**{**GOOD, "dh_group": "DHGroup2048", "pfs_group": "PFS14"})
    c = IpsecPolicy(**{**GOOD, "dh_group": "DHGroup14", "pfs_group": "PFSMM"})
    assert a == b == c and len({a, b, c}) == 1
    assert a.changed_fields(b) == []


def test_different_policies_are_not_equal_and_changes_are_named() -> None:
    a = IpsecPolicy(**GOOD)
    b = IpsecPolicy(**{**GOOD, "ike_encryption": "AES128", "sa_lifetime_seconds": 3600})
    assert a != b
    assert a.changed_fields(b) == ["ike_encryption", "sa_lifetime_seconds"]


def test_to_args_is_the_typed_sdk_input() -> None:
    args = SEED_S2S_POLICY.to_args()
    assert isinstance(args, network.IpsecPolicyArgs)
    assert args.ike_integrity == "SHA384"
    assert args.sa_life_time_seconds == 14400
    assert args.pfs_group == "None"


def test_arm_round_trip() -> None:
    arm = SEED_VNET2VNET_POLICY.to_arm()
    assert arm == {"ikeEncryption": "AES128", "ikeIntegrity": "SHA1", "dhGroup": "DHGroup14",
                   "ipsecEncryption": "GCMAES128", "ipsecIntegrity": "GCMAES128", "pfsGroup": "PFS14",
                   "saLifeTimeSeconds": 14400, "saDataSizeKilobytes": 102400000}
    assert IpsecPolicy.from_mapping(arm) == SEED_VNET2VNET_POLICY


def test_from_mapping_reads_the_show_shape_and_snake_case() -> None:
    assert IpsecPolicy.from_mapping(SEED_S2S_POLICY.to_show()) == SEED_S2S_POLICY
    assert IpsecPolicy.from_mapping(SEED_S2S_POLICY.to_dict()) == SEED_S2S_POLICY


def test_from_mapping_reports_paths_in_the_callers_spelling() -> None:
    arm = {**RECOMMENDED_POLICY.to_arm(), "ikeEncryption": "AES-256", "bogus": 1}
    del arm["pfsGroup"]
    with pytest.raises(PolicyError) as caught:
        IpsecPolicy.from_mapping(arm, path="sites.Site6.policy")
    paths = [p.path for p in caught.value.problems]
    assert paths == ["sites.Site6.policy.bogus", "sites.Site6.policy.ikeEncryption",
                     "sites.Site6.policy.pfsGroup"]
    assert "sites.Site6.policy.ikeEncryption: got 'AES-256'" in str(caught.value)


def test_summary_matches_the_documented_shape() -> None:
    assert SEED_S2S_POLICY.summary() == (
        "IKE AES256/SHA384/DHGroup24 | IPsec AES256/SHA256/PFS None | 14400 s, 102400000 KB")


def test_show_shape_is_the_seeds() -> None:
    assert list(SEED_S2S_POLICY.to_show()) == [
        "SALifeTimeSeconds", "SADataSizeKilobytes", "IpsecEncryption", "IpsecIntegrity",
        "IkeEncryption", "IkeIntegrity", "DhGroup", "PfsGroup"]
    # Seed Part 5 step 2's expected output, as PowerShell prints it.
    from components import SEED_UPDATED_S2S_POLICY
    assert SEED_UPDATED_S2S_POLICY.format_show() == "\n".join([
        "SALifeTimeSeconds   : 14400",
        "SADataSizeKilobytes : 102400000",
        "IpsecEncryption     : AES256",
        "IpsecIntegrity      : SHA256",
        "IkeEncryption       : AES128",
        "IkeIntegrity        : SHA1",
        "DhGroup             : DHGroup14",
        "PfsGroup            : None",
    ])
