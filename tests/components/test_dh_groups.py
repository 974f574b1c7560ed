from __future__ import annotations

import pytest
from pulumi_azure_native import network

from components import dh_groups


def test_every_table_name_is_an_sdk_enum_value_and_every_enum_value_is_known() -> None:
    dh_values = {m.value for m in network.DhGroup}
    pfs_values = {m.value for m in network.PfsGroup}
    for group in dh_groups.DH_GROUPS:
        assert set(group.dh_names) <= dh_values
        assert set(group.pfs_names) <= pfs_values
    assert dh_values | pfs_values == dh_groups.known_names()


@pytest.mark.parametrize("name", ["DHGroup14", "DHGroup2048", "PFS2048", "PFS14"])
def test_group_14_spellings(name: str) -> None:
    assert dh_groups.group_number(name) == 14
    assert dh_groups.equivalent(name, "DHGroup14")


def test_different_groups_are_not_equivalent() -> None:
    assert not dh_groups.equivalent("DHGroup14", "DHGroup24")
    assert not dh_groups.equivalent("ECP256", "ECP384")
    assert not dh_groups.equivalent("None", "PFS1")


def test_pfsmm_resolves_to_main_mode() -> None:
    assert dh_groups.group_number("PFSMM", main_mode="ECP384") == 20
    assert dh_groups.equivalent("PFSMM", "PFS24", main_mode="DHGroup24")
    assert dh_groups.group_number("PFSMM", main_mode="None") is None
    with pytest.raises(ValueError, match="main_mode"):
        dh_groups.group_number("PFSMM")


def test_lookup_by_number() -> None:
    group = dh_groups.by_number(24)
    assert (group.dh_name, group.pfs_name, group.key_length) == (
        "DHGroup24", "PFS24", "2048-bit MODP (256-bit subgroup)")
    assert dh_groups.by_number(19).family == "ECP"
    with pytest.raises(KeyError, match="supported: 1, 2, 14, 19, 20, 24"):
        dh_groups.by_number(5)


def test_none_means_no_exchange() -> None:
    assert dh_groups.dh_group("None") is None
    assert dh_groups.pfs_group("None") is None
