"""``azvpn plan --format mermaid``: the planned topology as a Mermaid flowchart.

One subgraph per gateway (its VNet with prefixes, and the gateway with its SKU), one node
per on-premises site, one arrow per connection from its gateway to its peer, labelled with
the Azure connection name, the pair it belongs to, its policy summary and strength.
GitHub renders it in Markdown inside a ```` ```mermaid ```` block (``--fenced``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any, Final

# Mermaid reads ``#name;``/``#123;`` as entity codes inside labels, so ``#`` goes first.
# Quotes end a label, ``|`` ends an edge label, ``<``/``>``/``&`` would be read as HTML and
# a leading backtick as a Markdown string; slashes are safe because every label is quoted
# (an unquoted ``[/x/]`` is a trapezoid).
_ENTITIES: Final = (("#", "#35;"), ('"', "#quot;"), ("|", "#124;"), ("<", "#lt;"), (">", "#gt;"),
                    ("&", "#amp;"), ("`", "#96;"))
_BREAK: Final = "<br/>"
_INDENT: Final = "    "


def escape_label(text: str) -> str:
    """``text`` safe inside a quoted Mermaid label."""
    for raw, entity in _ENTITIES:
        text = text.replace(raw, entity)
    return text


def _label(*lines: str) -> str:
    return '"' + _BREAK.join(escape_label(line) for line in lines if line) + '"'


class _Ids:
    """Mermaid node ids from logical names: ``[A-Za-z0-9_]`` only, prefixed by kind (so a
    resource named ``end`` cannot end a subgraph), unique even when two names sanitize alike."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._by_key: dict[tuple[str, str], str] = {}

    def __call__(self, kind: str, name: str) -> str:
        key = (kind, name)
        if key not in self._by_key:
            base = f"{kind}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"
            candidate, n = base, 1
            while candidate in self._taken:
                n += 1
                candidate = f"{base}_{n}"
            self._taken.add(candidate)
            self._by_key[key] = candidate
        return self._by_key[key]

    def assigned(self) -> list[str]:
        return list(self._by_key.values())


def _strength(findings: Iterable[Mapping[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding["severity"]] = counts.get(finding["severity"], 0) + 1
    return ", ".join(f"{n} {severity}" for severity, n in sorted(counts.items()))


def _hexagon(node: str, label: str) -> str:
    return f"{node}{{{{{label}}}}}"


def render_mermaid(document: Mapping[str, Any], fenced: bool = False, highlight: Collection[str] = ()) -> str:
    """The topology of a plan document (``plan_report.plan_document``) as Mermaid source.

    Connections whose Azure name is in ``highlight`` (``azvpn diff``: the changed ones) are
    drawn as thick arrows.
    """
    ids = _Ids()
    lines = ["flowchart LR"]
    for gateway in document["gateways"]:
        node = ids("gateway", gateway["name"])
        title = "VPN gateway " + str(gateway["azureName"])
        if gateway["existing"]:
            lines.append(_INDENT + _hexagon(node, _label(title, "(existing)")))
            continue
        lines.append(f"{_INDENT}subgraph {ids('vpn', gateway['name'])}[{_label(gateway['name'])}]")
        vnet = gateway["virtualNetwork"]
        details = " ".join(str(v) for v in (gateway["sku"], gateway["vpnType"]) if v)
        lines.append(_INDENT * 2 + _hexagon(node, _label(title, details)))
        if vnet is not None:
            vnet_node = ids("vnet", gateway["name"])
            vnet_label = _label("VNet " + str(vnet["azureName"]), *vnet["addressPrefixes"])
            lines.append(f"{_INDENT * 2}{vnet_node}[{vnet_label}]")
            lines.append(f"{_INDENT * 2}{vnet_node} --- {node}")
        lines.append(f"{_INDENT}end")
    for site in document["sites"]:
        endpoint = site["gatewayIpAddress"] or site["fqdn"] or ""
        site_label = _label("Site " + str(site["name"]), endpoint, *site["addressPrefixes"])
        lines.append(f"{_INDENT}{ids('site', site['name'])}[{site_label}]")
    defined = set(ids.assigned())
    for connection in document["connections"]:
        source = ids("gateway", connection["gateway"])
        target = ids(connection["peerKind"], connection["peer"])
        if target not in defined:  # a peer known only by ARM id: still a node, never an implicit one
            lines.append(f"{_INDENT}{target}[{_label(str(connection['peer']))}]")
            defined.add(target)
        title = str(connection["azureName"]) + (f" (pair {connection['pair']})" if connection["pair"] else "")
        policy = connection["policySummary"] or "Azure default policy"
        label = _label(title, policy, _strength(connection["findings"]))
        arrow = "==>" if connection["azureName"] in highlight else "-->"
        lines.append(f"{_INDENT}{source} {arrow}|{label}| {target}")
    text = "\n".join(lines) + "\n"
    return f"```mermaid\n{text}```\n" if fenced else text
