"""Cisco IOS-XE: IKEv2 proposal, policy, keyring and profile, IPsec transform set and profile
(route-based: a virtual tunnel interface; policy-based: a crypto map with one ACL entry per
prefix pair).

Keywords come from the device's own YANG model as published in CiscoDevNet/
terraform-provider-iosxe (gen/definitions/crypto_ikev2_proposal.yaml, crypto_ipsec_
transform_set.yaml, crypto_ikev2_profile.yaml, crypto_ikev2_keyring.yaml, crypto_ipsec_
profile.yaml), and the layout from Azure's own IOS-XE samples (Azure/Azure-vpn-config-
samples Cisco/Current/ASR/cisco-asr-ios-15.2-Route_Based.txt and ...15.1-Policy_Based.txt).
The research notes (notes/research.md, section 3) record where each fact was read.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from components.device_config.site import DeviceConfigError
from components.device_config.tunnel import (
    EspProposal,
    KeywordTable,
    Tunnel,
    Unit,
    dpd_probe_interval,
    given_group,
    shortest_fit,
)
from components.rules.problems import Problem

VENDOR: Final = "cisco-iosxe"
PLATFORM: Final = "Cisco IOS-XE"

# `crypto ikev2 proposal` -> `encryption`: the YANG has en-3des, aes-cbc-128/192/256 and
# aes-gcm-128/256 and no single DES (crypto_ikev2_proposal.yaml).
IKE_ENCRYPTION: Final = KeywordTable[str](PLATFORM, "ike_encryption", {
    "DES3": "3des", "AES128": "aes-cbc-128", "AES192": "aes-cbc-192", "AES256": "aes-cbc-256",
    "GCMAES128": "aes-gcm-128", "GCMAES256": "aes-gcm-256",
}, "the IKEv2 proposal offers 3des, aes-cbc-128/192/256 and aes-gcm-128/256, no single DES "
   "(Cisco-IOS-XE-crypto YANG via CiscoDevNet/terraform-provider-iosxe).")
# `integrity` and `prf` take the same words: md5 sha1 sha256 sha384 sha512.
IKE_INTEGRITY: Final = KeywordTable[str](PLATFORM, "ike_integrity", {
    "MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384",
}, "IKEv2 integrity/prf offers md5, sha1, sha256, sha384 and sha512.")
# `group`: 1 2 14 15 16 19 20 21 24 (YANG leaves one ... twenty-four).
DH_GROUP: Final = KeywordTable[int](PLATFORM, "dh_group", {
    1: "1", 2: "2", 14: "14", 19: "19", 20: "20", 24: "24",
}, "the IKEv2 proposal offers groups 1, 2, 14, 15, 16, 19, 20, 21 and 24.")
# `set pfs groupN` in the IPsec profile / crypto map (genieparser and CLI models list
# group1 group2 group5 group14 group15 group16 group19 group20 group21 group24).
PFS_GROUP: Final = KeywordTable[int](PLATFORM, "pfs_group", {
    1: "group1", 2: "group2", 14: "group14", 19: "group19", 20: "group20", 24: "group24",
}, "set pfs offers group1, 2, 5, 14, 15, 16, 19, 20, 21 and 24.")
# `crypto ipsec transform-set`: esp-aes takes a key size (128|192|256); esp-gcm takes 128 or
# 256 only and no HMAC ("esp-gcm and esp-gmac ... 128-bit or 256-bit", Cisco's transform
# table quoted in notes/research.md section 3), so Azure's GCMAES192 has no IOS-XE transform.
ESP_ENCRYPTION: Final = KeywordTable[str](PLATFORM, "ipsec_encryption", {
    "None": "esp-null", "DES": "esp-des", "DES3": "esp-3des",
    "AES128": "esp-aes 128", "AES192": "esp-aes 192", "AES256": "esp-aes 256",
    "GCMAES128": "esp-gcm 128", "GCMAES256": "esp-gcm 256",
}, "the transform set's esp-gcm takes 128- or 256-bit keys only (no 192).")
ESP_INTEGRITY: Final = KeywordTable[str](PLATFORM, "ipsec_integrity", {
    "MD5": "esp-md5-hmac", "SHA1": "esp-sha-hmac", "SHA256": "esp-sha256-hmac",
}, "the transform set offers esp-md5-hmac, esp-sha-hmac, esp-sha256/384/512-hmac.")

# `set security-association lifetime seconds|kilobytes` ranges as commonly documented for
# IOS (120-2592000 s, 2560-4294967295 KB; notes/research.md marks them "check").
CHILD_SECONDS: Final = (Unit("seconds", 1, 120, 2592000),)
CHILD_KILOBYTES: Final = (Unit("kilobytes", 1, 2560, 4294967295),)
# `dpd INTERVAL RETRY periodic` in the IKEv2 profile: interval 10-3600, retry 2-60
# (crypto_ikev2_profile.yaml / terraform docs).
DPD_INTERVAL: Final = (10, 3600)
DPD_RETRY: Final = (2, 60)


def _name(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return f"azure-{cleaned or 'site'}"


def _key_problems(key: str) -> list[Problem]:
    """A pre-shared key IOS can take as one word on its CLI."""
    if "?" not in key and not any(c.isspace() for c in key):
        return []
    return [Problem("device.shared-key-cli", "shared_key", None,
                    "a key without spaces or '?' for Cisco IOS-XE",
                    "IOS reads '?' at the CLI as a help request and a space as the end of the "
                    "key, so this key cannot be pasted as written.", show_value=False)]


def _wildcard(prefix: str) -> str:
    network = ipaddress.IPv4Network(prefix)
    return f"{network.network_address} {network.hostmask}"


def _route(prefix: str) -> str:
    network = ipaddress.IPv4Network(prefix)
    return f"{network.network_address} {network.netmask}"


def _transform(proposal: EspProposal, problems: list[Problem]) -> str:
    words = [ESP_ENCRYPTION.lookup(proposal.encryption, proposal.encryption, problems)]
    if not proposal.aead:
        words.append(ESP_INTEGRITY.lookup(proposal.integrity, proposal.integrity, problems))
    return " ".join(words)


def render(tunnel: Tunnel) -> str:
    site = tunnel.site
    problems: list[Problem] = _key_problems(site.shared_key)
    try:
        ipaddress.IPv4Address(site.onprem_public_ip)
    except ValueError:
        problems.append(Problem("device.local-address", "onprem_public_ip", site.onprem_public_ip,
                                "the device's IPv4 address",
                                "IOS-XE needs an address for the tunnel source and the IKEv2 "
                                "profile's local match; a DNS name cannot be either."))
    name = _name(site.name)

    # One proposal lists every value; IOS offers the cross product (Azure's default set is
    # exactly such a product: AES256/AES128 x SHA1/SHA256, group 2).
    def unique(words: list[str]) -> str:
        return " ".join(dict.fromkeys(words))

    encryptions = [IKE_ENCRYPTION.lookup(p.encryption, p.encryption, problems) for p in tunnel.ike_proposals]
    integrities = [IKE_INTEGRITY.lookup(p.integrity, p.integrity, problems) for p in tunnel.ike_proposals]
    groups = [DH_GROUP.lookup(p.dh_group, given_group(site, "dh_group", p.dh_group), problems)
              for p in tunnel.ike_proposals]
    aead_ike = any(p.aead for p in tunnel.ike_proposals)
    transforms = [_transform(p, problems) for p in tunnel.esp_proposals]
    pfs_numbers = {p.pfs_group for p in tunnel.esp_proposals}
    pfs_number = pfs_numbers.pop()  # Azure's defaults and a custom policy each have one PFS setting
    pfs = (PFS_GROUP.lookup(pfs_number, given_group(site, "pfs_group", pfs_number), problems)
           if pfs_number is not None else "")
    seconds = shortest_fit("sa_lifetime_seconds", tunnel.child_lifetime_seconds, CHILD_SECONDS,
                           PLATFORM, problems)
    kilobytes = (shortest_fit("sa_data_size_kilobytes", tunnel.child_lifetime_kilobytes,
                              CHILD_KILOBYTES, PLATFORM, problems)
                 if tunnel.child_lifetime_kilobytes else None)
    if problems:
        raise DeviceConfigError(VENDOR, problems)

    interval = dpd_probe_interval(tunnel.dpd_timeout_seconds, *DPD_INTERVAL)
    retry = max(DPD_RETRY[0], min(DPD_RETRY[1], interval // 3))
    source = site.policy.summary() if site.policy is not None else (
        "none: Azure's default proposals (AES subset; group 2 is Azure's only default group)")
    lines = [
        f"! Cisco IOS-XE: on-premises site {site.name!r} <-> Azure VPN gateway {site.azure_gateway_ip}",
        f"! Custom IPsec/IKE policy: {source}",
        "!",
        f"crypto ikev2 proposal {name}",
        f" encryption {unique(encryptions)}",
    ]
    # With AES-GCM there is no separate integrity: Azure's integrity value is the PRF.
    lines.append(f" prf {unique(integrities)}" if aead_ike else f" integrity {unique(integrities)}")
    lines += [
        f" group {unique(groups)}",
        "!",
        f"crypto ikev2 policy {name}",
        f" proposal {name}",
        "!",
        f"crypto ikev2 keyring {name}",
        " peer azure-gateway",
        f"  address {site.azure_gateway_ip}",
        f"  pre-shared-key {site.shared_key}",
        "!",
        f"crypto ikev2 profile {name}",
        f" match address local {site.onprem_public_ip}",
        f" match identity remote address {site.azure_gateway_ip} 255.255.255.255",
        f" identity local address {site.onprem_public_ip}",
        " authentication remote pre-share",
        " authentication local pre-share",
        f" keyring local {name}",
        "! Azure's IKE SA lifetime is fixed at 28800 s.",
        f" lifetime {tunnel.ike_lifetime_seconds}",
        f"! Liveness check every {interval} s: about a third of Azure's DPD timeout "
        f"({tunnel.dpd_timeout_seconds} s).",
        f" dpd {interval} {retry} periodic",
        "!",
    ]
    transform_sets = []
    for index, transform in enumerate(transforms, start=1):
        transform_set = name if len(transforms) == 1 else f"{name}-{index}"
        transform_sets.append(transform_set)
        lines += [f"crypto ipsec transform-set {transform_set} {transform}", " mode tunnel", "!"]

    sa_lines = [f" set transform-set {' '.join(transform_sets)}", f" set ikev2-profile {name}"]
    if pfs:
        sa_lines.append(f" set pfs {pfs}")
    for quantity in (seconds, kilobytes):
        if quantity is not None and quantity.note:
            sa_lines.append(f"! {quantity.note}")
        if quantity is not None:
            sa_lines.append(f" set security-association lifetime {quantity.unit} {quantity.value}")
    if kilobytes is None:
        sa_lines.append(" set security-association lifetime kilobytes disable")

    if tunnel.policy_based:
        lines += [
            "! Policy-based traffic selectors: IOS negotiates one IPsec SA pair per permit entry",
            "! of the crypto ACL, one per (on-premises, Azure) prefix pair as Azure requires.",
            f"ip access-list extended {name}",
        ]
        lines += [f" permit ip {_wildcard(p.onprem[0])} {_wildcard(p.azure[0])}" for p in tunnel.selector_pairs]
        lines += [
            "!",
            f"crypto map {name} 10 ipsec-isakmp",
            f" set peer {site.azure_gateway_ip}",
            *sa_lines,
            f" match address {name}",
            "!",
            f"! Apply the crypto map to the outside interface that holds {site.onprem_public_ip}:",
            "!   interface <outside interface>",
            f"!    crypto map {name}",
            "!    ip tcp adjust-mss 1350",
        ]
    else:
        lines += [
            f"crypto ipsec profile {name}",
            *sa_lines,
            "!",
            "! Route-based: a virtual tunnel interface with any-to-any selectors. The inner",
            "! 169.254.x address is local only (Azure's IOS-XE sample); pick a free tunnel number.",
            "interface Tunnel1",
            f" description Azure VPN gateway {site.azure_gateway_ip}",
            " ip address 169.254.0.1 255.255.255.255",
            "! Azure asks devices to clamp TCP MSS at 1350 (About VPN devices).",
            " ip tcp adjust-mss 1350",
            f" tunnel source {site.onprem_public_ip}",
            " tunnel mode ipsec ipv4",
            f" tunnel destination {site.azure_gateway_ip}",
            f" tunnel protection ipsec profile {name}",
            "!",
        ]
        lines += [f"ip route {_route(prefix)} Tunnel1" for prefix in site.azure_prefixes]
    return "\n".join(lines) + "\n"
