"""``azvpn plan --format text``: the plan document laid out like ``pulumi preview``.

Reads only the document from ``plan_report`` (secrets and unknowns already masked).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

_INDENT = "    "


def _tree_prefixes(resources: Sequence[Mapping[str, Any]]) -> list[str]:
    """Box-drawing prefixes for a depth-first list, as ``pulumi preview`` draws its tree."""
    depths = [int(r["depth"]) for r in resources]
    last: list[bool] = []
    for i, depth in enumerate(depths):
        later = (d for d in depths[i + 1:] if d <= depth)
        last.append(next(later, -1) != depth)
    prefixes: list[str] = []
    open_levels: list[bool] = []  # per depth: does the ancestor at that depth have later siblings?
    for depth, is_last in zip(depths, last, strict=True):
        del open_levels[depth:]
        rails = "".join("│  " if still_open else "   " for still_open in open_levels)
        prefixes.append(rails + ("└─ " if is_last else "├─ "))
        open_levels.append(not is_last)
    return prefixes


def _resources(document: Mapping[str, Any]) -> list[str]:
    resources = document["resources"]
    warnings = Counter(d["urn"] for d in document["diagnostics"] if d["severity"] == "warning")
    rows = [("", "pulumi:pulumi:Stack", f"{document['project']}-{document['stack']}", "")]
    for prefix, resource in zip(_tree_prefixes(resources), resources, strict=True):
        info = []
        if warnings[resource["urn"]]:
            count = warnings[resource["urn"]]
            info.append(f"{count} warning{'s' if count > 1 else ''}")
        if resource["protect"]:
            info.append("protected")
        rows.append((prefix, resource["type"], resource["name"], ", ".join(info)))
    type_width = max(len(p + t) for p, t, _, _ in rows) + 2
    name_width = max(len(n) for _, _, n, _ in rows) + 2
    lines = [f"     {'Type':<{type_width}}{'Name':<{name_width}}Info".rstrip()]
    lines += [f" +   {p + t:<{type_width}}{n:<{name_width}}{i}".rstrip() for p, t, n, i in rows]
    return lines


def _connections(document: Mapping[str, Any]) -> list[str]:
    connections = document["connections"]
    lines = [f"Connections ({len(connections)}):"]
    for c in connections:
        via = f"site {c['site']}" if c["site"] else f"pair {c['pair']}" if c["pair"] else c["name"]
        lines.append(f"{_INDENT}{c['azureName']}: {c['connectionType']} {c['connectionProtocol']}, "
                     f"{c['gateway']} -> {c['peer']} ({via})")
        summary = c["policySummary"] or "Azure's default proposals (no custom policy)"
        lines.append(f"{_INDENT * 2}policy    {summary}")
        if c["usePolicyBasedTrafficSelectors"]:
            lines.append(f"{_INDENT * 2}selectors policy-based (one SA per prefix pair)")
        for f in c["findings"]:
            lines.append(f"{_INDENT * 2}{f['severity']:<9} {f['field']}={f['value']}: {f['reason']} "
                         f"Use {f['suggestion']}.")
        if c["policySummary"] and not c["findings"]:
            lines.append(f"{_INDENT * 2}strength  no findings (RFC 8247/8221)")
    return lines


def _diagnostics(document: Mapping[str, Any]) -> list[str]:
    diagnostics = document["diagnostics"]
    if not diagnostics:
        return ["Diagnostics: none"]
    types = {r["urn"]: r["type"] for r in document["resources"]}
    lines = ["Diagnostics:"]
    current: object = object()
    for d in diagnostics:
        if d["urn"] != current:
            current = d["urn"]
            owner = f"{types[d['urn']]} ({d['resource']})" if d["urn"] in types else "pulumi:pulumi:Stack"
            lines.append(f"{_INDENT}{owner}:")
        lines.append(f"{_INDENT * 2}{d['severity']}: {d['message']}")
    return lines


def _value_lines(value: Any, depth: int) -> list[str]:
    pad = _INDENT * depth
    if isinstance(value, dict):
        if not value:
            return [pad + "{}"]
        lines: list[str] = []
        for key in sorted(value):
            item = value[key]
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{key}:")
                lines += _value_lines(item, depth + 1)
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return lines
    if isinstance(value, list):
        if not value:
            return [pad + "[]"]
        lines = []
        for item in value:
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}-")
                lines += _value_lines(item, depth + 1)
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return lines
    return [pad + _scalar(value)]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return str(value)


def render_text(document: Mapping[str, Any]) -> str:
    summary = document["summary"]
    lines = [f"Previewing {document['project']}/{document['stack']} offline: the real program under the "
             "Pulumi SDK's mock runtime; nothing is read from or sent to Azure.", ""]
    lines += _resources(document)
    lines += ["", "Resources:", f"{_INDENT}+ {summary['create']} to create (besides the stack)", ""]
    lines += _connections(document)
    lines += ["", *_diagnostics(document)]
    outputs = document["outputs"]
    lines += ["", "Outputs:", *(_value_lines(outputs, 1) if outputs else [f"{_INDENT}none"])]
    return "\n".join(lines) + "\n"
