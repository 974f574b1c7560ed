"""Palo Alto Networks PAN-OS (set commands): IKE and IPsec crypto profiles, IKE gateway, IPsec
tunnel on a tunnel interface, proxy IDs for policy-based selectors, static routes.

Keywords and ranges: PaloAltoNetworks/pan-os-codegen specs/objects/profiles/
ike-crypto-profile.yaml and ipsec-crypto-profile.yaml, specs/network/ike-gateway.yaml and
specs/network/tunnels/ipsec.yaml (Palo Alto's own schema behind its Terraform/Pulumi
providers, mirroring the device's XML schema; the set-command paths follow its xpaths).
notes/research.md section 4 records the details.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Final

from components.device_config.site import DeviceConfigError
from components.device_config.tunnel import (
    KeywordTable,
    Quantity,
    Tunnel,
    Unit,
    dpd_probe_interval,
    given_group,
    shortest_fit,
)
from components.rules.problems import Problem

VENDOR: Final = "paloalto-panos"
PLATFORM: Final = "PAN-OS"

# IKE crypto profile `encryption`: 3des, aes-128/192/256-cbc, aes-128/256-gcm; no des (older
# releases listed it, the current schema does not), no GCM-192.
IKE_ENCRYPTION: Final = KeywordTable[str](PLATFORM, "ike_encryption", {
    "DES3": "3des", "AES128": "aes-128-cbc", "AES192": "aes-192-cbc", "AES256": "aes-256-cbc",
    "GCMAES128": "aes-128-gcm", "GCMAES256": "aes-256-gcm",
}, "the IKE crypto profile offers 3des, aes-128/192/256-cbc and aes-128/256-gcm, no des "
   "(pan-os-codegen ike-crypto-profile.yaml).")
# `hash`: md5 sha1 sha256 sha384 sha512 (non-auth too). With aes-*-gcm the hash is still set
# and acts as the PRF (PAN-OS "Define IKE Crypto Profiles": group20, sha384, aes-256-gcm).
IKE_INTEGRITY: Final = KeywordTable[str](PLATFORM, "ike_integrity", {
    "MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384",
}, "the IKE crypto profile's hash offers md5, sha1, sha256, sha384 and sha512.")
# `dh-group`: group1 2 5 14 15 16 19 20 21 -- no group24 (RFC 5114 2048-bit/256-bit subgroup).
DH_GROUP: Final = KeywordTable[int](PLATFORM, "dh_group", {
    1: "group1", 2: "group2", 14: "group14", 19: "group19", 20: "group20",
}, "PAN-OS offers DH groups 1, 2, 5, 14, 15, 16, 19, 20 and 21, not 24 "
   "(pan-os-codegen ike-crypto-profile.yaml).")
# IPsec crypto profile `dh-group` (PFS): no-pfs, group1 2 5 14 15 16 19 20 21 -- no group24.
PFS_GROUP: Final = KeywordTable[int](PLATFORM, "pfs_group", {
    1: "group1", 2: "group2", 14: "group14", 19: "group19", 20: "group20",
}, "the IPsec crypto profile's PFS dh-group offers no-pfs and groups 1, 2, 5, 14, 15, 16, "
   "19, 20 and 21, not 24 (pan-os-codegen ipsec-crypto-profile.yaml).")
# `esp encryption`: 3des aes-128/192/256-cbc aes-128-ccm aes-128/256-gcm null.
ESP_ENCRYPTION: Final = KeywordTable[str](PLATFORM, "ipsec_encryption", {
    "None": "null", "DES3": "3des",
    "AES128": "aes-128-cbc", "AES192": "aes-192-cbc", "AES256": "aes-256-cbc",
    "GCMAES128": "aes-128-gcm", "GCMAES256": "aes-256-gcm",
}, "the IPsec crypto profile offers 3des, aes-128/192/256-cbc, aes-128-ccm, aes-128/256-gcm "
   "and null: no des and no aes-192-gcm (pan-os-codegen ipsec-crypto-profile.yaml).")
# `esp authentication`: md5 sha1 sha256 sha384 sha512, or none with GCM (PAN-OS's predefined
# Suite-B-GCM-128/256 IPsec profiles: "esp authentication none"; a factory config in set form
# is in networktocode/netutils tests/unit/mock/config/parser/base/paloalto_panos).
ESP_INTEGRITY: Final = KeywordTable[str](PLATFORM, "ipsec_integrity", {
    "MD5": "md5", "SHA1": "sha1", "SHA256": "sha256",
}, "esp authentication offers md5, sha1, sha256, sha384 and sha512 (none with GCM).")

# `lifetime`: one of seconds 180-65535, minutes 3-65535, hours 1-65535, days 1-365;
# `lifesize`: one of kb, mb, gb, tb, each 1-65535 (ipsec-crypto-profile.yaml).
LIFETIME_UNITS: Final = (Unit("seconds", 1, 180, 65535), Unit("minutes", 60, 3, 65535),
                         Unit("hours", 3600, 1, 65535), Unit("days", 86400, 1, 365))
LIFESIZE_UNITS: Final = (Unit("kb", 1, 1, 65535), Unit("mb", 1024, 1, 65535),
                         Unit("gb", 1024**2, 1, 65535), Unit("tb", 1024**3, 1, 65535))
# IKEv2 `dpd interval`: 2-100 s, default 5 (ike-gateway.yaml).
DPD_INTERVAL: Final = (2, 100)
# Names of PAN-OS objects are at most 31 characters (IKE gateway/crypto profile names).
NAME_LIMIT: Final = 31
# Not in DeviceSite: the device's outside (untrust) interface and a free tunnel unit.
OUTSIDE_INTERFACE: Final = "ethernet1/1"
TUNNEL_INTERFACE: Final = "tunnel.1"
VIRTUAL_ROUTER: Final = "default"


def _name(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-._") or "site"
    return f"AZ-{cleaned}"[:NAME_LIMIT].rstrip("-._")


def _members(words: list[str]) -> str:
    unique = list(dict.fromkeys(words))
    return unique[0] if len(unique) == 1 else f"[ {' '.join(unique)} ]"


def _key_problems(key: str) -> list[Problem]:
    if '"' not in key:
        return []
    return [Problem("device.shared-key-cli", "shared_key", None,
                    "a key without a double quote for PAN-OS",
                    "the set command carries the key in double quotes, which a '\"' in the key "
                    "would end early.", show_value=False)]


def render(tunnel: Tunnel) -> str:
    site = tunnel.site
    problems: list[Problem] = _key_problems(site.shared_key)
    try:
        ipaddress.IPv4Address(site.onprem_public_ip)
    except ValueError:
        problems.append(Problem("device.local-address", "onprem_public_ip", site.onprem_public_ip,
                                "the device's IPv4 address",
                                "the IKE gateway's local address and ID are written as the "
                                "device's IPv4 address; a DNS name cannot be the local address."))
    name = _name(site.name)
    encryptions = [IKE_ENCRYPTION.lookup(p.encryption, p.encryption, problems) for p in tunnel.ike_proposals]
    hashes = [IKE_INTEGRITY.lookup(p.integrity, p.integrity, problems) for p in tunnel.ike_proposals]
    groups = [DH_GROUP.lookup(p.dh_group, given_group(site, "dh_group", p.dh_group), problems)
              for p in tunnel.ike_proposals]
    esp_encryptions = [ESP_ENCRYPTION.lookup(p.encryption, p.encryption, problems) for p in tunnel.esp_proposals]
    esp_auth = [ESP_INTEGRITY.lookup(p.integrity, p.integrity, problems)
                for p in tunnel.esp_proposals if not p.aead]
    pfs_number = tunnel.esp_proposals[0].pfs_group  # one PFS setting per policy (and none by default)
    pfs = (PFS_GROUP.lookup(pfs_number, given_group(site, "pfs_group", pfs_number), problems)
           if pfs_number is not None else "no-pfs")
    ike_life = shortest_fit("ike_lifetime", tunnel.ike_lifetime_seconds, LIFETIME_UNITS, PLATFORM, problems)
    child_life = shortest_fit("sa_lifetime_seconds", tunnel.child_lifetime_seconds, LIFETIME_UNITS,
                              PLATFORM, problems)
    lifesize: Quantity | None = None
    if tunnel.child_lifetime_kilobytes:
        lifesize = shortest_fit("sa_data_size_kilobytes", tunnel.child_lifetime_kilobytes, LIFESIZE_UNITS,
                                PLATFORM, problems)
    gcm = {p.aead for p in tunnel.esp_proposals}
    if gcm == {True, False}:
        # One profile holds one authentication list: GCM needs "none", CBC needs a hash, so the
        # two cannot share a profile. Azure's default set mixes them; leave GCM out there.
        esp_encryptions = [e for e, p in zip(esp_encryptions, tunnel.esp_proposals, strict=True) if not p.aead]
    if problems or ike_life is None or child_life is None:
        raise DeviceConfigError(VENDOR, problems)

    ike_profile = f"set network ike crypto-profiles ike-crypto-profiles {name}"
    ipsec_profile = f"set network ike crypto-profiles ipsec-crypto-profiles {name}"
    gateway = f"set network ike gateway {name}"
    ipsec_tunnel = f"set network tunnel ipsec {name}"
    router = f"set network virtual-router {VIRTUAL_ROUTER}"
    interval = dpd_probe_interval(tunnel.dpd_timeout_seconds, *DPD_INTERVAL)
    source = site.policy.summary() if site.policy is not None else (
        "none: Azure's default proposals (AES-CBC subset; group 2 is Azure's only default group)")
    lines = [
        f"# PAN-OS: on-premises site {site.name!r} <-> Azure VPN gateway {site.azure_gateway_ip}",
        f"# Custom IPsec/IKE policy: {source}",
        f"# Assumes {OUTSIDE_INTERFACE} holds {site.onprem_public_ip} and {TUNNEL_INTERFACE} is free;",
        "# security policies and zones for the tunnel traffic are not included.",
        "# Lines starting with # are notes for the reader: paste only the set commands.",
        f"{ike_profile} encryption {_members(encryptions)}",
        f"{ike_profile} hash {_members(hashes)}",
        f"{ike_profile} dh-group {_members(groups)}",
        "# Azure's IKE SA lifetime is fixed at 28800 s.",
        f"{ike_profile} lifetime {ike_life.unit} {ike_life.value}",
        f"{ipsec_profile} esp encryption {_members(esp_encryptions)}",
        # GCM authenticates as it encrypts: PAN-OS takes "none" (Suite-B-GCM profiles).
        f"{ipsec_profile} esp authentication {_members(esp_auth) if esp_auth else 'none'}",
        f"{ipsec_profile} dh-group {pfs}",
    ]
    for quantity, keyword in ((child_life, "lifetime"), (lifesize, "lifesize")):
        if quantity is None:
            continue
        if quantity.note:
            lines.append(f"# {quantity.note}")
        lines.append(f"{ipsec_profile} {keyword} {quantity.unit} {quantity.value}")
    lines += [
        f"{gateway} protocol version ikev2",
        f"{gateway} protocol ikev2 ike-crypto-profile {name}",
        f"# Liveness check every {interval} s: about a third of Azure's DPD timeout "
        f"({tunnel.dpd_timeout_seconds} s).",
        f"{gateway} protocol ikev2 dpd enable yes",
        f"{gateway} protocol ikev2 dpd interval {interval}",
        f'{gateway} authentication pre-shared-key key "{site.shared_key}"',
        f"{gateway} local-address interface {OUTSIDE_INTERFACE}",
        f"{gateway} local-id type ipaddr id {site.onprem_public_ip}",
        f"{gateway} peer-address ip {site.azure_gateway_ip}",
        f"{gateway} peer-id type ipaddr id {site.azure_gateway_ip}",
        f"set network interface tunnel units {TUNNEL_INTERFACE}",
        f"{router} interface {TUNNEL_INTERFACE}",
        f"{ipsec_tunnel} tunnel-interface {TUNNEL_INTERFACE}",
        f"{ipsec_tunnel} auto-key ike-gateway {name}",
        f"{ipsec_tunnel} auto-key ipsec-crypto-profile {name}",
    ]
    if tunnel.policy_based:
        lines.append("# Policy-based traffic selectors: one proxy ID per (on-premises, Azure) prefix pair.")
        for index, pair in enumerate(tunnel.selector_pairs, start=1):
            proxy = f"{ipsec_tunnel} auto-key proxy-id pair-{index}"
            lines += [f"{proxy} local {pair.onprem[0]}", f"{proxy} remote {pair.azure[0]}",
                      f"{proxy} protocol any"]
    else:
        lines.append("# Route-based: no proxy IDs, so PAN-OS proposes 0.0.0.0/0 both ways.")
    for index, prefix in enumerate(site.azure_prefixes, start=1):
        route = f"{router} routing-table ip static-route {name[:NAME_LIMIT - 3]}-{index}"
        lines += [f"{route} interface {TUNNEL_INTERFACE}", f"{route} destination {prefix}"]
    return "\n".join(lines) + "\n"
