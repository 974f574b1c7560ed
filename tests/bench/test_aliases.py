"""The alias filter drops azure-native's API-version aliases and nothing else."""

from __future__ import annotations

import pulumi

from bench.aliases import is_api_version_alias, without_api_version_aliases

VERSION = pulumi.Alias(type_="azure-native:network/v20150615:VirtualNetworkGatewayConnection")
PREVIEW = pulumi.Alias(type_="azure-native:network/v20230201preview:VirtualNetworkGatewayConnection")
RENAME = pulumi.Alias(type_="azure-native:network:DefaultAdminRule")  # a v3 rename: must stay


def _transform(opts: pulumi.ResourceOptions) -> pulumi.ResourceTransformationResult | None:
    return without_api_version_aliases(pulumi.ResourceTransformationArgs(
        resource=None, type_="azure-native:network:VirtualNetworkGatewayConnection",  # type: ignore[arg-type]
        name="c", props={"x": 1}, opts=opts))


def test_version_aliases_are_recognised() -> None:
    assert is_api_version_alias(VERSION)
    assert is_api_version_alias(PREVIEW)


def test_other_aliases_are_not() -> None:
    assert not is_api_version_alias(RENAME)
    assert not is_api_version_alias(pulumi.Alias(name="old-name", type_=VERSION.type_))
    assert not is_api_version_alias("urn:pulumi:s::p::azure-native:network:VirtualNetwork::old")


def test_the_transformation_keeps_everything_but_version_aliases() -> None:
    opts = pulumi.ResourceOptions(aliases=[VERSION, RENAME, PREVIEW], protect=True)
    result = _transform(opts)
    assert result is not None
    assert result.opts.aliases == [RENAME]
    assert result.opts.protect and result.props == {"x": 1}
    assert opts.aliases == [VERSION, RENAME, PREVIEW]  # the caller's options are not mutated


def test_nothing_to_drop_changes_nothing() -> None:
    assert _transform(pulumi.ResourceOptions(aliases=[RENAME])) is None
    assert _transform(pulumi.ResourceOptions()) is None
