"""Shared helpers for component tests: run a small program under the mock engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from azvpn.engine import PlanResult, run_program
from components import VpnGateway, VpnGatewayArgs

SEED_VNET1 = dict(
    address_space=["10.11.0.0/16", "10.12.0.0/16"],
    subnets={"FrontEnd": "10.11.0.0/24", "Backend": "10.12.0.0/24", "GatewaySubnet": "10.12.255.0/27"},
    resource_group_name="TestPolicyRG1", location="eastus2", vnet_name="TestVNet1")
SEED_VNET2 = dict(
    address_space=["10.21.0.0/16", "10.22.0.0/16"],
    subnets={"FrontEnd": "10.21.0.0/24", "Backend": "10.22.0.0/24", "GatewaySubnet": "10.22.255.0/27"},
    resource_group_name="TestPolicyRG2", location="eastus2", vnet_name="TestVNet2")


def gateway_args(**overrides: Any) -> VpnGatewayArgs:
    return VpnGatewayArgs(**{**SEED_VNET1, **overrides})


def plan(program: Callable[[], None]) -> PlanResult:
    return run_program(program, project="azure-ipsec-vpn", stack="test")


class Collected:
    """Errors a program caught, so a test can check both the message and what got registered."""

    def __init__(self) -> None:
        self.errors: list[Exception] = []

    def attempt(self, build: Callable[[], object]) -> None:
        try:
            build()
        except ValueError as error:
            self.errors.append(error)

    @property
    def message(self) -> str:
        assert len(self.errors) == 1, self.errors
        return str(self.errors[0])


def attempt_plan(build: Callable[[], object], before: Callable[[], object] | None = None) -> tuple[PlanResult, str]:
    """Plan a program that builds ``before`` (valid) and then ``build`` (expected to fail)."""
    caught = Collected()

    def program() -> None:
        if before is not None:
            before()
        caught.attempt(build)

    result = plan(program)
    return result, caught.message


@pytest.fixture
def seed_gateway_factory() -> Callable[..., VpnGateway]:
    def make(name: str = "VNet1GW", **overrides: Any) -> VpnGateway:
        return VpnGateway(name, gateway_args(**overrides))
    return make
