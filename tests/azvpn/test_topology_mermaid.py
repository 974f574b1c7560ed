"""``--format mermaid``: a flowchart GitHub can render, every label escaped, every edge between defined nodes."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from azvpn.topology_mermaid import escape_label, render_mermaid

_LABEL = r'"(?P<label>[^"]*)"'
_NODE = re.compile(rf"^ *(?P<id>[A-Za-z][A-Za-z0-9_]*)(\[{_LABEL}\]|\{{\{{{_LABEL.replace('label', 'hex')}\}}\}})$")
_SUBGRAPH = re.compile(rf"^ *subgraph (?P<id>[A-Za-z][A-Za-z0-9_]*)\[{_LABEL}\]$")
_EDGE = re.compile(
    rf"^ *(?P<source>[A-Za-z][A-Za-z0-9_]*) ((-->|==>)\|{_LABEL}\||---) (?P<target>[A-Za-z][A-Za-z0-9_]*)$")


def check_syntax(diagram: str) -> tuple[set[str], list[tuple[str, str, str | None]]]:
    """Parse the subset of Mermaid the renderer writes; fail on any other line.

    Returns the node ids and the edges (source, target, label). Nodes must be defined before
    use: Mermaid would otherwise invent a node from the bare id, hiding a naming bug.
    """
    lines = diagram.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: set[str] = set()
    edges: list[tuple[str, str, str | None]] = []
    labels: list[str] = []
    depth = 0
    for line in lines[1:]:
        if (match := _SUBGRAPH.match(line)) is not None:
            depth += 1
            labels.append(match["label"])
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "end without subgraph"
        elif (match := _NODE.match(line)) is not None:
            assert match["id"] not in nodes, f"node {match['id']} defined twice"
            nodes.add(match["id"])
            labels.append(match["label"] or match["hex"])
        elif (match := _EDGE.match(line)) is not None:
            assert {match["source"], match["target"]} <= nodes, f"edge to an undefined node: {line}"
            edges.append((match["source"], match["target"], match["label"]))
            labels.append(match["label"] or "")
        else:
            pytest.fail(f"not a line the renderer should write: {line!r}")
    assert depth == 0, "unclosed subgraph"
    for label in labels:
        # Only entity codes and <br/> may carry the characters Mermaid treats as syntax.
        plain = label.replace("<br/>", "\n")
        assert not set(plain) & set('"|<>`'), label
        assert re.sub(r"#(\d+|[a-z]+);", "", plain).count("#") == 0, label
    return nodes, edges


def test_dev_topology_is_valid_and_complete(dev_document: dict[str, Any]) -> None:
    nodes, edges = check_syntax(render_mermaid(dev_document))
    assert {"gateway_VNet1GW", "gateway_VNet2GW", "vnet_VNet1GW", "vnet_VNet2GW", "site_Site6"} <= nodes
    labelled = {(source, target): label for source, target, label in edges if label}
    assert set(labelled) == {("gateway_VNet1GW", "site_Site6"), ("gateway_VNet1GW", "gateway_VNet2GW"),
                             ("gateway_VNet2GW", "gateway_VNet1GW")}
    assert labelled["gateway_VNet1GW", "site_Site6"] == (
        "VNet1toSite6<br/>IKE AES256/SHA384/DHGroup24 #124; IPsec AES256/SHA256/PFS None #124; "
        "14400 s, 102400000 KB<br/>2 weak")
    assert labelled["gateway_VNet2GW", "gateway_VNet1GW"].startswith("VNet2toVNet1 (pair VNet1-VNet2)<br/>")


def test_vnet_prefixes_and_site_endpoint_are_shown(dev_document: dict[str, Any]) -> None:
    diagram = render_mermaid(dev_document)
    assert '        vnet_VNet1GW["VNet TestVNet1<br/>10.11.0.0/16<br/>10.12.0.0/16"]' in diagram.splitlines()
    assert '    site_Site6["Site Site6<br/>131.107.72.22<br/>10.61.0.0/16<br/>10.62.0.0/16"]' in diagram.splitlines()


def test_fenced_for_markdown(dev_document: dict[str, Any]) -> None:
    fenced = render_mermaid(dev_document, fenced=True)
    assert fenced.startswith("```mermaid\nflowchart LR\n") and fenced.endswith("\n```\n")
    assert fenced[len("```mermaid\n"):-len("```\n")] == render_mermaid(dev_document)


def test_highlighted_connections_are_thick_arrows(dev_document: dict[str, Any]) -> None:
    diagram = render_mermaid(dev_document, highlight={"VNet1toSite6"})
    check_syntax(diagram)
    lines = diagram.splitlines()
    thick = [line for line in lines if " ==>|" in line]
    assert len(thick) == 1
    assert thick[0].startswith('    gateway_VNet1GW ==>|"VNet1toSite6<br/>') and thick[0].endswith(" site_Site6")
    assert sum(" -->|" in line for line in lines) == 2


def test_escape_label_covers_mermaid_syntax() -> None:
    assert escape_label('say "hi" | a/b <i> & #1 `x`') == (
        "say #quot;hi#quot; #124; a/b #lt;i#gt; #amp; #35;1 #96;x#96;")


def test_hostile_names_stay_valid(dev_document: dict[str, Any]) -> None:
    document = copy.deepcopy(dev_document)
    document["gateways"][0]["name"] = 'end'  # a Mermaid keyword as a name
    document["gateways"][1]["name"] = 'VNet2/GW "prod" | #1'
    document["gateways"][1]["azureName"] = 'gw|"x"'
    document["sites"][0]["name"] = "Site 6/<b>"
    for connection in document["connections"]:
        connection["gateway"] = {"VNet1GW": "end", "VNet2GW": 'VNet2/GW "prod" | #1'}[connection["gateway"]]
        connection["peer"] = {"VNet1GW": "end", "VNet2GW": 'VNet2/GW "prod" | #1', "Site6": "Site 6/<b>"}[
            connection["peer"]]
        connection["azureName"] += ' "quoted" | piped'
    # Two names that sanitize to the same id must still be two nodes.
    extra = copy.deepcopy(document["sites"][0])
    extra["name"] = "Site 6/[b]"
    document["sites"].append(extra)
    nodes, edges = check_syntax(render_mermaid(document))
    assert {"gateway_end", "site_Site_6__b_", "site_Site_6__b__2"} <= nodes
    assert len([e for e in edges if e[2]]) == 3


def test_a_peer_known_only_by_id_is_still_a_defined_node(dev_document: dict[str, Any]) -> None:
    document = copy.deepcopy(dev_document)
    document["sites"] = []
    nodes, _ = check_syntax(render_mermaid(document))
    assert "site_Site6" in nodes
