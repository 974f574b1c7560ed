from __future__ import annotations

import pytest

from azvpn.engine import PlanResult
from components import SEED_S2S_POLICY, ConnectionSettings, VpnGateway, VpnSite, VpnSiteArgs
from tests.components.conftest import attempt_plan, gateway_args, plan

SITE6 = ["10.61.0.0/16", "10.62.0.0/16"]


@pytest.fixture(scope="module")
def site6() -> PlanResult:
    def program() -> None:
        gateway = VpnGateway("VNet1GW", gateway_args())
        VpnSite("Site6", VpnSiteArgs(gateway=gateway, gateway_ip_address="131.107.72.22", address_prefixes=SITE6,
                                     connection_name="VNet1toSite6",
                                     settings=ConnectionSettings(ipsec_policy=SEED_S2S_POLICY)))
    return plan(program)


def test_local_network_gateway(site6: PlanResult) -> None:
    lng = site6.by_name("Site6-lng")
    assert lng.inputs["localNetworkGatewayName"] == "Site6"
    assert lng.inputs["gatewayIpAddress"] == "131.107.72.22"
    assert lng.inputs["localNetworkAddressSpace"] == {"addressPrefixes": SITE6}
    assert lng.inputs["resourceGroupName"] == "TestPolicyRG1" and lng.inputs["location"] == "eastus2"
    assert lng.parent == site6.by_name("Site6").urn


def test_connection_to_the_site_carries_the_policy(site6: PlanResult) -> None:
    connection = site6.by_name("Site6-connection-connection")
    assert connection.inputs["connectionType"] == "IPsec"
    assert connection.inputs["localNetworkGateway2"]["id"].endswith("/localNetworkGateways/Site6")
    assert connection.inputs["ipsecPolicies"] == [SEED_S2S_POLICY.to_arm()]
    assert site6.by_name("Site6-lng").urn in connection.dependencies


def test_generated_key_is_random_and_secret(site6: PlanResult) -> None:
    password = site6.by_name("Site6-shared-key")
    assert password.type == "random:index/randomPassword:RandomPassword"
    assert password.inputs == {"length": 32, "special": False}
    connection = site6.by_name("Site6-connection-connection")
    assert connection.is_secret("sharedKey")
    assert password.urn in connection.property_dependencies["sharedKey"]


def test_fqdn_instead_of_ip() -> None:
    result = plan(lambda: VpnSite("S", VpnSiteArgs(gateway=VpnGateway("G", gateway_args()), fqdn="vpn.example.com",
                                                   address_prefixes=SITE6)))
    inputs = result.by_name("S-lng").inputs
    assert inputs["fqdn"] == "vpn.example.com" and "gatewayIpAddress" not in inputs


def test_ip_and_fqdn_together_are_refused() -> None:
    result, message = attempt_plan(lambda: VpnSite("S", VpnSiteArgs(
        gateway=VpnGateway("G", gateway_args()), fqdn="vpn.example.com", gateway_ip_address="131.107.72.22",
        address_prefixes=SITE6)))
    assert "exactly one of gateway_ip_address or fqdn" in message
    assert not [r for r in result.resources if r.name.startswith("S")]


def test_private_site_address_is_a_warning() -> None:
    result = plan(lambda: VpnSite("S", VpnSiteArgs(gateway=VpnGateway("G", gateway_args()),
                                                   gateway_ip_address="192.168.1.1", address_prefixes=SITE6)))
    assert any("gateway_ip_address: got '192.168.1.1'" in d.message and "VpnSite 'S'" in d.message
               for d in result.warnings())


def test_bgp_needs_asn_and_peer_address() -> None:
    _, message = attempt_plan(lambda: VpnSite("S", VpnSiteArgs(
        gateway=VpnGateway("G", gateway_args()), gateway_ip_address="131.107.72.22", address_prefixes=SITE6,
        bgp_asn=65010)))
    assert "bgp_asn: got 65010 (int)" in message and "both bgp_asn and bgp_peering_address" in message


def test_bad_connection_settings_register_no_local_gateway() -> None:
    result, message = attempt_plan(lambda: VpnSite("S", VpnSiteArgs(
        gateway=VpnGateway("G", gateway_args()), gateway_ip_address="131.107.72.22", address_prefixes=SITE6,
        settings=ConnectionSettings(dpd_timeout_seconds=5))))
    assert "VpnSite 'S'" in message and "dpd_timeout_seconds: got 5 (int)" in message
    assert not [r for r in result.resources if r.name.startswith("S")]


def test_site_overlapping_the_vnet() -> None:
    _, message = attempt_plan(lambda: VpnSite("S", VpnSiteArgs(
        gateway=VpnGateway("G", gateway_args()), gateway_ip_address="131.107.72.22",
        address_prefixes=["10.11.0.0/24"])))
    assert "address_prefixes: got ['10.11.0.0/24']" in message and "overlaps 10.11.0.0/16" in message


def test_device_configs_are_a_secret_output_rendered_from_the_same_policy() -> None:
    from azvpn.engine import run_program

    key = "Site6-pre-shared-key"

    def program() -> None:
        import pulumi

        gateway = VpnGateway("VNet1GW", gateway_args())
        VpnSite("Site6", VpnSiteArgs(gateway=gateway, gateway_ip_address="131.107.72.22", address_prefixes=SITE6,
                                     settings=ConnectionSettings(ipsec_policy=SEED_S2S_POLICY,
                                                                 shared_key=pulumi.Output.secret(key))))

    deployed = run_program(program, project="azure-ipsec-vpn", stack="test", preview=False)
    outputs, secrets = deployed.component_outputs[deployed.by_name("Site6").urn]
    assert "deviceConfigs" in secrets
    configs = outputs["deviceConfigs"]
    assert set(configs) == {"strongswan", "cisco-iosxe", "paloalto-panos"}
    # The seed's Part 3 policy, spelled the strongSwan way: AES256/SHA384/group 24, no PFS.
    assert "aes256-sha384-modp2048s256" in configs["strongswan"]
    assert "203.0.113." in configs["strongswan"] and key in configs["strongswan"]
    # PAN-OS has no DH group 24: it says so instead of rendering something else.
    assert configs["paloalto-panos"].startswith("# not rendered: device config for paloalto-panos")
    assert "dh_group" in configs["paloalto-panos"] and key not in configs["paloalto-panos"]


def test_device_configs_are_unknown_in_preview(site6: PlanResult) -> None:
    outputs, secrets = site6.component_outputs[site6.by_name("Site6").urn]
    assert "deviceConfigs" in secrets
    assert outputs["deviceConfigs"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
