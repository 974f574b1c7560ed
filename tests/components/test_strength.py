from __future__ import annotations

import pytest

from components import RECOMMENDED_POLICY, SEED_S2S_POLICY, IpsecPolicy

STRONG = dict(ike_encryption="AES256", ike_integrity="SHA256", dh_group="DHGroup14",
              ipsec_encryption="AES256", ipsec_integrity="SHA256", pfs_group="ECP256")


def findings(**overrides: str) -> dict[str, tuple[str, str, str]]:
    policy = IpsecPolicy(**{**STRONG, **overrides})
    return {f.field: (f.severity, f.reason, f.suggestion) for f in policy.assess()}


def test_recommended_and_strong_have_no_findings() -> None:
    assert RECOMMENDED_POLICY.assess() == []
    assert findings() == {}


@pytest.mark.parametrize("field,value,severity,rfc", [
    ("ike_encryption", "DES", "forbidden", "RFC 8247"),
    ("ike_integrity", "MD5", "forbidden", "RFC 8247"),
    ("dh_group", "DHGroup1", "forbidden", "RFC 8247"),
    ("pfs_group", "PFS1", "forbidden", "RFC 8247"),
    ("ipsec_encryption", "DES", "forbidden", "RFC 8221"),
    ("ipsec_integrity", "MD5", "forbidden", "RFC 8221"),
    ("dh_group", "DHGroup2", "weak", "RFC 8247"),
    ("dh_group", "DHGroup24", "weak", "RFC 8247"),
    ("pfs_group", "PFS2", "weak", "RFC 8247"),
    ("pfs_group", "PFS24", "weak", "RFC 8247"),
    ("ike_encryption", "DES3", "weak", "RFC 8247"),
    ("ipsec_encryption", "DES3", "weak", "RFC 8221"),
    ("ike_integrity", "SHA1", "weak", "RFC 8247"),
    ("ipsec_integrity", "SHA1", "weak", "RFC 8221"),
    ("ipsec_encryption", "None", "weak", "RFC 8221"),
    ("pfs_group", "None", "weak", "RFC 7296"),
    ("dh_group", "None", "weak", "RFC 7296"),
])
def test_each_finding(field: str, value: str, severity: str, rfc: str) -> None:
    found = findings(**{field: value})
    assert list(found) == [field]
    got_severity, reason, suggestion = found[field]
    assert got_severity == severity
    assert rfc in reason and "\n" not in reason
    assert suggestion and value not in suggestion.split()[0]


def test_pfsmm_is_judged_by_the_main_mode_group() -> None:
    found = findings(dh_group="DHGroup2", pfs_group="PFSMM")
    assert found["pfs_group"][0] == "weak" and "group 2" in found["pfs_group"][1]
    assert "pfs_group" not in findings(pfs_group="PFSMM")


def test_seed_part3_policy_findings() -> None:
    assert [(f.field, f.severity) for f in SEED_S2S_POLICY.assess()] == [
        ("dh_group", "weak"), ("pfs_group", "weak")]


def test_security_bits_order_key_sizes_and_groups() -> None:
    from components.rules.strength import security_bits

    bits = security_bits(IpsecPolicy(**{**STRONG, "dh_group": "ECP384", "pfs_group": "PFSMM"}).algorithms())
    assert bits == {"ike_encryption": 256, "ike_integrity": 128, "ipsec_encryption": 256, "ipsec_integrity": 128,
                    "dh_group": 192, "pfs_group": 192}
    weak = security_bits(IpsecPolicy(**{**STRONG, "ike_encryption": "DES3", "pfs_group": "None"}).algorithms())
    assert weak["ike_encryption"] == 112 and weak["pfs_group"] == 0
