"""The keyword tables checked against each vendor's documented keyword lists.

Each ``*_DOC`` below is the platform's documented list of keywords for one setting, with
what each keyword means in Azure's terms (``None`` = no Azure equivalent), copied from the
cited source. The renderer's table must be exactly the documented keywords that have an
Azure meaning: nothing invented, nothing documented left out. An Azure value with no
documented keyword must be missing from the table, so rendering it raises instead.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from components import dh_groups
from components.device_config import cisco_iosxe, paloalto_panos, strongswan
from components.device_config.tunnel import KeywordTable
from components.rules.ipsec_policy_rules import ALLOWED
from components.rules.problems import Problem

Doc = Mapping[str, str | int | None]

# --- strongSwan: docs.strongswan.org/docs/5.9/config/IKEv2CipherSuites.html ----------------
STRONGSWAN_ENCRYPTION_DOC: Doc = {
    "null": "None", "des": "DES", "3des": "DES3", "aes128": "AES128", "aes192": "AES192", "aes256": "AES256",
    "aes128gcm16": "GCMAES128", "aes192gcm16": "GCMAES192", "aes256gcm16": "GCMAES256",
    "aes128gcm8": None, "aes128gcm12": None, "aes128ctr": None, "camellia128": None, "chacha20poly1305": None,
}
STRONGSWAN_INTEGRITY_DOC: Doc = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384",
                                 "sha512": None, "aesxcbc": None}
STRONGSWAN_PRF_DOC: Doc = {"prfmd5": "MD5", "prfsha1": "SHA1", "prfsha256": "SHA256", "prfsha384": "SHA384",
                           "prfsha512": None, "prfaesxcbc": None}
# Groups by IANA number: "modp2048s256 ... 2048-bit MODP Group with 256-bit Prime Order Subgroup (24)".
STRONGSWAN_GROUP_DOC: Doc = {"modp768": 1, "modp1024": 2, "modp1536": 5, "modp2048": 14, "modp3072": 15,
                             "ecp256": 19, "ecp384": 20, "ecp521": 21, "modp1024s160": 22,
                             "modp2048s224": 23, "modp2048s256": 24, "curve25519": 31}

# --- Cisco IOS-XE: Cisco-IOS-XE-crypto YANG as in CiscoDevNet/terraform-provider-iosxe ------
# gen/definitions/crypto_ikev2_proposal.yaml: encryption/en-3des, aes-cbc-128/192/256, aes-gcm-128/256.
CISCO_IKE_ENCRYPTION_DOC: Doc = {"3des": "DES3", "aes-cbc-128": "AES128", "aes-cbc-192": "AES192",
                                 "aes-cbc-256": "AES256", "aes-gcm-128": "GCMAES128", "aes-gcm-256": "GCMAES256"}
# integrity/md5 sha1 sha256 sha384 sha512 (the same words under prf/).
CISCO_IKE_INTEGRITY_DOC: Doc = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384", "sha512": None}
# group/one two fourteen fifteen sixteen nineteen twenty twenty-one twenty-four.
CISCO_GROUP_DOC: Doc = {"1": 1, "2": 2, "14": 14, "15": 15, "16": 16, "19": 19, "20": 20, "21": 21, "24": 24}
# `set pfs`: group1 group2 group5 group14 group15 group16 group19 group20 group21 group24
# (IOS CLI models; notes/research.md section 3, medium confidence).
CISCO_PFS_DOC: Doc = {"group1": 1, "group2": 2, "group5": 5, "group14": 14, "group15": 15, "group16": 16,
                      "group19": 19, "group20": 20, "group21": 21, "group24": 24}
# transform set esp: esp-aes [128|192|256], esp-3des, esp-des, esp-gcm [128|256], esp-gmac, esp-null, esp-seal
# (docs/resources/crypto_ipsec_transform_set.md; GCM key sizes from Cisco's transform table).
CISCO_ESP_ENCRYPTION_DOC: Doc = {"esp-null": "None", "esp-des": "DES", "esp-3des": "DES3", "esp-aes 128": "AES128",
                                 "esp-aes 192": "AES192", "esp-aes 256": "AES256", "esp-gcm 128": "GCMAES128",
                                 "esp-gcm 256": "GCMAES256", "esp-gmac": None, "esp-seal": None}
CISCO_ESP_INTEGRITY_DOC: Doc = {"esp-md5-hmac": "MD5", "esp-sha-hmac": "SHA1", "esp-sha256-hmac": "SHA256",
                                "esp-sha384-hmac": None, "esp-sha512-hmac": None}

# --- PAN-OS: PaloAltoNetworks/pan-os-codegen specs/objects/profiles/*-crypto-profile.yaml ----
PANOS_IKE_ENCRYPTION_DOC: Doc = {"3des": "DES3", "aes-128-cbc": "AES128", "aes-192-cbc": "AES192",
                                 "aes-256-cbc": "AES256", "aes-128-gcm": "GCMAES128", "aes-256-gcm": "GCMAES256"}
PANOS_HASH_DOC: Doc = {"non-auth": None, "md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384",
                       "sha512": None}
PANOS_GROUP_DOC: Doc = {"group1": 1, "group2": 2, "group5": 5, "group14": 14, "group15": 15, "group16": 16,
                        "group19": 19, "group20": 20, "group21": 21}
PANOS_ESP_ENCRYPTION_DOC: Doc = {"3des": "DES3", "aes-128-cbc": "AES128", "aes-192-cbc": "AES192",
                                 "aes-256-cbc": "AES256", "aes-128-ccm": None, "aes-128-gcm": "GCMAES128",
                                 "aes-256-gcm": "GCMAES256", "null": "None"}
# esp authentication: not enum-checked in the schema; PAN-OS offers none md5 sha1 sha256 sha384 sha512.
PANOS_ESP_AUTH_DOC: Doc = {"none": None, "md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": None,
                           "sha512": None}

CASES: list[tuple[KeywordTable[str] | KeywordTable[int], Doc]] = [
    (strongswan.IKE_ENCRYPTION, STRONGSWAN_ENCRYPTION_DOC),
    (strongswan.IKE_INTEGRITY, STRONGSWAN_INTEGRITY_DOC),
    (strongswan.IKE_PRF, STRONGSWAN_PRF_DOC),
    (strongswan.DH_GROUP, STRONGSWAN_GROUP_DOC),
    (strongswan.PFS_GROUP, STRONGSWAN_GROUP_DOC),
    (strongswan.ESP_ENCRYPTION, STRONGSWAN_ENCRYPTION_DOC),
    (strongswan.ESP_INTEGRITY, STRONGSWAN_INTEGRITY_DOC),
    (cisco_iosxe.IKE_ENCRYPTION, CISCO_IKE_ENCRYPTION_DOC),
    (cisco_iosxe.IKE_INTEGRITY, CISCO_IKE_INTEGRITY_DOC),
    (cisco_iosxe.DH_GROUP, CISCO_GROUP_DOC),
    (cisco_iosxe.PFS_GROUP, CISCO_PFS_DOC),
    (cisco_iosxe.ESP_ENCRYPTION, CISCO_ESP_ENCRYPTION_DOC),
    (cisco_iosxe.ESP_INTEGRITY, CISCO_ESP_INTEGRITY_DOC),
    (paloalto_panos.IKE_ENCRYPTION, PANOS_IKE_ENCRYPTION_DOC),
    (paloalto_panos.IKE_INTEGRITY, PANOS_HASH_DOC),
    (paloalto_panos.DH_GROUP, PANOS_GROUP_DOC),
    (paloalto_panos.PFS_GROUP, PANOS_GROUP_DOC),
    (paloalto_panos.ESP_ENCRYPTION, PANOS_ESP_ENCRYPTION_DOC),
    (paloalto_panos.ESP_INTEGRITY, PANOS_ESP_AUTH_DOC),
]


def azure_keys(table: KeywordTable[str] | KeywordTable[int]) -> set[str | int]:
    """The Azure values (or, for groups, IANA numbers) the table's field can hold."""
    if table.field in ("dh_group", "pfs_group"):
        return {group.number for group in dh_groups.DH_GROUPS}
    values: set[str | int] = set(ALLOWED[table.field])
    if table.field in ("ipsec_integrity",):
        values -= {v for v in ALLOWED[table.field] if v.startswith("GCM")}  # AEAD: no separate MAC
    return values


@pytest.mark.parametrize(("table", "doc"), CASES, ids=[f"{t.platform}-{t.field}-{i}" for i, (t, _) in enumerate(CASES)])
def test_table_is_exactly_the_documented_keywords_azure_can_use(
        table: KeywordTable[str] | KeywordTable[int], doc: Doc) -> None:
    documented = {meaning: keyword for keyword, meaning in doc.items() if meaning in azure_keys(table)}
    assert dict(table.keywords) == documented


@pytest.mark.parametrize(("table", "doc"), CASES, ids=[f"{t.platform}-{t.field}-{i}" for i, (t, _) in enumerate(CASES)])
def test_missing_values_are_refused_with_the_platforms_list(
        table: KeywordTable[str] | KeywordTable[int], doc: Doc) -> None:
    for key in azure_keys(table) - set(table.keywords):
        problems: list[Problem] = []
        assert table.lookup(key, str(key), problems) == ""  # type: ignore[arg-type]  # key matches the table's kind
        assert len(problems) == 1
        problem = problems[0]
        assert problem.path == f"policy.{table.field}"
        assert table.platform in problem.why and "cannot express" in problem.why
        assert str(key) not in problem.allowed.split(", ")


def test_supported_values_use_azures_spellings() -> None:
    assert paloalto_panos.DH_GROUP.supported_azure_values() == (
        "DHGroup1, DHGroup2, DHGroup14, DHGroup2048, ECP256, ECP384")
    assert paloalto_panos.PFS_GROUP.supported_azure_values() == (
        "None, PFS1, PFS2, PFS2048, PFS14, ECP256, ECP384, PFSMM")
    assert cisco_iosxe.ESP_ENCRYPTION.supported_azure_values() == (
        "None, DES, DES3, AES128, AES192, AES256, GCMAES128, GCMAES256")
