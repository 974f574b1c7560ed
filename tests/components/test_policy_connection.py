from __future__ import annotations

import pulumi
import pytest

from azvpn.engine import PlanResult
from components import (
    SEED_S2S_POLICY,
    ConnectionSettings,
    PolicyConnection,
    PolicyConnectionArgs,
    VpnGateway,
)
from tests.components.conftest import attempt_plan, gateway_args, plan

LNG_ID = "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Network/localNetworkGateways/Site6"
SITE6 = ["10.61.0.0/16", "10.62.0.0/16"]
KEY = "AzureA1b2C3"


def connect(gateway: VpnGateway, name: str = "c", peer: list[str] | None = None,
            **settings: object) -> PolicyConnection:
    return PolicyConnection(name, PolicyConnectionArgs(
        gateway=gateway, connection_type="IPsec", peer_id=LNG_ID, peer_address_space=peer or SITE6,
        settings=ConnectionSettings(**{"shared_key": pulumi.Output.secret(KEY), **settings}),  # type: ignore[arg-type]
        connection_name="VNet1toSite6"))


@pytest.fixture(scope="module")
def with_policy() -> PlanResult:
    def program() -> None:
        gateway = VpnGateway("VNet1GW", gateway_args())
        connect(gateway, ipsec_policy=SEED_S2S_POLICY, use_policy_based_traffic_selectors=True,
                dpd_timeout_seconds=30)
        connect(gateway, "no-policy", peer=["10.70.0.0/16"])
    return plan(program)


def test_connection_inputs_as_the_provider_sees_them(with_policy: PlanResult) -> None:
    inputs = with_policy.by_name("c-connection").inputs
    assert inputs["connectionType"] == "IPsec"
    assert inputs["virtualNetworkGatewayConnectionName"] == "VNet1toSite6"
    assert inputs["localNetworkGateway2"] == {"id": LNG_ID}
    assert inputs["virtualNetworkGateway1"]["id"].endswith("/virtualNetworkGateways/VNet1GW")
    assert inputs["ipsecPolicies"] == [SEED_S2S_POLICY.to_arm()]
    assert inputs["usePolicyBasedTrafficSelectors"] is True
    assert inputs["dpdTimeoutSeconds"] == 30
    assert (inputs["connectionProtocol"], inputs["connectionMode"]) == ("IKEv2", "Default")
    assert "virtualNetworkGateway2" not in inputs


def test_no_policy_means_an_empty_policy_list(with_policy: PlanResult) -> None:
    """An explicit [] is what removes a policy (seed Part 5 step 3); None would leave it."""
    assert with_policy.by_name("no-policy-connection").inputs["ipsecPolicies"] == []
    outputs, _ = with_policy.component_outputs[with_policy.by_name("no-policy").urn]
    assert outputs.get("effectivePolicy") is None  # None is not sent on the wire


def test_shared_key_is_secret_in_and_out(with_policy: PlanResult) -> None:
    connection = with_policy.by_name("c-connection")
    assert connection.is_secret("sharedKey")
    assert "sharedKey" in connection.additional_secret_outputs
    _outputs, secrets = with_policy.component_outputs[with_policy.by_name("c").urn]
    assert "sharedKey" in secrets
    assert KEY not in str(with_policy.diagnostics)


def test_policy_based_selectors_are_every_prefix_pair(with_policy: PlanResult) -> None:
    outputs, _ = with_policy.component_outputs[with_policy.by_name("c").urn]
    assert sorted(map(tuple, outputs["trafficSelectorPairs"])) == [
        ("10.61.0.0/16", "10.11.0.0/16"), ("10.61.0.0/16", "10.12.0.0/16"),
        ("10.62.0.0/16", "10.11.0.0/16"), ("10.62.0.0/16", "10.12.0.0/16")]
    outputs, _ = with_policy.component_outputs[with_policy.by_name("no-policy").urn]
    assert outputs["trafficSelectorPairs"] == []


def test_effective_policy_has_the_show_shape(with_policy: PlanResult) -> None:
    outputs, _ = with_policy.component_outputs[with_policy.by_name("c").urn]
    assert outputs["effectivePolicy"] == SEED_S2S_POLICY.to_show()


def test_strength_findings_are_warnings_on_the_connection(with_policy: PlanResult) -> None:
    urn = with_policy.by_name("c").urn
    messages = [d.message for d in with_policy.warnings() if d.urn == urn]
    assert any("ipsec_policy.dh_group=DHGroup24 is weak" in m and "RFC 8247" in m for m in messages)
    assert any("ipsec_policy.pfs_group=None is weak" in m for m in messages)


@pytest.mark.parametrize("seconds", [8, 3601, 0])
def test_dpd_outside_range(seconds: int) -> None:
    result, message = attempt_plan(lambda: connect(VpnGateway("G", gateway_args()), dpd_timeout_seconds=seconds))
    assert not any(r.name.startswith("c") for r in result.resources)
    assert f"dpd_timeout_seconds: got {seconds} (int)" in message and "from 9 to 3600" in message


def test_nat_rules_with_policy_based_selectors() -> None:
    _, message = attempt_plan(lambda: connect(VpnGateway("G", gateway_args()),
                                              use_policy_based_traffic_selectors=True,
                                              ingress_nat_rule_ids=["/nat/1"]))
    assert "use_policy_based_traffic_selectors" in message and "NAT rules" in message


def test_overlapping_peer() -> None:
    _, message = attempt_plan(lambda: connect(VpnGateway("G", gateway_args()), peer=["10.12.128.0/17"]))
    assert "peer_address_space: got ['10.12.128.0/17']" in message
    assert "10.12.128.0/17 overlaps 10.12.0.0/16" in message


def test_policy_on_basic_gateway() -> None:
    _, message = attempt_plan(lambda: connect(VpnGateway("G", gateway_args(sku="Basic")),
                                              ipsec_policy=SEED_S2S_POLICY))
    assert "ipsec_policy: got 'Basic'" in message and "does not support custom IPsec/IKE policies" in message


def test_basic_gateway_without_policy_is_allowed() -> None:
    result = plan(lambda: connect(VpnGateway("G", gateway_args(sku="Basic"))))
    assert result.by_name("c-connection").inputs["ipsecPolicies"] == []


def test_policy_on_policy_based_gateway() -> None:
    _, message = attempt_plan(lambda: connect(VpnGateway("G", gateway_args(vpn_type="PolicyBased")),
                                              ipsec_policy=SEED_S2S_POLICY))
    assert "ipsec_policy: got 'PolicyBased'; allowed: RouteBased" in message


def test_more_connections_than_the_sku_allows() -> None:
    # Basic (10 tunnels) keeps this small; the limits of every SKU are in skus.py.
    def build() -> None:
        gateway = VpnGateway("G", gateway_args(sku="Basic"))
        for index in range(11):
            connect(gateway, f"c{index}", peer=[f"10.{100 + index}.0.0/16"])
    result, message = attempt_plan(build)
    assert "connection 11 on gateway 'G'" in message and "at most 10 connections on Basic" in message
    assert "Did you mean 'VpnGw1AZ'?" in message
    assert len(result.of_type("azure-native:network:VirtualNetworkGatewayConnection")) == 10


def test_tunnel_limits_per_sku() -> None:
    from components.rules.network_rules import tunnel_limit

    assert tunnel_limit("x", "VpnGw3AZ", 30) == [] and tunnel_limit("x", "VpnGw3AZ", 31)
    assert tunnel_limit("x", "VpnGw4AZ", 100) == [] and tunnel_limit("x", "VpnGw5AZ", 101)


def test_invalid_plain_shared_key_is_refused_without_showing_it() -> None:
    secret = "k\u00e9y-with-non-ascii"
    _, message = attempt_plan(lambda: PolicyConnection("c", PolicyConnectionArgs(
        gateway=VpnGateway("G", gateway_args()), connection_type="IPsec", peer_id=LNG_ID,
        peer_address_space=SITE6, settings=ConnectionSettings(shared_key=secret))))
    assert "shared_key: got a value (hidden: secret)" in message and secret not in message


def test_connection_type_must_be_ipsec_or_vnet2vnet() -> None:
    _, message = attempt_plan(lambda: PolicyConnection("c", PolicyConnectionArgs(
        gateway=VpnGateway("G", gateway_args()), connection_type="ExpressRoute", peer_id=LNG_ID,
        peer_address_space=SITE6, settings=ConnectionSettings(shared_key=KEY))))
    assert "connection_type: got 'ExpressRoute'; allowed: IPsec, Vnet2Vnet" in message


def test_policy_based_selectors_need_a_custom_policy() -> None:
    result, message = attempt_plan(lambda: connect(VpnGateway("G", gateway_args()),
                                                   use_policy_based_traffic_selectors=True))
    assert ("ipsec_policy: got nothing; allowed: a custom IPsec/IKE policy when "
            "use_policy_based_traffic_selectors is on") in message
    assert not result.of_type("azure-native:network:VirtualNetworkGatewayConnection")


def test_settings_repr_never_shows_the_key() -> None:
    assert KEY not in repr(ConnectionSettings(shared_key=KEY))
