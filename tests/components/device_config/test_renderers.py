"""Each renderer over the policy matrix, and the conversions they share."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from components.device_config import VENDORS, DeviceConfigError, DeviceSite, render_device_config
from components.device_config.tunnel import Unit, dpd_probe_interval, shortest_fit
from components.ipsec_policy import IpsecPolicy
from components.presets import RECOMMENDED_POLICY, SEED_VNET2VNET_POLICY
from components.rules.problems import Problem

from .conftest import SECRET
from .matrix import AZURE_PREFIXES, MATRIX, ONPREM_PREFIXES, MatrixCase


def matrix_site(case: MatrixCase) -> DeviceSite:
    return DeviceSite(name=case.id, policy=case.policy, azure_gateway_ip="203.0.113.10",
                      onprem_public_ip="198.51.100.22", onprem_prefixes=ONPREM_PREFIXES,
                      azure_prefixes=AZURE_PREFIXES, shared_key=SECRET,
                      use_policy_based_traffic_selectors=case.policy_based)


def expected_refusals(vendor: str, policy: IpsecPolicy | None) -> dict[str, object]:
    """What each platform cannot express, stated independently of the renderers' tables."""
    if policy is None or vendor == "strongswan":
        return {}  # strongSwan has every Azure algorithm; Azure's defaults fit every platform
    refused: dict[str, object] = {}
    if vendor == "cisco-iosxe":
        if policy.ike_encryption == "DES":
            refused["policy.ike_encryption"] = "DES"
        if policy.ipsec_encryption == "GCMAES192":
            refused["policy.ipsec_encryption"] = "GCMAES192"
        if 0 < policy.sa_data_size_kilobytes < 2560:
            refused["policy.sa_data_size_kilobytes"] = policy.sa_data_size_kilobytes
    if vendor == "paloalto-panos":
        if policy.ike_encryption == "DES":
            refused["policy.ike_encryption"] = "DES"
        if policy.ipsec_encryption in ("DES", "GCMAES192"):
            refused["policy.ipsec_encryption"] = policy.ipsec_encryption
        if policy.dh_group_number == 24:
            refused["policy.dh_group"] = policy.dh_group
        if policy.pfs_group_number == 24:
            refused["policy.pfs_group"] = policy.pfs_group
    return refused


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("case", MATRIX, ids=[case.id for case in MATRIX])
def test_every_matrix_policy_renders_or_is_refused_clearly(vendor: str, case: MatrixCase) -> None:
    site = matrix_site(case)
    refused = expected_refusals(vendor, case.policy)
    if not refused:
        text = render_device_config(vendor, site)
        # No empty keyword slipped through (a lookup that failed would leave "" behind).
        assert not re.search(r"(^|\s)-|--|- |= *$| $", text, re.MULTILINE), text
        assert text.count(SECRET) == 1  # the key appears once, where the platform needs it
        return
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config(vendor, site)
    error = raised.value
    assert error.vendor == vendor
    assert {p.path: p.value for p in error.problems} == refused
    message = str(error)
    assert message.startswith(f"device config for {vendor}: ")
    for problem in error.problems:
        assert f"{problem.path}: got {problem.value!r}" in message
        assert "allowed: " in problem.message() and problem.allowed
        assert str(problem.value) not in problem.allowed.split(", ")
    assert SECRET not in message


def test_matrix_covers_what_the_issue_asks() -> None:
    policies = [c.policy for c in MATRIX if c.policy is not None]
    assert len(MATRIX) >= 20
    families = {p.ike_encryption for p in policies} | {p.ipsec_encryption for p in policies}
    assert families >= {"None", "DES", "DES3", "AES128", "AES192", "AES256", "GCMAES128", "GCMAES192", "GCMAES256"}
    assert {p.dh_group_number for p in policies} >= {2, 14, 19, 20, 24}
    pfs = {"none" if p.pfs_group_number is None else "same" if p.pfs_group_number == p.dh_group_number
           else "different" for p in policies}
    assert pfs == {"none", "same", "different"}
    assert {c.policy_based for c in MATRIX} == {True, False}


# --- spelling details ---------------------------------------------------------------------


def test_gcm_has_no_separate_integrity_anywhere(site: DeviceSite) -> None:
    strongswan = render_device_config("strongswan", site)
    assert "proposals = aes256gcm16-prfsha384-ecp384\n" in strongswan
    assert "esp_proposals = aes256gcm16-ecp384\n" in strongswan
    cisco = render_device_config("cisco-iosxe", site)
    assert " encryption aes-gcm-256\n prf sha384\n group 20\n" in cisco
    assert "transform-set azure-Site6 esp-gcm 256\n" in cisco and " integrity " not in cisco
    panos = render_device_config("paloalto-panos", site)
    assert "AZ-Site6 esp authentication none\n" in panos
    assert "AZ-Site6 hash sha384\n" in panos  # PAN-OS keeps the hash as the PRF


def test_pfs_settings(site: DeviceSite) -> None:
    same = render_device_config("cisco-iosxe", site)
    assert " set pfs group20\n" in same
    none = replace(site, policy=replace(RECOMMENDED_POLICY, pfs_group="None"))
    assert "set pfs" not in render_device_config("cisco-iosxe", none)
    assert "AZ-Site6 dh-group no-pfs\n" in render_device_config("paloalto-panos", none)
    assert "esp_proposals = aes256gcm16\n" in render_device_config("strongswan", none)
    pfsmm = replace(site, policy=replace(RECOMMENDED_POLICY, pfs_group="PFSMM"))
    assert "esp_proposals = aes256gcm16-ecp384\n" in render_device_config("strongswan", pfsmm)


def test_pfsmm_on_a_group_the_platform_lacks_names_both_fields(site: DeviceSite) -> None:
    policy = replace(RECOMMENDED_POLICY, dh_group="DHGroup24", pfs_group="PFSMM")
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config("paloalto-panos", replace(site, policy=policy))
    assert [(p.path, p.value) for p in raised.value.problems] == [
        ("policy.dh_group", "DHGroup24"), ("policy.pfs_group", "PFSMM")]
    assert "(DH group 24)" in raised.value.problems[1].why


def test_policy_based_selectors_one_per_pair(site: DeviceSite) -> None:
    policy_based = replace(site, policy=SEED_VNET2VNET_POLICY, use_policy_based_traffic_selectors=True)
    strongswan = render_device_config("strongswan", policy_based)
    assert strongswan.count("local_ts = ") == 4
    assert "local_ts = 10.62.0.0/16\n                remote_ts = 10.11.0.0/16\n" in strongswan
    cisco = render_device_config("cisco-iosxe", policy_based)
    assert cisco.count(" permit ip ") == 4
    assert " permit ip 10.61.0.0 0.0.255.255 10.12.0.0 0.0.255.255\n" in cisco
    assert "crypto map azure-Site6 10 ipsec-isakmp\n" in cisco and "interface Tunnel" not in cisco
    panos = render_device_config("paloalto-panos", policy_based)
    assert panos.count(" protocol any\n") == 4
    assert "auto-key proxy-id pair-3 local 10.62.0.0/16\n" in panos


def test_route_based_selectors(site: DeviceSite) -> None:
    strongswan = render_device_config("strongswan", site)
    assert strongswan.count("local_ts = ") == 1
    assert "local_ts = 10.61.0.0/16,10.62.0.0/16\n                remote_ts = 10.11.0.0/16,10.12.0.0/16\n" in strongswan
    cisco = render_device_config("cisco-iosxe", site)
    assert "ip route 10.12.0.0 255.255.0.0 Tunnel1" in cisco and "crypto map" not in cisco
    assert "proxy-id" not in render_device_config("paloalto-panos", site)


def test_azure_default_proposals(site: DeviceSite) -> None:
    default = replace(site, policy=None)
    strongswan = render_device_config("strongswan", default)
    assert ("proposals = aes256-sha1-modp1024, aes256-sha256-modp1024, aes128-sha1-modp1024, "
            "aes128-sha256-modp1024\n") in strongswan
    assert "esp_proposals = aes256gcm16, aes256-sha1, aes256-sha256, aes128-sha1\n" in strongswan
    assert "rekey_time = 27000s" in strongswan
    cisco = render_device_config("cisco-iosxe", default)
    # IOS offers the cross product: exactly Azure's AES256/AES128 x SHA1/SHA256 with group 2.
    assert " encryption aes-cbc-256 aes-cbc-128\n integrity sha1 sha256\n group 2\n" in cisco
    assert " set transform-set azure-Site6-1 azure-Site6-2 azure-Site6-3 azure-Site6-4\n" in cisco
    panos = render_device_config("paloalto-panos", default)
    assert "esp encryption [ aes-256-cbc aes-128-cbc ]\n" in panos
    assert "esp authentication [ sha1 sha256 ]\n" in panos


# --- lifetimes ----------------------------------------------------------------------------


def with_lifetimes(site: DeviceSite, seconds: int, kilobytes: int) -> DeviceSite:
    assert site.policy is not None
    return replace(site, policy=replace(site.policy, sa_lifetime_seconds=seconds, sa_data_size_kilobytes=kilobytes))


def test_ike_lifetime_is_azures_fixed_28800(site: DeviceSite) -> None:
    assert "        rekey_time = 28800s\n" in render_device_config("strongswan", site)
    assert " lifetime 28800\n" in render_device_config("cisco-iosxe", site)
    assert "ike-crypto-profiles AZ-Site6 lifetime seconds 28800\n" in render_device_config("paloalto-panos", site)


def test_lifetimes_in_each_platforms_units(site: DeviceSite) -> None:
    exact = with_lifetimes(site, 3600, 1048576)
    assert "rekey_time = 3600s" in render_device_config("strongswan", exact)
    assert "rekey_bytes = 1073741824" in render_device_config("strongswan", exact)
    cisco = render_device_config("cisco-iosxe", exact)
    assert (" set security-association lifetime seconds 3600\n"
            " set security-association lifetime kilobytes 1048576\n") in cisco
    panos = render_device_config("paloalto-panos", exact)
    assert "lifetime seconds 3600\n" in panos and "lifesize mb 1024\n" in panos and "cannot hold" not in panos


def test_panos_rounds_down_to_what_it_can_hold_and_says_so(site: DeviceSite) -> None:
    panos = render_device_config("paloalto-panos", with_lifetimes(site, 172799, 102400000))
    assert "ipsec-crypto-profiles AZ-Site6 lifetime minutes 2879\n" in panos
    assert "# PAN-OS cannot hold 172799 exactly" in panos and "172740 is the longest shorter value" in panos
    assert "lifesize gb 97\n" in panos and "101711872 is the longest shorter value" in panos
    assert "lifetime minutes 1440\n" in render_device_config("paloalto-panos", with_lifetimes(site, 86400, 0))


def test_no_volume_limit(site: DeviceSite) -> None:
    unlimited = with_lifetimes(site, 27000, 0)
    assert "rekey_bytes" not in render_device_config("strongswan", unlimited)
    assert " set security-association lifetime kilobytes disable\n" in render_device_config("cisco-iosxe", unlimited)
    assert "lifesize" not in render_device_config("paloalto-panos", unlimited)


def test_cisco_refuses_a_volume_below_its_minimum(site: DeviceSite) -> None:
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config("cisco-iosxe", with_lifetimes(site, 27000, 2048))
    [problem] = raised.value.problems
    assert (problem.path, problem.value) == ("policy.sa_data_size_kilobytes", 2048)
    assert problem.allowed == "at least 2560 kilobytes on Cisco IOS-XE"


def test_shortest_fit() -> None:
    units = (Unit("s", 1, 180, 65535), Unit("min", 60, 3, 65535))
    problems: list[Problem] = []
    assert shortest_fit("f", 600, units, "P", problems) == shortest_fit("f", 600, units, "P", problems)
    fit = shortest_fit("f", 600, units, "P", problems)
    assert fit is not None and (fit.value, fit.unit, fit.note) == (600, "s", "")
    fit = shortest_fit("f", 70000, units, "P", problems)
    assert fit is not None and (fit.value, fit.unit) == (1166, "min") and "69960" in fit.note
    assert problems == []
    assert shortest_fit("f", 100, units, "P", problems) is None
    assert [p.path for p in problems] == ["policy.f"]


# --- DPD, names, keys ----------------------------------------------------------------------


@pytest.mark.parametrize(("timeout", "strongswan", "cisco", "panos"), [
    (9, "dpd_delay = 3s", "dpd 10 3 periodic", "dpd interval 3"),
    (45, "dpd_delay = 15s", "dpd 15 5 periodic", "dpd interval 15"),
    (3600, "dpd_delay = 1200s", "dpd 1200 60 periodic", "dpd interval 100"),
])
def test_dpd_probe_interval_per_platform(site: DeviceSite, timeout: int, strongswan: str, cisco: str,
                                         panos: str) -> None:
    timed = replace(site, dpd_timeout_seconds=timeout)
    assert strongswan in render_device_config("strongswan", timed)
    assert cisco in render_device_config("cisco-iosxe", timed)
    assert panos in render_device_config("paloalto-panos", timed)
    assert dpd_probe_interval(timeout, 1, 10_000) == timeout // 3


def test_names_are_sanitised_per_platform(site: DeviceSite) -> None:
    odd = replace(site, name="Site 6/Contoso: Zürich branch office #2")
    assert "    azure-Site-6-Contoso-Z-rich-branch-office-2 {\n" in render_device_config("strongswan", odd)
    assert "crypto ikev2 proposal azure-Site-6-Contoso-Z-rich-branch-office-2\n" in render_device_config(
        "cisco-iosxe", odd)
    names = set(re.findall(r"ike gateway (\S+) ", render_device_config("paloalto-panos", odd)))
    assert names == {"AZ-Site-6-Contoso-Z-rich-branch"} and all(len(n) <= 31 for n in names)


def test_strongswan_quotes_the_key(site: DeviceSite) -> None:
    quoted = replace(site, shared_key='a"b\\c #d')
    assert '        secret = "a\\"b\\\\c #d"\n' in render_device_config("strongswan", quoted)


@pytest.mark.parametrize(("vendor", "key"), [("cisco-iosxe", "two words"), ("cisco-iosxe", "why?"),
                                             ("paloalto-panos", 'say "hi"')])
def test_keys_a_cli_cannot_take_are_refused_without_showing_them(site: DeviceSite, vendor: str, key: str) -> None:
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config(vendor, replace(site, shared_key=key))
    assert [p.path for p in raised.value.problems] == ["shared_key"]
    assert key not in str(raised.value)
