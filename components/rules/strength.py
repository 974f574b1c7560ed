"""Crypto strength of a policy by the IETF's current word (RFC 8247 for IKEv2, RFC 8221 for ESP).

Azure accepts all of these values; this module says which ones you should not use.
``forbidden`` is a MUST NOT in the RFCs; ``weak`` is a SHOULD NOT, a MUST- (being phased
out), or a choice that gives up a security property (confidentiality, forward secrecy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

from components import dh_groups

Severity = Literal["forbidden", "weak"]
SEVERITIES: Final[tuple[Severity, ...]] = ("forbidden", "weak")


@dataclass(frozen=True, slots=True)
class StrengthFinding:
    """One algorithm choice that the IETF advises against."""

    field: str
    value: str
    severity: Severity
    reason: str
    suggestion: str

    def message(self) -> str:
        return f"{self.field}={self.value} is {self.severity}: {self.reason} Use {self.suggestion}."


@dataclass(frozen=True, slots=True)
class _Verdict:
    severity: Severity
    reason: str
    suggestion: str


_ENCRYPTION: Final[Mapping[str, Mapping[str, _Verdict]]] = {
    "ike_encryption": {
        "DES": _Verdict("forbidden", "56-bit DES is MUST NOT for IKEv2 (RFC 8247 §2.1).", "AES256"),
        "DES3": _Verdict("weak", "3DES has a 64-bit block (Sweet32) and is only MAY, not "
                                 "recommended, for IKEv2 (RFC 8247 §2.1).", "AES256"),
    },
    "ipsec_encryption": {
        "DES": _Verdict("forbidden", "56-bit DES is MUST NOT for ESP (RFC 8221 §5).",
                        "GCMAES256 (with ipsec_integrity GCMAES256)"),
        "DES3": _Verdict("weak", "3DES is SHOULD NOT for ESP (RFC 8221 §5): 64-bit block, Sweet32.",
                         "GCMAES256 (with ipsec_integrity GCMAES256)"),
        "None": _Verdict("weak", "ESP with NULL encryption gives no confidentiality "
                                 "(RFC 8221 §5, RFC 2410).",
                         "GCMAES256 (with ipsec_integrity GCMAES256)"),
    },
}

_INTEGRITY: Final[Mapping[str, Mapping[str, _Verdict]]] = {
    "ike_integrity": {
        "MD5": _Verdict("forbidden", "HMAC-MD5 is MUST NOT for IKEv2 integrity and PRF "
                                     "(RFC 8247 §2.2, §2.3).", "SHA384"),
        "SHA1": _Verdict("weak", "HMAC-SHA1 is MUST- for IKEv2, being phased out "
                                 "(RFC 8247 §2.2, §2.3).", "SHA384"),
    },
    "ipsec_integrity": {
        "MD5": _Verdict("forbidden", "HMAC-MD5-96 is MUST NOT for ESP (RFC 8221 §6).", "SHA256"),
        "SHA1": _Verdict("weak", "HMAC-SHA1-96 is MUST- for ESP, being phased out (RFC 8221 §6).",
                         "SHA256"),
    },
}

# Keyed by IANA group number; None is "no Diffie-Hellman exchange".
_GROUPS: Final[Mapping[int | None, _Verdict]] = {
    1: _Verdict("forbidden", "group 1 (768-bit MODP) is MUST NOT (RFC 8247 §2.4).", "ECP384"),
    2: _Verdict("weak", "group 2 (1024-bit MODP) is SHOULD NOT (RFC 8247 §2.4).", "ECP384"),
    24: _Verdict("weak", "group 24 is SHOULD NOT: small subgroup, seeds that cannot be "
                         "verified (RFC 8247 §2.4); Azure's docs rank it highest, the IETF does not.",
                 "ECP384"),
}
_NO_MAIN_MODE_DH: Final = _Verdict(
    "weak", "an IKE SA without Diffie-Hellman has no forward secrecy; IKEv2 always needs a "
            "key exchange in IKE_SA_INIT (RFC 7296 §1.2).", "ECP384")
_NO_PFS: Final = _Verdict(
    "weak", "no PFS group: child SA keys derive from the IKE SA's keys, so rekeys have no "
            "forward secrecy (RFC 7296 §1.3.2, KE payload optional in CREATE_CHILD_SA).",
    "ECP384")


def _finding(field: str, value: str, verdict: _Verdict) -> StrengthFinding:
    return StrengthFinding(field, value, verdict.severity, verdict.reason, verdict.suggestion)


def assess_values(values: Mapping[str, str]) -> list[StrengthFinding]:
    """Findings for a *valid* policy given as snake_case field -> Azure value."""
    findings: list[StrengthFinding] = []
    for table in (_ENCRYPTION, _INTEGRITY):
        for field, verdicts in table.items():
            verdict = verdicts.get(values[field])
            if verdict is not None:
                findings.append(_finding(field, values[field], verdict))
    dh = dh_groups.group_number(values["dh_group"])
    verdict = _NO_MAIN_MODE_DH if dh is None else _GROUPS.get(dh)
    if verdict is not None:
        findings.append(_finding("dh_group", values["dh_group"], verdict))
    pfs = dh_groups.group_number(values["pfs_group"], values["dh_group"])
    verdict = _NO_PFS if pfs is None else _GROUPS.get(pfs)
    if verdict is not None:
        findings.append(_finding("pfs_group", values["pfs_group"], verdict))
    order = {field: i for i, field in enumerate(
        ("ike_encryption", "ike_integrity", "dh_group", "ipsec_encryption", "ipsec_integrity", "pfs_group"))}
    return sorted(findings, key=lambda f: order[f.field])


# Security strength in bits of each choice, per NIST SP 800-57 Part 1 Rev. 5, Table 2 (block
# ciphers: 3DES 112, AES-n n; MODP 1024/2048: 80/112; ECP 256/384: 128/192) and Table 3 (HMAC
# security tracks the hash's preimage strength, capped here by collision strength for MD5 and
# SHA1, which the RFCs retire for that reason). DES is 56 (broken), none is 0. Used to tell a
# downgrade (AES256 -> AES128) that moves no RFC finding from a same-strength edit.
_BITS_BY_VALUE: Final[Mapping[str, int]] = {
    "None": 0, "DES": 56, "DES3": 112, "AES128": 128, "AES192": 192, "AES256": 256,
    "GCMAES128": 128, "GCMAES192": 192, "GCMAES256": 256,
    "MD5": 64, "SHA1": 80, "SHA256": 128, "SHA384": 192,
}
_BITS_BY_GROUP: Final[Mapping[int | None, int]] = {None: 0, 1: 56, 2: 80, 14: 112, 24: 112, 19: 128, 20: 192}


def security_bits(values: Mapping[str, str]) -> dict[str, int]:
    """Field -> security strength in bits for a *valid* policy (snake_case field -> value)."""
    bits = {field: _BITS_BY_VALUE[values[field]]
            for field in ("ike_encryption", "ike_integrity", "ipsec_encryption", "ipsec_integrity")}
    bits["dh_group"] = _BITS_BY_GROUP[dh_groups.group_number(values["dh_group"])]
    bits["pfs_group"] = _BITS_BY_GROUP[dh_groups.group_number(values["pfs_group"], values["dh_group"])]
    return bits


def rank(findings: list[StrengthFinding]) -> tuple[int, int]:
    """A sortable badness: (forbidden count, weak count); lower is stronger."""
    return (sum(f.severity == "forbidden" for f in findings), sum(f.severity == "weak" for f in findings))
