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


def rank(findings: list[StrengthFinding]) -> tuple[int, int]:
    """A sortable badness: (forbidden count, weak count); lower is stronger."""
    return (sum(f.severity == "forbidden" for f in findings), sum(f.severity == "weak" for f in findings))
