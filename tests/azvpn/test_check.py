"""``azvpn check``: the config and policy rules only, per connection, naming key paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from azvpn.check import check_stack, render_check
from components import SEED_S2S_POLICY
from components.stack_config import ConfigError

from .conftest import ROOT, dev_yaml, project_copy


def test_dev_stack_passes_with_findings_per_connection() -> None:
    report = render_check(check_stack(ROOT, "dev")).splitlines()
    assert report[0] == ("azure-ipsec-vpn/dev: config is valid (2 gateways, 1 site, 1 pair: 3 connections).")
    assert "Warnings: none" in report
    site = report.index("    sites.Site6 (VNet1GW -> site Site6)")
    assert report[site + 1].split(None, 1) == ["policy", f"{SEED_S2S_POLICY.summary()} (policies.seed-s2s)"]
    assert report[site + 2].startswith("        weak      dh_group=DHGroup24:")
    assert report[site + 3].startswith("        weak      pfs_group=None:")
    pair = report.index("    pairs.VNet1-VNet2 (VNet1GW <-> VNet2GW, one connection each way)")
    assert report[pair + 2].startswith("        weak      ike_integrity=SHA1:")


def test_config_warnings_are_listed(tmp_path: Path) -> None:
    # A private address for the on-premises device is accepted, with a warning.
    project = project_copy(tmp_path, dev_yaml(("gatewayIpAddress: 131.107.72.22", "gatewayIpAddress: 10.1.2.3")))
    report = render_check(check_stack(project, "dev")).splitlines()
    warnings = [line for line in report if line.startswith("    warning: ")]
    assert len(warnings) == 1
    assert warnings[0].startswith("    warning: sites.Site6.gatewayIpAddress: got '10.1.2.3'")


def test_broken_config_names_every_key_path(tmp_path: Path) -> None:
    project = project_copy(tmp_path, dev_yaml(("ikeEncryption: AES256", "ikeEncryption: AES-256"),
                                              ("policy: seed-vnet2vnet", "policy: seed-v2v")))
    with pytest.raises(ConfigError) as raised:
        check_stack(project, "dev")
    assert [p.path for p in raised.value.problems] == ["policies.seed-s2s.ikeEncryption", "pairs.VNet1-VNet2.policy"]
    assert "Did you mean 'AES256'?" in str(raised.value)


def test_inline_policy_and_no_policy_are_reported_as_such(tmp_path: Path) -> None:
    inline = ("policy: seed-s2s", "policy: {ikeEncryption: GCMAES256, ikeIntegrity: SHA384, dhGroup: ECP384, "
              "ipsecEncryption: GCMAES256, ipsecIntegrity: GCMAES256, pfsGroup: ECP384}")
    project = project_copy(tmp_path, dev_yaml(inline, ("policy: seed-vnet2vnet", "policy: null")))
    report = render_check(check_stack(project, "dev"))
    assert "IKE GCMAES256/SHA384/ECP384 | IPsec GCMAES256/GCMAES256/ECP384 | 27000 s, 102400000 KB (inline)" in report
    assert "strength  no findings (RFC 8247/8221)" in report
    assert "policy    Azure's default proposals (no custom policy)" in report
