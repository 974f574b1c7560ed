"""DeviceSite validation: every problem named by its field, all at once, never the key."""

from __future__ import annotations

from dataclasses import replace

import pytest

from components.device_config import VENDORS, DeviceConfigError, DeviceSite, render_device_config
from components.presets import SEED_S2S_POLICY
from components.rules.problems import Problem

from .conftest import SECRET


def problems(site: DeviceSite, vendor: str = "strongswan") -> list[Problem]:
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config(vendor, site)
    assert raised.value.vendor == vendor
    assert str(raised.value).startswith(f"device config for {vendor}: ")
    return list(raised.value.problems)


def paths(site: DeviceSite, vendor: str = "strongswan") -> list[str]:
    return [p.path for p in problems(site, vendor)]


def test_valid_site_renders_on_every_vendor(site: DeviceSite) -> None:
    for vendor in VENDORS:
        assert render_device_config(vendor, site).strip()


def test_unknown_vendor_lists_the_vendors(site: DeviceSite) -> None:
    found = problems(site, "juniper-srx")
    assert [p.path for p in found] == ["vendor"]
    assert found[0].allowed == ", ".join(VENDORS)


@pytest.mark.parametrize("address", ["300.1.1.1", "", "gateway", "203.0.113.10/32"])
def test_azure_gateway_ip_must_be_an_ipv4_address(site: DeviceSite, address: str) -> None:
    found = problems(replace(site, azure_gateway_ip=address))
    assert [p.path for p in found] == ["azure_gateway_ip"]
    assert "IPv4 address" in found[0].allowed


def test_ipv6_outer_address_is_refused_with_the_reason(site: DeviceSite) -> None:
    found = problems(replace(site, azure_gateway_ip="2001:db8::1"))
    assert "IPv4 public addresses" in found[0].why


def test_onprem_dns_name_is_a_strongswan_identity_but_not_an_iosxe_or_panos_address(site: DeviceSite) -> None:
    named = replace(site, onprem_public_ip="vpn.contoso.example")
    assert "local_addrs = vpn.contoso.example" in render_device_config("strongswan", named)
    for vendor in ("cisco-iosxe", "paloalto-panos"):
        found = problems(named, vendor)
        assert [p.path for p in found] == ["onprem_public_ip"]
        assert "IPv4 address" in found[0].allowed
    assert paths(replace(site, onprem_public_ip="not a host!")) == ["onprem_public_ip"]


def test_prefix_problems_name_the_entry(site: DeviceSite) -> None:
    bad = replace(site, onprem_prefixes=("10.61.0.5/16", "2001:db8::/64", "10.61.0.0/16", "10.61.0.0/16"))
    found = problems(bad)
    assert [(p.path, p.rule) for p in found] == [
        ("onprem_prefixes[0]", "network.prefix"),
        ("onprem_prefixes[1]", "device.prefix-family"),
        ("onprem_prefixes[3]", "device.prefix-duplicate"),
    ]
    assert found[0].suggestion == "10.61.0.0/16"


def test_a_single_string_is_not_a_tuple_of_prefixes(site: DeviceSite) -> None:
    assert paths(replace(site, azure_prefixes="10.11.0.0/16")) == ["azure_prefixes"]  # type: ignore[arg-type]
    assert paths(replace(site, azure_prefixes=())) == ["azure_prefixes"]


def test_overlapping_sides_are_refused(site: DeviceSite) -> None:
    found = problems(replace(site, azure_prefixes=("10.61.128.0/17",)))
    assert [p.rule for p in found] == ["network.address-overlap"]
    assert "10.61.128.0/17 overlaps 10.61.0.0/16" in found[0].why


@pytest.mark.parametrize("seconds", [8, 3601, True, "45"])
def test_dpd_timeout_range(site: DeviceSite, seconds: object) -> None:
    found = problems(replace(site, dpd_timeout_seconds=seconds))  # type: ignore[arg-type]
    assert [p.path for p in found] == ["dpd_timeout_seconds"]
    assert "9 to 3600" in found[0].allowed


def test_ikev1_connection_is_refused_naming_ikev2(site: DeviceSite) -> None:
    found = problems(replace(site, connection_protocol="IKEv1"))
    assert [(p.path, p.rule) for p in found] == [("connection_protocol", "device.ikev1")]
    assert found[0].suggestion == "IKEv2"
    assert paths(replace(site, connection_protocol="IKEv3")) == ["connection_protocol"]


def test_policy_based_selectors_need_a_custom_policy(site: DeviceSite) -> None:
    found = problems(replace(site, policy=None, use_policy_based_traffic_selectors=True))
    assert [(p.path, p.rule) for p in found] == [("policy", "connection.policy-based-needs-policy")]
    # Route-based with Azure's defaults is fine.
    assert render_device_config("strongswan", replace(site, policy=None))


def test_a_policy_without_main_mode_group_cannot_be_ikev2(site: DeviceSite) -> None:
    no_dh = replace(SEED_S2S_POLICY, dh_group="None")
    found = problems(replace(site, policy=no_dh))
    assert [p.path for p in found] == ["policy.dh_group"]
    assert "RFC 7296" in found[0].why


def test_policy_must_be_an_ipsec_policy(site: DeviceSite) -> None:
    assert paths(replace(site, policy={"ikeEncryption": "AES256"})) == ["policy"]  # type: ignore[arg-type]


def test_every_problem_is_reported_at_once(site: DeviceSite) -> None:
    bad = replace(site, name=" ", azure_gateway_ip="x", dpd_timeout_seconds=1, connection_protocol="IKEv1")
    assert paths(bad) == ["name", "azure_gateway_ip", "dpd_timeout_seconds", "connection_protocol"]


@pytest.mark.parametrize("key", ["", "k" * 129, "schlüssel", "tab\tkey"])
def test_bad_shared_key_is_reported_without_its_value(site: DeviceSite, key: str) -> None:
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config("strongswan", replace(site, shared_key=key))
    assert [p.path for p in raised.value.problems] == ["shared_key"]
    assert "hidden: secret" in str(raised.value)
    if key:
        assert key not in str(raised.value)


def test_shared_key_never_in_repr_or_errors(site: DeviceSite) -> None:
    assert SECRET not in repr(site)
    with pytest.raises(DeviceConfigError) as raised:
        render_device_config("paloalto-panos", replace(site, policy=SEED_S2S_POLICY, azure_gateway_ip="x"))
    assert SECRET not in str(raised.value)
    assert SECRET not in repr(raised.value.problems)
