"""Every combination of the six algorithm fields against an independently written oracle.

The oracle is written from REFERENCE.md's prose, with its own literal lists, on purpose:
it must not share code (or the SDK enums) with the rule module it checks.
"""

from __future__ import annotations

import itertools

import pytest

from components import IpsecPolicy, PolicyError

IKE_ENCRYPTION = ["DES", "DES3", "AES128", "AES192", "AES256", "GCMAES256", "GCMAES128"]
IKE_INTEGRITY = ["MD5", "SHA1", "SHA256", "SHA384", "GCMAES256", "GCMAES128"]
DH_GROUP = ["None", "DHGroup1", "DHGroup2", "DHGroup14", "DHGroup2048", "ECP256", "ECP384", "DHGroup24"]
IPSEC_ENCRYPTION = ["None", "DES", "DES3", "AES128", "AES192", "AES256", "GCMAES128", "GCMAES192", "GCMAES256"]
IPSEC_INTEGRITY = ["MD5", "SHA1", "SHA256", "GCMAES128", "GCMAES192", "GCMAES256"]
PFS_GROUP = ["None", "PFS1", "PFS2", "PFS2048", "ECP256", "ECP384", "PFS24", "PFS14", "PFSMM"]


def oracle_problem_fields(ike_enc: str, ike_int: str, ipsec_enc: str, ipsec_int: str) -> set[str]:
    """Which fields Azure would complain about (DH and PFS values are all accepted)."""
    bad = set()
    if "GCM" in ike_int:  # the service refuses GCM for IKE integrity
        bad.add("ike_integrity")
    enc_gcm, int_gcm = ipsec_enc.startswith("GCM"), ipsec_int.startswith("GCM")
    if enc_gcm and ipsec_enc != ipsec_int:
        bad.add("ipsec_integrity")
    elif int_gcm and not enc_gcm:
        bad.add("ipsec_encryption")
    return bad


def test_cross_product_matches_oracle() -> None:
    combos = itertools.product(IKE_ENCRYPTION, IKE_INTEGRITY, DH_GROUP, IPSEC_ENCRYPTION,
                               IPSEC_INTEGRITY, PFS_GROUP)
    checked = valid = 0
    mismatches: list[str] = []
    for ike_enc, ike_int, dh, ipsec_enc, ipsec_int, pfs in combos:
        expected = oracle_problem_fields(ike_enc, ike_int, ipsec_enc, ipsec_int)
        try:
            IpsecPolicy(ike_encryption=ike_enc, ike_integrity=ike_int, dh_group=dh,
                        ipsec_encryption=ipsec_enc, ipsec_integrity=ipsec_int, pfs_group=pfs)
            got: set[str] = set()
            valid += 1
        except PolicyError as error:
            got = {p.path for p in error.problems}
        if got != expected:
            mismatches.append(f"{ike_enc}/{ike_int}/{dh} {ipsec_enc}/{ipsec_int}/{pfs}: "
                              f"expected {sorted(expected)}, got {sorted(got)}")
        checked += 1
    assert mismatches == []
    assert checked == 7 * 6 * 8 * 9 * 6 * 9 == 163_296
    # 4 usable IKE integrity values x (non-GCM 6x3 + 3 matched GCM pairs = 21 IPsec pairs).
    assert valid == 7 * 4 * 8 * 21 * 9


@pytest.mark.parametrize("field,values", [
    ("ike_encryption", IKE_ENCRYPTION), ("ike_integrity", IKE_INTEGRITY), ("dh_group", DH_GROUP),
    ("ipsec_encryption", IPSEC_ENCRYPTION), ("ipsec_integrity", IPSEC_INTEGRITY),
    ("pfs_group", PFS_GROUP),
])
def test_sdk_enums_are_what_the_oracle_expects(field: str, values: list[str]) -> None:
    """If azure-native adds or drops a value, this fails and the oracle must be revisited."""
    from components.rules.ipsec_policy_rules import sdk_values

    assert list(sdk_values(field)) == values
