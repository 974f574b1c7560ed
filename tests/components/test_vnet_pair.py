from __future__ import annotations

import pytest

from azvpn.engine import PlanResult
from components import SEED_VNET2VNET_POLICY, ConnectionSettings, VNetPair, VNetPairArgs, VpnGateway
from tests.components.conftest import SEED_VNET2, attempt_plan, gateway_args, plan

CONNECTION = "azure-native:network:VirtualNetworkGatewayConnection"


@pytest.fixture(scope="module")
def pair() -> PlanResult:
    def program() -> None:
        left = VpnGateway("VNet1GW", gateway_args())
        right = VpnGateway("VNet2GW", gateway_args(**SEED_VNET2))
        VNetPair("VNet1-VNet2", VNetPairArgs(left=left, right=right,
                                             settings=ConnectionSettings(ipsec_policy=SEED_VNET2VNET_POLICY),
                                             left_to_right_name="VNet1toVNet2", right_to_left_name="VNet2toVNet1"))
    return plan(program)


def test_two_vnet2vnet_connections_one_per_direction(pair: PlanResult) -> None:
    connections = {c.inputs["virtualNetworkGatewayConnectionName"]: c.inputs for c in pair.of_type(CONNECTION)}
    assert set(connections) == {"VNet1toVNet2", "VNet2toVNet1"}
    forward, backward = connections["VNet1toVNet2"], connections["VNet2toVNet1"]
    assert forward["connectionType"] == backward["connectionType"] == "Vnet2Vnet"
    assert forward["virtualNetworkGateway1"] == backward["virtualNetworkGateway2"]
    assert forward["virtualNetworkGateway2"] == backward["virtualNetworkGateway1"]
    assert forward["resourceGroupName"] == "TestPolicyRG1" and backward["resourceGroupName"] == "TestPolicyRG2"


def test_both_directions_carry_the_identical_policy_and_key(pair: PlanResult) -> None:
    forward, backward = pair.of_type(CONNECTION)
    assert forward.inputs["ipsecPolicies"] == backward.inputs["ipsecPolicies"] == [SEED_VNET2VNET_POLICY.to_arm()]
    key = pair.by_name("VNet1-VNet2-shared-key")
    assert len(pair.of_type("random:index/randomPassword:RandomPassword")) == 1
    for connection in (forward, backward):
        assert connection.is_secret("sharedKey")
        assert connection.property_dependencies["sharedKey"] == (key.urn,)


def test_pair_registers_the_key_as_a_secret_output(pair: PlanResult) -> None:
    outputs, secrets = pair.component_outputs[pair.by_name("VNet1-VNet2").urn]
    assert "sharedKey" in secrets and outputs["effectivePolicy"] == SEED_VNET2VNET_POLICY.to_show()


def test_overlapping_vnets_are_refused() -> None:
    def build() -> None:
        VNetPair("P", VNetPairArgs(left=VpnGateway("A", gateway_args()),
                                   right=VpnGateway("B", gateway_args(address_space=["10.12.0.0/16"],
                                                                      subnets={"GatewaySubnet": "10.12.255.0/27"}))))
    result, message = attempt_plan(build)
    assert "VNetPair 'P'" in message and "10.12.0.0/16 overlaps 10.12.0.0/16" in message
    assert not result.of_type(CONNECTION) and not result.of_type("random:index/randomPassword:RandomPassword")


def test_a_gateway_cannot_pair_with_itself() -> None:
    def build() -> None:
        gateway = VpnGateway("A", gateway_args())
        VNetPair("P", VNetPairArgs(left=gateway, right=gateway))
    _, message = attempt_plan(build)
    assert "right: got 'A'; allowed: a gateway other than 'A'" in message


def test_pair_policy_on_basic_right_gateway_registers_neither_direction() -> None:
    def build() -> None:
        VNetPair("P", VNetPairArgs(left=VpnGateway("A", gateway_args()),
                                   right=VpnGateway("B", gateway_args(**SEED_VNET2, sku="Basic")),
                                   settings=ConnectionSettings(ipsec_policy=SEED_VNET2VNET_POLICY)))
    result, message = attempt_plan(build)
    assert "does not support custom IPsec/IKE policies" in message
    assert not result.of_type(CONNECTION)
