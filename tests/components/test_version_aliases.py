"""The components leave out azure-native's API-version aliases (the bulk of plan time) and
nothing else; a bare azure-native resource still carries them."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import network

from components import VpnGateway, VpnSite, VpnSiteArgs
from components.version_aliases import is_api_version_alias, without_api_version_aliases
from tests.components.conftest import gateway_args, plan


def test_bare_azure_native_resource_has_version_aliases() -> None:
    result = plan(lambda: network.LocalNetworkGateway("bare", network.LocalNetworkGatewayInitArgs(
        resource_group_name="rg", gateway_ip_address="131.107.72.22")))
    assert result.by_name("bare").alias_count > 10


def test_component_children_register_without_them() -> None:
    result = plan(lambda: VpnSite("S", VpnSiteArgs(gateway=VpnGateway("G", gateway_args()),
                                                   gateway_ip_address="131.107.72.22",
                                                   address_prefixes=["10.61.0.0/16"])))
    assert result.by_name("S-lng").custom and result.by_name("G-gateway").custom
    assert {r.name: r.alias_count for r in result.resources if r.custom and r.alias_count}  == {}


def test_only_version_aliases_are_dropped() -> None:
    version = pulumi.Alias(type_="azure-native:network/v20230901:LocalNetworkGateway")
    renamed = pulumi.Alias(name="old-name")
    versioned_and_renamed = pulumi.Alias(type_="azure-native:network/v20230901:LocalNetworkGateway", name="x")
    assert is_api_version_alias(version)
    assert not is_api_version_alias(renamed) and not is_api_version_alias(versioned_and_renamed)
    result = without_api_version_aliases(pulumi.ResourceTransformationArgs(
        None, "azure-native:network:LocalNetworkGateway", "n", {},  # type: ignore[arg-type]
        pulumi.ResourceOptions(aliases=[version, renamed, versioned_and_renamed])))
    assert result is not None and result.opts.aliases == [renamed, versioned_and_renamed]
