"""The stack config schema: every problem named by its key path, nothing created on error."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from components import SEED_S2S_POLICY, SEED_VNET2VNET_POLICY
from components.stack_config import ConfigError, StackSpec, load_stack

ROOT = Path(__file__).resolve().parents[2]


def dev_config() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    return {key.split(":", 1)[1]: value for key, value in data.items() if key.startswith("azure-ipsec-vpn:")}


def problems(config: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ConfigError) as caught:
        load_stack(config)
    return {p.path: p.message() for p in caught.value.problems}


def edited(**paths: Any) -> dict[str, Any]:
    """The dev config with ``a__b__c=value`` edits (``None`` deletes the key)."""
    config = copy.deepcopy(dev_config())
    for dotted, value in paths.items():
        *parents, leaf = dotted.split("__")
        node = config
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return config


def test_dev_config_is_the_seed() -> None:
    spec = load_stack(dev_config())
    assert isinstance(spec, StackSpec)
    assert spec.sites["Site6"].settings.ipsec_policy == SEED_S2S_POLICY
    assert spec.pairs["VNet1-VNet2"].settings.ipsec_policy == SEED_VNET2VNET_POLICY
    assert list(spec.gateways) == ["VNet1GW", "VNet2GW"]
    assert spec.gateways["VNet1GW"].subnets["GatewaySubnet"] == "10.12.255.0/27"
    assert spec.warnings == ()


def test_policy_value_error_names_the_key_path() -> None:
    found = problems(edited(policies__seed_s2s=None, sites__Site6__policy={
        **SEED_S2S_POLICY.to_arm(), "ikeEncryption": "AES-256"}))
    message = found["sites.Site6.policy.ikeEncryption"]
    assert "got 'AES-256'" in message and "Did you mean 'AES256'?" in message


def test_named_policy_error_names_the_policies_key() -> None:
    config = edited()
    config["policies"]["seed-s2s"]["ipsecIntegrity"] = "GCMAES256"
    found = problems(config)
    assert "policies.seed-s2s.ipsecIntegrity" in found or "policies.seed-s2s.ipsecEncryption" in found
    # A site naming the broken policy is not reported again as an unknown name.
    assert not any(path.startswith("sites.Site6.policy") for path in found)


def test_unknown_policy_name() -> None:
    found = problems(edited(sites__Site6__policy="seed-s2z"))
    assert "got 'seed-s2z'; allowed: seed-s2s, seed-vnet2vnet" in found["sites.Site6.policy"]


def test_unknown_key_is_a_typo() -> None:
    found = problems(edited(sites__Site6__dpdTimeout=30))
    assert "unknown key" in found["sites.Site6.dpdTimeout"]


def test_missing_required_key() -> None:
    found = problems(edited(sites__Site6__addressPrefixes=None))
    assert "required" in found["sites.Site6.addressPrefixes"]


def test_wrong_type() -> None:
    found = problems(edited(sites__Site6__dpdTimeoutSeconds="45"))
    assert "got '45'" in found["sites.Site6.dpdTimeoutSeconds"]


def test_semantic_errors_name_config_keys() -> None:
    found = problems(edited(gateways__VNet2GW__sku="HighPerformance", sites__Site6__dpdTimeoutSeconds=5,
                            sites__Site6__addressPrefixes=["10.61.0.0/16", "10.12.1.0/24"]))
    assert "Did you mean 'VpnGw2AZ'?" in found["gateways.VNet2GW.sku"]
    assert "from 9 to 3600" in found["sites.Site6.dpdTimeoutSeconds"]
    assert "10.12.1.0/24 overlaps 10.12.0.0/16" in found["sites.Site6.addressPrefixes"]


def test_unknown_gateway_reference() -> None:
    found = problems(edited(sites__Site6__gateway="VNet9GW"))
    assert "got 'VNet9GW'; allowed: VNet1GW, VNet2GW" in found["sites.Site6.gateway"]


def test_pair_errors() -> None:
    found = problems(edited(pairs__VNet1_VNet2=None, pairs__P={"gateways": ["VNet1GW", "VNet1GW"]}))
    assert "a gateway other than 'VNet1GW'" in found["pairs.P.gateways[1]"]


def test_pair_overlap() -> None:
    found = problems(edited(gateways__VNet2GW__addressSpace=["10.12.0.0/16"],
                            gateways__VNet2GW__subnets={"GatewaySubnet": "10.12.255.0/27"}))
    assert "overlaps" in found["gateways.VNet2GW.addressSpace"]


def test_tunnel_limit_counts_sites_and_pairs() -> None:
    config = edited(gateways__VNet1GW__sku="Basic", sites__Site6__policy=None, pairs__VNet1_VNet2=None)
    config["pairs"].pop("VNet1-VNet2")
    for index in range(10):
        config["sites"][f"S{index}"] = {"gateway": "VNet1GW", "gatewayIpAddress": "131.107.72.22",
                                        "addressPrefixes": [f"10.{100 + index}.0.0/16"]}
    found = problems(config)
    assert "connection 11 on gateway 'VNet1GW'" in found["sites.S9 (connection 11 on gateway 'VNet1GW')"]


def test_policy_on_basic_names_the_site_policy_key() -> None:
    found = problems(edited(gateways__VNet1GW__sku="Basic"))
    assert "does not support custom IPsec/IKE policies" in found["sites.Site6.policy"]


def test_shared_key_errors_never_show_the_key() -> None:
    secret = "bad\tkey"
    found = problems(edited(sharedKeys={"Site6": secret, "Site9": "fine"}))
    assert "hidden: secret" in found["sharedKeys.Site6"] and secret not in str(found)
    assert "got 'Site9'; allowed: Site6, VNet1-VNet2" in found["sharedKeys.Site9"]


def test_schema_error_in_shared_keys_hides_the_value() -> None:
    found = problems(edited(sharedKeys={"Site6": 12345678}))
    assert "12345678" not in str(found)


def test_policy_based_selectors_without_policy_names_the_policy_key() -> None:
    found = problems(edited(sites__Site6__policy=None, sites__Site6__usePolicyBasedTrafficSelectors=True))
    assert "a custom IPsec/IKE policy" in found["sites.Site6.policy"]


def test_pair_connection_names_are_keyed_by_gateway() -> None:
    found = problems(edited(pairs__VNet1_VNet2=None, pairs__P={
        "gateways": ["VNet1GW", "VNet2GW"], "connectionNames": {"VNet3GW": "x"}}))
    assert "got 'VNet3GW'; allowed: VNet1GW or VNet2GW" in found["pairs.P.connectionNames.VNet3GW"]


def test_swapping_pair_gateways_keeps_each_connection_name() -> None:
    config = edited()
    config["pairs"]["VNet1-VNet2"]["gateways"] = ["VNet2GW", "VNet1GW"]
    spec = load_stack(config).pairs["VNet1-VNet2"]
    assert spec.config.connection_names[spec.left] == "VNet2toVNet1"
