"""Azure's rules for one custom IPsec/IKE policy (``ipsecPolicies[0]`` of a connection).

One function per rule; each returns the problems it finds and never raises, so a caller
can report every problem of a policy at once. Allowed values are read from the
azure-native SDK enums (ARM API 2024-05-01), not copied by hand. Validity is Azure's
question only: weak but accepted algorithms pass here and are reported by ``strength``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from enum import Enum
from typing import Final

from pulumi_azure_native import network

from components.rules.problems import Problem

ALGORITHM_FIELDS: Final = (
    "ike_encryption",
    "ike_integrity",
    "dh_group",
    "ipsec_encryption",
    "ipsec_integrity",
    "pfs_group",
)
LIFETIME_FIELDS: Final = ("sa_lifetime_seconds", "sa_data_size_kilobytes")

SDK_ENUMS: Final[Mapping[str, type[Enum]]] = {
    "ike_encryption": network.IkeEncryption,
    "ike_integrity": network.IkeIntegrity,
    "dh_group": network.DhGroup,
    "ipsec_encryption": network.IpsecEncryption,
    "ipsec_integrity": network.IpsecIntegrity,
    "pfs_group": network.PfsGroup,
}

#: The ARM/azure-native (camelCase) and PowerShell (``Get-AzVirtualNetworkGatewayConnection``)
#: spellings of each field. Note the capital T in ``saLifeTimeSeconds``: that is the API's.
ARM_NAMES: Final[Mapping[str, str]] = {
    "ike_encryption": "ikeEncryption",
    "ike_integrity": "ikeIntegrity",
    "dh_group": "dhGroup",
    "ipsec_encryption": "ipsecEncryption",
    "ipsec_integrity": "ipsecIntegrity",
    "pfs_group": "pfsGroup",
    "sa_lifetime_seconds": "saLifeTimeSeconds",
    "sa_data_size_kilobytes": "saDataSizeKilobytes",
}
POWERSHELL_NAMES: Final[Mapping[str, str]] = {
    "sa_lifetime_seconds": "SALifeTimeSeconds",
    "sa_data_size_kilobytes": "SADataSizeKilobytes",
    "ipsec_encryption": "IpsecEncryption",
    "ipsec_integrity": "IpsecIntegrity",
    "ike_encryption": "IkeEncryption",
    "ike_integrity": "IkeIntegrity",
    "dh_group": "DhGroup",
    "pfs_group": "PfsGroup",
}


def sdk_values(field: str) -> tuple[str, ...]:
    """Every value the SDK enum of ``field`` declares, in the SDK's order."""
    return tuple(str(member.value) for member in SDK_ENUMS[field])


def _is_gcm(value: str) -> bool:
    return value.startswith("GCMAES")


# The SDK (and the ARM spec) list GCMAES128/256 for IKE integrity, but the service
# refuses them: azure-rest-api-specs issue 27628; Azure's docs list only SHA384, SHA256,
# SHA1 and MD5 there. With GCM IKE encryption the integrity value picks the PRF.
REFUSED_BY_SERVICE: Final[Mapping[str, frozenset[str]]] = {
    "ike_integrity": frozenset(v for v in sdk_values("ike_integrity") if _is_gcm(v)),
}

ALLOWED: Final[Mapping[str, tuple[str, ...]]] = {
    field: tuple(v for v in sdk_values(field) if v not in REFUSED_BY_SERVICE.get(field, ()))
    for field in ALGORITHM_FIELDS
}
_ALLOWED_SETS: Final = {field: frozenset(values) for field, values in ALLOWED.items()}

# Quick-mode SA lifetime bounds. The ARM spec sets none; the service's are those that
# New-AzIpsecPolicy enforces (Azure/azure-powershell NewAzureRmIpsecPolicyCommand.cs:
# seconds ValidateRange(300, 172799); kilobytes "0 or between 1024 and 2147483647"), and
# Azure's docs state the same minimums and defaults. 0 KB turns the volume rekey off.
SA_LIFETIME_SECONDS_DEFAULT: Final = 27000
SA_LIFETIME_SECONDS_MIN: Final = 300
SA_LIFETIME_SECONDS_MAX: Final = 172799
SA_DATA_SIZE_KILOBYTES_DEFAULT: Final = 102400000
SA_DATA_SIZE_KILOBYTES_MIN: Final = 1024
SA_DATA_SIZE_KILOBYTES_MAX: Final = 2147483647

LIFETIME_BOUNDS: Final[Mapping[str, tuple[int, int, str]]] = {
    "sa_lifetime_seconds": (SA_LIFETIME_SECONDS_MIN, SA_LIFETIME_SECONDS_MAX, "seconds"),
    "sa_data_size_kilobytes": (SA_DATA_SIZE_KILOBYTES_MIN, SA_DATA_SIZE_KILOBYTES_MAX, "kilobytes"),
}

# Spellings people carry over from device configs and RFCs, keyed by normalised form.
_ALIASES: Final[Mapping[str, str]] = {
    "3DES": "DES3",
    "TRIPLEDES": "DES3",
    "SHA2256": "SHA256",
    "SHA2384": "SHA384",
    "AESGCM128": "GCMAES128",
    "AESGCM192": "GCMAES192",
    "AESGCM256": "GCMAES256",
    "AES128GCM": "GCMAES128",
    "AES192GCM": "GCMAES192",
    "AES256GCM": "GCMAES256",
    "AES128GCM16": "GCMAES128",
    "AES256GCM16": "GCMAES256",
    "GROUP1": "DHGroup1",
    "GROUP2": "DHGroup2",
    "GROUP14": "DHGroup14",
    "GROUP24": "DHGroup24",
    "GROUP19": "ECP256",
    "GROUP20": "ECP384",
    "MODP2048": "DHGroup2048",
    "ECP256": "ECP256",
    "NONE": "None",
    "NULL": "None",
}


def _normalise(text: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def suggest(field: str, value: object) -> str | None:
    """The allowed value a near-miss spelling most likely meant, or ``None``."""
    if not isinstance(value, str) or not value:
        return None
    allowed = ALLOWED[field]
    key = _normalise(value)
    by_normal = {_normalise(v): v for v in allowed}
    if key in by_normal:
        return by_normal[key]
    alias = _ALIASES.get(key)
    if alias is not None:
        # A group alias names the DhGroup spelling; map it to the PfsGroup one if needed.
        if field == "pfs_group" and alias.startswith("DHGroup"):
            alias = {"DHGroup1": "PFS1", "DHGroup2": "PFS2", "DHGroup14": "PFS2048",
                     "DHGroup2048": "PFS2048", "DHGroup24": "PFS24"}[alias]
        if alias in allowed:
            return alias
    close = difflib.get_close_matches(key, list(by_normal), n=1, cutoff=0.75)
    return by_normal[close[0]] if close else None


def _allowed_text(field: str) -> str:
    return ", ".join(ALLOWED[field])


def _missing(value: object) -> bool:
    return value is None or value == ""


def _as_value(value: object) -> object:
    """An SDK enum member stands for its string value; anything else is itself."""
    return value.value if isinstance(value, Enum) else value


# --- rules -------------------------------------------------------------------------


def required_field(field: str, value: object) -> list[Problem]:
    """All six algorithm fields are required: Azure rejects a partial policy."""
    if not _missing(value):
        return []
    return [Problem(
        rule="policy.required",
        path=field,
        value=None,
        allowed=_allowed_text(field),
        why="Azure rejects a partial IPsec/IKE policy: all six algorithm fields are required "
            "(seed, Part 2 note 3).",
    )]


def refused_ike_integrity(field: str, value: object) -> list[Problem]:
    """GCM values for IKE integrity are in the SDK enum but refused by the service."""
    value = _as_value(value)
    refused = REFUSED_BY_SERVICE.get(field, frozenset())
    if not isinstance(value, str) or value not in refused:
        return []
    return [Problem(
        rule="policy.ike-integrity-not-gcm",
        path=field,
        value=value,
        allowed=_allowed_text(field),
        why="the SDK lists GCM for IKE integrity but the Azure service refuses it "
            "(azure-rest-api-specs#27628); with GCM IKE encryption pick SHA256 or SHA384 "
            "as the integrity/PRF.",
    )]


def allowed_value(field: str, value: object) -> list[Problem]:
    """A given algorithm value must be one of the SDK enum's values (case matters)."""
    value = _as_value(value)
    if _missing(value):
        return []
    if isinstance(value, str) and (value in _ALLOWED_SETS[field]
                                   or value in REFUSED_BY_SERVICE.get(field, ())):
        return []
    return [Problem(
        rule="policy.allowed-value",
        path=field,
        value=value,
        allowed=_allowed_text(field),
        why=f"it is not a value of the azure-native {SDK_ENUMS[field].__name__} enum.",
        suggestion=suggest(field, value),
    )]


def gcm_pairing(ipsec_encryption: object, ipsec_integrity: object) -> list[Problem]:
    """GCM IPsec encryption needs the identical GCM integrity value, and the reverse."""
    encryption, integrity = _as_value(ipsec_encryption), _as_value(ipsec_integrity)
    if not (isinstance(encryption, str) and encryption in _ALLOWED_SETS["ipsec_encryption"]):
        return []
    if not (isinstance(integrity, str) and integrity in _ALLOWED_SETS["ipsec_integrity"]):
        return []
    if not (_is_gcm(encryption) or _is_gcm(integrity)) or encryption == integrity:
        return []
    why = ("AES-GCM is an AEAD cipher that authenticates as it encrypts, so Azure requires "
           "the same GCMAES algorithm and key length for IPsec encryption and integrity "
           "(seed, Part 2 note 2).")
    if _is_gcm(encryption):
        return [Problem(rule="policy.gcm-pairing", path="ipsec_integrity", value=integrity,
                        allowed=f"{encryption} (to match ipsec_encryption {encryption})", why=why,
                        suggestion=encryption)]
    # Integrity is GCM and encryption is not: encryption must be the same GCM value.
    return [Problem(rule="policy.gcm-pairing", path="ipsec_encryption", value=encryption,
                    allowed=f"{integrity} (to match ipsec_integrity {integrity})", why=why,
                    suggestion=integrity)]


def plain_integer(field: str, value: object) -> list[Problem]:
    """SA lifetimes are integers: not booleans, floats or strings with units."""
    if isinstance(value, int) and not isinstance(value, bool):
        return []
    low, high, unit = LIFETIME_BOUNDS[field]
    return [Problem(
        rule="policy.lifetime-integer",
        path=field,
        value=value,
        allowed=f"a whole number of {unit} from {low} to {high}" + (
            ", or 0 for no volume limit" if field == "sa_data_size_kilobytes" else ""),
        why="the API takes a plain integer (int32); units, fractions and booleans are not accepted.",
    )]


def lifetime_in_range(field: str, value: object) -> list[Problem]:
    """Quick-mode SA lifetimes have service minimums and maximums."""
    if not isinstance(value, int) or isinstance(value, bool):
        return []
    low, high, unit = LIFETIME_BOUNDS[field]
    off_allowed = field == "sa_data_size_kilobytes"
    if low <= value <= high or (off_allowed and value == 0):
        return []
    why = (f"Azure requires at least {low} {unit} (seed, Part 2 table)." if value < low
           else f"Azure accepts at most {high} {unit} (New-AzIpsecPolicy's range).")
    allowed = f"{low} to {high} {unit}" + (", or 0 for no volume limit" if off_allowed else "")
    return [Problem(rule="policy.lifetime-range", path=field, value=value, allowed=allowed, why=why)]


def policy_problems(values: Mapping[str, object]) -> list[Problem]:
    """Every problem of a policy given as snake_case field -> value, in field order."""
    problems: list[Problem] = []
    for field in ALGORITHM_FIELDS:
        value = values.get(field)
        problems += required_field(field, value)
        problems += allowed_value(field, value)
        problems += refused_ike_integrity(field, value)
    problems += gcm_pairing(values.get("ipsec_encryption"), values.get("ipsec_integrity"))
    for field in LIFETIME_FIELDS:
        value = values.get(field)
        problems += plain_integer(field, value)
        problems += lifetime_in_range(field, value)
    return problems
