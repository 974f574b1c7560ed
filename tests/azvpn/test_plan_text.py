"""``--format text``: the preview-like tree, connections with policy and findings, diagnostics, outputs."""

from __future__ import annotations

from typing import Any

import pytest

from azvpn.engine import UNKNOWN
from azvpn.plan_text import _tree_prefixes, render_text
from components import SEED_S2S_POLICY, SEED_VNET2VNET_POLICY


@pytest.fixture(scope="module")
def text(dev_document: dict[str, Any]) -> str:
    return render_text(dev_document)


def _section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


def test_tree_shows_type_name_and_parent_by_indentation(text: str) -> None:
    rows = [line.split() for line in text.splitlines() if line.startswith(" +   ")]
    assert rows[0] == ["+", "pulumi:pulumi:Stack", "azure-ipsec-vpn-dev"]
    assert len(rows) == 22  # the stack and the 21 resources
    assert ["+", "├─", "azure-ipsec-vpn:index:VpnGateway", "VNet1GW"] in rows
    assert ["+", "│", "├─", "azure-native:network:VirtualNetworkGateway", "VNet1GW-gateway"] in rows
    # A connection resource sits under its PolicyConnection, which sits under the site.
    assert ["+", "│", "├─", "azure-ipsec-vpn:index:PolicyConnection", "Site6-connection", "2", "warnings"] in rows
    assert ["+", "│", "│", "└─", "azure-native:network:VirtualNetworkGatewayConnection",
            "Site6-connection-connection"] in rows
    assert ["+", "└─", "azure-ipsec-vpn:index:VNetPair", "VNet1-VNet2"] in rows
    assert "+ 21 to create" in text


def test_connections_show_policy_summary_and_strength(text: str) -> None:
    section = _section(text, "Connections (3):")
    assert section[1].strip() == "VNet1toSite6: IPsec IKEv2, VNet1GW -> Site6 (site Site6)"
    assert section[2].split(None, 1) == ["policy", SEED_S2S_POLICY.summary()]
    assert section[3].startswith("        weak      dh_group=DHGroup24: group 24 is SHOULD NOT")
    assert section[3].endswith("Use ECP384.")
    assert section[4].startswith("        weak      pfs_group=None:")
    assert section[5].strip() == "VNet1toVNet2: Vnet2Vnet IKEv2, VNet1GW -> VNet2GW (pair VNet1-VNet2)"
    assert section[6].split(None, 1) == ["policy", SEED_VNET2VNET_POLICY.summary()]


def test_diagnostics_grouped_by_resource(text: str) -> None:
    section = _section(text, "Diagnostics:")
    assert section[1] == "    azure-ipsec-vpn:index:PolicyConnection (Site6-connection):"
    assert section[2].startswith("        warning: PolicyConnection 'Site6-connection': ipsec_policy.dh_group=")
    assert sum(line.lstrip().startswith("warning: ") for line in section) == 4


def test_outputs_mask_unknowns_and_secrets(text: str, dev_document: dict[str, Any]) -> None:
    section = _section(text, "Outputs:")
    assert "            publicIpAddress: (known after apply)" in section
    assert "            SALifeTimeSeconds: 14400" in section
    assert UNKNOWN not in text
    for path in dev_document["secretOutputs"]:
        depth, key = path.count("."), path.rsplit(".", 1)[-1]
        assert f"{'    ' * (depth + 1)}{key}: [secret]" in section


def test_tree_prefixes_close_each_branch() -> None:
    depths = [0, 1, 2, 1, 0, 1]
    prefixes = _tree_prefixes([{"depth": d} for d in depths])
    assert prefixes == ["├─ ", "│  ├─ ", "│  │  └─ ", "│  └─ ", "└─ ", "   └─ "]
