from __future__ import annotations

import pytest

from azvpn.engine import PlanResult
from components import ExistingGatewayArgs, VpnGateway
from tests.components.conftest import attempt_plan, gateway_args, plan

GATEWAY = "azure-native:network:VirtualNetworkGateway"


@pytest.fixture(scope="module")
def seed_gateway() -> PlanResult:
    return plan(lambda: VpnGateway("VNet1GW", gateway_args(
        public_ip_name="VNet1GWIP1", ip_configuration_name="gw1ipconf1", dns_servers=["8.8.8.8"])))


def test_children_and_parents(seed_gateway: PlanResult) -> None:
    component = seed_gateway.by_name("VNet1GW")
    children = {r.type.split(":")[-1] for r in seed_gateway.children_of(component.urn)}
    assert children == {"ResourceGroup", "VirtualNetwork", "PublicIPAddress", "VirtualNetworkGateway"}


def test_virtual_network_inputs(seed_gateway: PlanResult) -> None:
    vnet = seed_gateway.by_name("VNet1GW-vnet").inputs
    assert vnet["virtualNetworkName"] == "TestVNet1"
    assert vnet["addressSpace"] == {"addressPrefixes": ["10.11.0.0/16", "10.12.0.0/16"]}
    assert {s["name"]: s["addressPrefix"] for s in vnet["subnets"]} == {
        "FrontEnd": "10.11.0.0/24", "Backend": "10.12.0.0/24", "GatewaySubnet": "10.12.255.0/27"}
    assert vnet["dhcpOptions"] == {"dnsServers": ["8.8.8.8"]}


def test_public_ip_is_standard_static_zone_redundant(seed_gateway: PlanResult) -> None:
    ip = seed_gateway.by_name("VNet1GW-ip").inputs
    assert ip["sku"] == {"name": "Standard", "tier": "Regional"}
    assert ip["publicIPAllocationMethod"] == "Static"
    assert ip["publicIpAddressName"] == "VNet1GWIP1"
    assert ip["zones"] == ["1", "2", "3"]


def test_gateway_inputs(seed_gateway: PlanResult) -> None:
    gateway = seed_gateway.by_name("VNet1GW-gateway")
    inputs = gateway.inputs
    assert inputs["sku"] == {"name": "VpnGw1AZ", "tier": "VpnGw1AZ"}
    assert (inputs["gatewayType"], inputs["vpnType"]) == ("Vpn", "RouteBased")
    (ip_config,) = inputs["ipConfigurations"]
    assert ip_config["name"] == "gw1ipconf1"
    assert ip_config["subnet"]["id"].endswith("/virtualNetworks/TestVNet1/subnets/GatewaySubnet")
    assert ip_config["publicIPAddress"]["id"].endswith("/publicIPAddresses/VNet1GWIP1")


def test_gateway_has_long_timeouts(seed_gateway: PlanResult) -> None:
    timeouts = seed_gateway.by_name("VNet1GW-gateway").custom_timeouts
    minutes = {k: int(v.rstrip("m")) for k, v in timeouts.items()}
    assert minutes["create"] >= 60 and minutes["update"] >= 60


def test_component_registers_its_outputs(seed_gateway: PlanResult) -> None:
    outputs, secrets = seed_gateway.component_outputs[seed_gateway.by_name("VNet1GW").urn]
    assert outputs["sku"] == "VpnGw1AZ"
    assert outputs["gatewayId"].endswith("/virtualNetworkGateways/VNet1GW")
    assert outputs["addressSpace"] == ["10.11.0.0/16", "10.12.0.0/16"]
    assert not secrets


def test_gateways_build_in_parallel() -> None:
    """No gateway waits on another: only its own IP, VNet and group precede it."""
    result = plan(lambda: [VpnGateway("A", gateway_args()), VpnGateway("B", gateway_args(
        address_space=["10.21.0.0/16"], subnets={"GatewaySubnet": "10.21.255.0/27"}))])
    gateways = result.of_type(GATEWAY)
    gateway_urns = {g.urn for g in gateways}
    for gateway in gateways:
        deps = set(gateway.dependencies) | {u for us in gateway.property_dependencies.values() for u in us}
        assert not deps & gateway_urns
        assert {result_name(result, u) for u in deps} <= {f"{gateway.name[0]}-ip", f"{gateway.name[0]}-vnet",
                                                           f"{gateway.name[0]}-rg"}


def result_name(result: PlanResult, urn: str) -> str:
    return next(r.name for r in result.resources if r.urn == urn)


def test_protect_option_protects_expensive_resources() -> None:
    result = plan(lambda: VpnGateway("P", gateway_args(protect=True)))
    assert {r.name for r in result.resources if r.protect} == {"P-gateway", "P-ip", "P-vnet"}


@pytest.mark.parametrize("sku,replacement", [
    ("Standard", "VpnGw1AZ"), ("HighPerformance", "VpnGw2AZ"), ("VpnGw1", "VpnGw1AZ"), ("VpnGw5", "VpnGw5AZ")])
def test_legacy_skus_are_refused_with_replacement(sku: str, replacement: str) -> None:
    result, message = attempt_plan(lambda: VpnGateway("Old", gateway_args(sku=sku)))
    assert result.resources == []
    assert "VpnGateway 'Old'" in message and f"sku: got {sku!r}" in message
    assert f"Did you mean {replacement!r}?" in message


def test_non_vpn_sku_is_refused() -> None:
    _, message = attempt_plan(lambda: VpnGateway("Er", gateway_args(sku="ErGw1AZ")))
    assert "sku: got 'ErGw1AZ'" in message and "not a VPN gateway SKU" in message


@pytest.mark.parametrize("field,value,text", [
    ("public_ip_sku", "Basic", "public_ip.sku: got 'Basic'; allowed: Standard"),
    ("public_ip_allocation", "Dynamic", "public_ip.allocation: got 'Dynamic'; allowed: Static"),
])
def test_basic_or_dynamic_public_ip_is_refused(field: str, value: str, text: str) -> None:
    _, message = attempt_plan(lambda: VpnGateway("Ip", gateway_args(**{field: value})))
    assert text in message


def test_misnamed_gateway_subnet() -> None:
    _, message = attempt_plan(lambda: VpnGateway("Gw", gateway_args(
        subnets={"FrontEnd": "10.11.0.0/24", "gateway-subnet": "10.12.255.0/27"})))
    assert "subnets: got 'gateway-subnet'" in message
    assert "named exactly 'GatewaySubnet'" in message and "Did you mean 'GatewaySubnet'?" in message


def test_gateway_subnet_outside_vnet() -> None:
    _, message = attempt_plan(lambda: VpnGateway("Gw", gateway_args(
        subnets={"GatewaySubnet": "10.99.255.0/27"})))
    assert "subnets.GatewaySubnet: got '10.99.255.0/27'" in message
    assert "inside the address space (10.11.0.0/16, 10.12.0.0/16)" in message


def test_small_gateway_subnet_is_a_warning_not_an_error() -> None:
    result = plan(lambda: VpnGateway("Small", gateway_args(
        subnets={"GatewaySubnet": "10.12.255.0/29"})))
    assert result.by_name("Small-gateway")
    (warning,) = [d for d in result.warnings() if "GatewaySubnet" in d.message]
    assert "VpnGateway 'Small'" in warning.message and "/27 or larger" in warning.message
    assert warning.urn == result.by_name("Small").urn


def test_host_bits_in_prefix_get_a_suggestion() -> None:
    _, message = attempt_plan(lambda: VpnGateway("Gw", gateway_args(address_space=["10.11.0.5/16"])))
    assert "address_space[0]: got '10.11.0.5/16'" in message and "Did you mean '10.11.0.0/16'?" in message


def test_error_registers_nothing_of_that_gateway_but_keeps_valid_ones() -> None:
    result, _ = attempt_plan(lambda: VpnGateway("Bad", gateway_args(sku="Standard")),
                             before=lambda: VpnGateway("Good", gateway_args()))
    assert result.resources and all(r.name.startswith("Good") for r in result.resources)


def test_adopt_existing_gateway() -> None:
    gateway_id = ("/subscriptions/1111/resourceGroups/hub-rg/providers/Microsoft.Network/"
                  "virtualNetworkGateways/hub-gw")
    result = plan(lambda: VpnGateway.adopt("Hub", ExistingGatewayArgs(
        gateway_id=gateway_id, sku="VpnGw2AZ", address_space=["10.0.0.0/16"], location="westeurope")))
    (component,) = result.resources
    assert component.type == "azure-ipsec-vpn:index:VpnGateway"
    outputs, _ = result.component_outputs[component.urn]
    assert outputs["gatewayId"] == gateway_id and outputs["gatewayName"] == "hub-gw" and outputs["adopted"]


def test_adopt_needs_a_gateway_resource_id() -> None:
    result, message = attempt_plan(lambda: VpnGateway.adopt("Hub", ExistingGatewayArgs(
        gateway_id="hub-gw", sku="VpnGw2AZ", address_space=["10.0.0.0/16"], location="westeurope")))
    assert result.resources == []
    assert "gateway_id: got 'hub-gw'" in message and "virtualNetworkGateways/<name>" in message


@pytest.mark.parametrize("sku,generation", [("VpnGw1AZ", "Generation1"), ("VpnGw2AZ", "Generation2"),
                                            ("VpnGw5AZ", "Generation2")])
def test_default_generation_is_the_newest_the_sku_offers(sku: str, generation: str) -> None:
    result = plan(lambda: VpnGateway("G", gateway_args(sku=sku)))
    assert result.by_name("G-gateway").inputs["vpnGatewayGeneration"] == generation


def test_generation_the_sku_lacks_is_refused() -> None:
    _, message = attempt_plan(lambda: VpnGateway("G", gateway_args(sku="VpnGw1AZ", generation="Generation2")))
    assert "generation: got 'Generation2'; allowed: Generation1" in message
    assert "resizes within its generation" in message


def test_explicit_generation_keeps_a_downsize_in_place() -> None:
    result = plan(lambda: VpnGateway("G", gateway_args(sku="VpnGw2AZ", generation="Generation1")))
    assert result.by_name("G-gateway").inputs["vpnGatewayGeneration"] == "Generation1"


def test_existing_group_without_any_location_is_refused() -> None:
    result, message = attempt_plan(lambda: VpnGateway("G", gateway_args(create_resource_group=False, location=None)))
    assert result.resources == []
    assert "location: got nothing; allowed: an Azure region" in message and "azure-native:location" in message


def test_existing_group_takes_the_given_location() -> None:
    result = plan(lambda: VpnGateway("G", gateway_args(create_resource_group=False, location="westeurope")))
    assert not result.of_type("azure-native:resources:ResourceGroup")
    assert result.by_name("G-gateway").inputs["location"] == "westeurope"
    assert result.by_name("G-gateway").inputs["resourceGroupName"] == "TestPolicyRG1"


def test_adopted_gateway_counts_its_unmanaged_connections() -> None:
    from components import ConnectionSettings, VpnSite, VpnSiteArgs

    gateway_id = "/subscriptions/1/resourceGroups/hub/providers/Microsoft.Network/virtualNetworkGateways/hub"

    def build() -> None:
        hub = VpnGateway.adopt("Hub", ExistingGatewayArgs(
            gateway_id=gateway_id, sku="VpnGw1AZ", address_space=["10.0.0.0/16"], location="westeurope",
            existing_connections=30))
        VpnSite("S", VpnSiteArgs(gateway=hub, gateway_ip_address="131.107.72.22", address_prefixes=["10.9.0.0/16"],
                                 settings=ConnectionSettings(shared_key="k")))
    _, message = attempt_plan(build)
    assert "connection 31 on gateway 'Hub'" in message and "at most 30 connections on VpnGw1AZ" in message
