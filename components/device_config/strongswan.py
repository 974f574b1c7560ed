"""strongSwan ``swanctl.conf`` (IKEv2) for the on-premises side of an Azure connection.

Keywords: strongSwan docs, "IKEv2 Cipher Suites" (docs.strongswan.org/docs/5.9/config/
IKEv2CipherSuites.html) and "swanctl.conf" (.../swanctl/swanctlConf.html); the mapping from
Azure's values is in shared/REFERENCE.md ("strongSwan") and is proved against real charon
peers by tests/interop/test_device_config_interop.py.
"""

from __future__ import annotations

import re
from typing import Final

from components.device_config.site import DeviceConfigError
from components.device_config.tunnel import (
    EspProposal,
    IkeProposal,
    KeywordTable,
    SelectorPair,
    Tunnel,
    dpd_probe_interval,
    given_group,
)
from components.rules.problems import Problem

VENDOR: Final = "strongswan"
PLATFORM: Final = "strongSwan"
_ALL: Final = "strongSwan implements every algorithm and group Azure offers."

IKE_ENCRYPTION: Final = KeywordTable[str](PLATFORM, "ike_encryption", {
    "DES": "des", "DES3": "3des", "AES128": "aes128", "AES192": "aes192", "AES256": "aes256",
    # AES-GCM with a 16-octet ICV (RFC 4106/5282), the only ICV length Azure uses.
    "GCMAES128": "aes128gcm16", "GCMAES256": "aes256gcm16",
}, _ALL)
# The integrity keyword also names the PRF when no prf is given (strongSwan derives it).
IKE_INTEGRITY: Final = KeywordTable[str](PLATFORM, "ike_integrity", {
    "MD5": "md5", "SHA1": "sha1", "SHA256": "sha256", "SHA384": "sha384",
}, _ALL)
# With an AEAD cipher IKE has no separate MAC; Azure's integrity value becomes the PRF.
IKE_PRF: Final = KeywordTable[str](PLATFORM, "ike_integrity", {
    "MD5": "prfmd5", "SHA1": "prfsha1", "SHA256": "prfsha256", "SHA384": "prfsha384",
}, _ALL)
# modp2048s256 is RFC 5114's group 24 (2048-bit MODP, 256-bit prime order subgroup).
DH_GROUP: Final = KeywordTable[int](PLATFORM, "dh_group", {
    1: "modp768", 2: "modp1024", 14: "modp2048", 19: "ecp256", 20: "ecp384", 24: "modp2048s256",
}, _ALL)
PFS_GROUP: Final = KeywordTable[int](PLATFORM, "pfs_group", DH_GROUP.keywords, _ALL)
ESP_ENCRYPTION: Final = KeywordTable[str](PLATFORM, "ipsec_encryption", {
    "None": "null", "DES": "des", "DES3": "3des",
    "AES128": "aes128", "AES192": "aes192", "AES256": "aes256",
    "GCMAES128": "aes128gcm16", "GCMAES192": "aes192gcm16", "GCMAES256": "aes256gcm16",
}, _ALL)
ESP_INTEGRITY: Final = KeywordTable[str](PLATFORM, "ipsec_integrity", {
    "MD5": "md5", "SHA1": "sha1", "SHA256": "sha256",
}, _ALL)


def _name(text: str) -> str:
    """A swanctl section name: letters, digits, ``-`` and ``_`` only (no dots: they would
    read as nested sections in strongswan.conf syntax)."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return cleaned or "site"


def _quote(secret: str) -> str:
    """A double-quoted swanctl string; ``\\`` and ``"`` are escaped as the settings parser expects."""
    return '"' + secret.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ike_proposal(proposal: IkeProposal, problems: list[Problem], dh_given: str) -> str:
    """``aes256-sha384-modp2048s256``; with GCM ``aes256gcm16-prfsha384-ecp384``."""
    encryption = IKE_ENCRYPTION.lookup(proposal.encryption, proposal.encryption, problems)
    table = IKE_PRF if proposal.aead else IKE_INTEGRITY
    integrity = table.lookup(proposal.integrity, proposal.integrity, problems)
    group = DH_GROUP.lookup(proposal.dh_group, dh_given, problems)
    return f"{encryption}-{integrity}-{group}"


def esp_proposal(proposal: EspProposal, problems: list[Problem], pfs_given: str) -> str:
    """``aes256-sha256-modp2048``; GCM has no integrity part; no PFS, no group part."""
    parts = [ESP_ENCRYPTION.lookup(proposal.encryption, proposal.encryption, problems)]
    if not proposal.aead:
        parts.append(ESP_INTEGRITY.lookup(proposal.integrity, proposal.integrity, problems))
    if proposal.pfs_group is not None:
        parts.append(PFS_GROUP.lookup(proposal.pfs_group, pfs_given, problems))
    return "-".join(parts)


def child_name(site_name: str, pair: SelectorPair, policy_based: bool) -> str:
    """CHILD_SA config name. Policy-based children are named after their prefix pair, so
    reordering prefixes never renames one."""
    base = _name(site_name)
    if not policy_based:
        return base
    return _name(f"{base}-{pair.onprem[0]}-to-{pair.azure[0]}".replace("/", "_").replace(".", "_"))


def connection_name(site_name: str) -> str:
    return f"azure-{_name(site_name)}"


def render(tunnel: Tunnel) -> str:
    site = tunnel.site
    problems: list[Problem] = []
    ike = [ike_proposal(p, problems, given_group(site, "dh_group", p.dh_group)) for p in tunnel.ike_proposals]
    esp = [esp_proposal(p, problems, given_group(site, "pfs_group", p.pfs_group))
           for p in tunnel.esp_proposals]
    if problems:
        raise DeviceConfigError(VENDOR, problems)
    dpd = dpd_probe_interval(tunnel.dpd_timeout_seconds, 1, 3600)
    source = site.policy.summary() if site.policy is not None else (
        "none: Azure's default proposals (AES subset; group 2 is Azure's only default group)")
    mode = ("policy-based traffic selectors: one CHILD_SA per (on-premises, Azure) prefix pair"
            if tunnel.policy_based else "route-based: one CHILD_SA carrying every prefix")
    lines = [
        f"# strongSwan swanctl.conf: on-premises site {site.name!r} <-> Azure VPN gateway {site.azure_gateway_ip}",
        f"# Custom IPsec/IKE policy: {source}",
        f"# Azure connection: {mode}.",
        "connections {",
        f"    {connection_name(site.name)} {{",
        "        version = 2",
        f"        local_addrs = {site.onprem_public_ip}",
        f"        remote_addrs = {site.azure_gateway_ip}",
        f"        proposals = {', '.join(ike)}",
        "        # Azure's IKE SA lifetime is fixed at 28800 s; IKEv2 lifetimes are local, so",
        "        # rekeying at (or a little before) the same time keeps both sides in step.",
        f"        rekey_time = {tunnel.ike_lifetime_seconds}s",
        f"        # Liveness check every {dpd} s: a third of Azure's DPD timeout ({tunnel.dpd_timeout_seconds} s).",
        f"        dpd_delay = {dpd}s",
        "        local {",
        "            auth = psk",
        f"            id = {site.onprem_public_ip}",
        "        }",
        "        remote {",
        "            auth = psk",
        f"            id = {site.azure_gateway_ip}",
        "        }",
        "        # esp_proposals: the PFS group is used by CREATE_CHILD_SA (rekeys, further CHILD_SAs),",
        "        # not by the first CHILD_SA, which IKE_AUTH keys from the IKE SA (RFC 7296 1.2).",
        "        children {",
    ]
    for pair in tunnel.selector_pairs:
        lines += [
            f"            {child_name(site.name, pair, tunnel.policy_based)} {{",
            f"                local_ts = {','.join(pair.onprem)}",
            f"                remote_ts = {','.join(pair.azure)}",
            f"                esp_proposals = {', '.join(esp)}",
            f"                rekey_time = {tunnel.child_lifetime_seconds}s",
        ]
        if tunnel.child_lifetime_kilobytes:
            lines.append(f"                rekey_bytes = {tunnel.child_lifetime_kilobytes * 1024}")
        lines += [
            "                dpd_action = restart",
            "                start_action = start",
            "            }",
        ]
    lines += [
        "        }",
        "    }",
        "}",
        "secrets {",
        f"    ike-{_name(site.name)} {{",
        f"        id-onprem = {site.onprem_public_ip}",
        f"        id-azure = {site.azure_gateway_ip}",
        f"        secret = {_quote(site.shared_key)}",
        "    }",
        "}",
    ]
    return "\n".join(lines) + "\n"
