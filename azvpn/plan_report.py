"""A recorded plan as one document: what ``azvpn plan`` prints, in every format.

``plan_document`` turns a ``PlanResult`` into plain, JSON-ready data (schema in
PLAN_JSON.md): the resource tree, the topology (gateways, sites, pairs), each connection
with its policy and strength findings, the diagnostics and the stack outputs. Secrets and
unknowns are masked *here*, once, so the text, JSON and Mermaid renderers cannot leak what
they never receive.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, Final

from azvpn.engine import UNKNOWN, PlannedResource, PlanResult
from components.ipsec_policy import IpsecPolicy, PolicyError
from components.resource_types import (
    CONNECTION,
    LOCAL_NETWORK_GATEWAY,
    PAIR_COMPONENT,
    SITE_COMPONENT,
    VIRTUAL_NETWORK,
    VPN_GATEWAY,
)

#: Bump when a documented key changes meaning or disappears (adding keys keeps the version).
SCHEMA_VERSION: Final = 1
#: Shown for a secret value; the same word ``pulumi preview`` prints.
SECRET: Final = "[secret]"
#: Shown for a value the engine learns only on apply (ids, generated passwords, public IPs).
KNOWN_AFTER_APPLY: Final = "(known after apply)"
#: Secrets shorter than this are not searched for in other strings (it would mask common words).
_MIN_SCRUB_LENGTH: Final = 4

# Roots in the order a reader builds the network: gateways, then what connects to them.
_ROOT_ORDER: Final = ("azure-ipsec-vpn:index:VpnGateway", SITE_COMPONENT, PAIR_COMPONENT)


def _mask(value: Any, path: str, secret_paths: frozenset[str]) -> Any:
    """``value`` with secrets and unknowns replaced by their markers (paths as engine.py writes them)."""
    if path in secret_paths:
        return SECRET
    if isinstance(value, dict):
        return {k: _mask(v, f"{path}.{k}" if path else k, secret_paths) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v, f"{path}[{i}]", secret_paths) for i, v in enumerate(value)]
    if value == UNKNOWN:
        return KNOWN_AFTER_APPLY
    return value


def value_at(value: Any, path: str) -> Any:
    """The value at a dotted/indexed path, or None."""
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        if part.startswith("["):
            index = int(part[1:-1])
            value = value[index] if isinstance(value, list) and index < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _secret_strings(result: PlanResult) -> set[str]:
    """Secret values that are strings (a key, a password): what a careless copy would print."""
    values = [value_at(r.inputs, path) for r in result.resources for path in r.secret_paths]
    values += [value_at(result.outputs, path) for path in result.secret_outputs]
    # Structured secrets (device configs) are masked whole; searching for their leaves
    # ("AES256", a prefix) elsewhere would mask half the plan.
    return {v for v in values if isinstance(v, str) and v != UNKNOWN and len(v) >= _MIN_SCRUB_LENGTH}


def _scrub(value: Any, secrets: set[str]) -> Any:
    """Mask any string that contains a secret value, wherever it ended up.

    A component that copies a plain secret into an unmarked input or a log message would
    otherwise print it; this is the last line of defence, not the masking itself.
    """
    if isinstance(value, dict):
        return {k: _scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, secrets) for v in value]
    if isinstance(value, str) and any(secret in value for secret in secrets):
        return SECRET
    return value


class _Graph:
    """Lookups over the recorded resources: by URN, parent chain, property dependencies."""

    def __init__(self, result: PlanResult) -> None:
        self.result = result
        self.by_urn = {r.urn: r for r in result.resources}

    def parent(self, resource: PlannedResource) -> PlannedResource | None:
        return self.by_urn.get(resource.parent) if resource.parent else None

    def owner(self, resource: PlannedResource) -> PlannedResource:
        """The component that stands for a custom resource (``VNet1GW`` for ``VNet1GW-gateway``)."""
        return self.parent(resource) or resource

    def ancestor(self, resource: PlannedResource, type_: str) -> PlannedResource | None:
        current = self.parent(resource)
        while current is not None and current.type != type_:
            current = self.parent(current)
        return current

    def dependency(self, resource: PlannedResource, prop: str, type_: str) -> PlannedResource | None:
        """The resource of ``type_`` an input was computed from (an id passed as ``prop``)."""
        for urn in resource.property_dependencies.get(prop, ()):
            found = self.by_urn.get(urn)
            if found is not None and found.type == type_:
                return found
        return None

    def tree(self) -> Iterator[tuple[int, PlannedResource]]:
        """(depth, resource) in a stable order: roots by kind then name, children by type then name."""
        children: dict[str | None, list[PlannedResource]] = {}
        for resource in self.result.resources:
            parent = resource.parent if resource.parent in self.by_urn else None
            children.setdefault(parent, []).append(resource)

        def root_key(r: PlannedResource) -> tuple[int, str, str]:
            rank = _ROOT_ORDER.index(r.type) if r.type in _ROOT_ORDER else len(_ROOT_ORDER)
            return (rank, r.type, r.name)

        def walk(parent: str | None, depth: int) -> Iterator[tuple[int, PlannedResource]]:
            key = root_key if parent is None else (lambda r: (0, r.type, r.name))
            for resource in sorted(children.get(parent, []), key=key):
                yield depth, resource
                yield from walk(resource.urn, depth + 1)

        return walk(None, 0)


def _arm_name(resource_id: Any) -> str:
    """``.../virtualNetworkGateways/HubGW`` -> ``HubGW`` (an adopted gateway has only its id)."""
    return resource_id.rstrip("/").rsplit("/", 1)[-1] if isinstance(resource_id, str) and resource_id else "?"


def _policy_view(policies: Any) -> dict[str, Any]:
    if not policies:
        return {"policy": None, "policySummary": None, "findings": []}
    raw = policies[0]  # Azure allows one custom policy per connection
    try:
        policy = IpsecPolicy.from_mapping(raw)
    except PolicyError:
        # Only an unknown (computed) value can get here: the components validated the rest.
        return {"policy": raw, "policySummary": KNOWN_AFTER_APPLY, "findings": []}
    return {
        "policy": policy.to_arm(),
        "policySummary": policy.summary(),
        "findings": [{"field": f.field, "value": f.value, "severity": f.severity, "reason": f.reason,
                      "suggestion": f.suggestion} for f in policy.assess()],
    }


def _gateways(graph: _Graph) -> dict[str, dict[str, Any]]:
    gateways: dict[str, dict[str, Any]] = {}
    for resource in graph.result.of_type(VPN_GATEWAY):
        inputs = resource.inputs
        vnet = graph.dependency(resource, "ipConfigurations", VIRTUAL_NETWORK)
        gateways[resource.urn] = {
            "name": graph.owner(resource).name,
            "resource": resource.name,
            "azureName": inputs.get("virtualNetworkGatewayName"),
            "existing": False,
            "id": KNOWN_AFTER_APPLY,  # an id exists once Azure has created the gateway
            "sku": value_at(inputs, "sku.name"),
            "vpnType": inputs.get("vpnType"),
            "location": inputs.get("location"),
            "resourceGroupName": inputs.get("resourceGroupName"),
            "virtualNetwork": None if vnet is None else {
                "azureName": vnet.inputs.get("virtualNetworkName"),
                "addressPrefixes": list(value_at(vnet.inputs, "addressSpace.addressPrefixes") or []),
                "subnets": {s.get("name"): s.get("addressPrefix") for s in vnet.inputs.get("subnets") or []},
            },
        }
    return gateways


def _existing_gateway(resource_id: str) -> dict[str, Any]:
    """A gateway a connection names only by ARM id (adopted with ``existingGateways``)."""
    return {"name": _arm_name(resource_id), "resource": None, "azureName": _arm_name(resource_id),
            "existing": True, "id": resource_id, "sku": None, "vpnType": None, "location": None,
            "resourceGroupName": None, "virtualNetwork": None}


def _sites(graph: _Graph) -> dict[str, dict[str, Any]]:
    return {
        resource.urn: {
            "name": graph.owner(resource).name,
            "resource": resource.name,
            "azureName": resource.inputs.get("localNetworkGatewayName"),
            "gatewayIpAddress": resource.inputs.get("gatewayIpAddress"),
            "fqdn": resource.inputs.get("fqdn"),
            "addressPrefixes": list(value_at(resource.inputs, "localNetworkAddressSpace.addressPrefixes") or []),
        }
        for resource in graph.result.of_type(LOCAL_NETWORK_GATEWAY)
    }


def _gateway_end(graph: _Graph, connection: PlannedResource, prop: str,
                 gateways: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The gateway a connection input (``virtualNetworkGateway1``/``2``) points at."""
    created = graph.dependency(connection, prop, VPN_GATEWAY)
    if created is not None:
        return gateways[created.urn]
    resource_id = str(value_at(connection.inputs, f"{prop}.id"))
    return gateways.setdefault(resource_id, _existing_gateway(resource_id))


def _topology(graph: _Graph) -> dict[str, Any]:
    """Gateways, sites, pairs and connections, each connection tied to its two ends by name."""
    gateways = _gateways(graph)
    sites = _sites(graph)
    connections: list[dict[str, Any]] = []
    for resource in graph.result.of_type(CONNECTION):
        inputs = resource.inputs
        gateway = _gateway_end(graph, resource, "virtualNetworkGateway1", gateways)
        if inputs.get("connectionType") == "IPsec":
            lng = graph.dependency(resource, "localNetworkGateway2", LOCAL_NETWORK_GATEWAY)
            peer = sites[lng.urn]["name"] if lng else _arm_name(value_at(inputs, "localNetworkGateway2.id"))
            peer_kind = "site"
        else:
            peer = _gateway_end(graph, resource, "virtualNetworkGateway2", gateways)["name"]
            peer_kind = "gateway"
        policy = _policy_view(inputs.get("ipsecPolicies"))
        if any(path.startswith("ipsecPolicies") for path in resource.secret_paths):
            policy = {"policy": SECRET, "policySummary": SECRET, "findings": []}
        site = graph.ancestor(resource, SITE_COMPONENT)
        pair = graph.ancestor(resource, PAIR_COMPONENT)
        connections.append({
            "name": graph.owner(resource).name,
            "resource": resource.name,
            "azureName": inputs.get("virtualNetworkGatewayConnectionName"),
            "connectionType": inputs.get("connectionType"),
            "gateway": gateway["name"],
            "peer": peer,
            "peerKind": peer_kind,
            "site": site.name if site else None,
            "pair": pair.name if pair else None,
            "connectionProtocol": inputs.get("connectionProtocol"),
            "usePolicyBasedTrafficSelectors": bool(inputs.get("usePolicyBasedTrafficSelectors")),
            "dpdTimeoutSeconds": inputs.get("dpdTimeoutSeconds"),
            **policy,
        })
    connections.sort(key=lambda c: (str(c["azureName"]), c["resource"]))
    pairs: dict[str, dict[str, Any]] = {}
    for connection in connections:
        if connection["pair"] is not None:
            pair_view = pairs.setdefault(connection["pair"], {"name": connection["pair"], "gateways": [],
                                                              "connections": []})
            pair_view["connections"].append(connection["azureName"])
            pair_view["gateways"] = sorted({*pair_view["gateways"], connection["gateway"]})
    return {
        "gateways": sorted(gateways.values(), key=lambda g: (g["name"], str(g["azureName"]))),
        "sites": sorted(sites.values(), key=lambda s: s["name"]),
        "pairs": sorted(pairs.values(), key=lambda p: p["name"]),
        "connections": connections,
    }


def plan_document(result: PlanResult) -> dict[str, Any]:
    """The plan as JSON-ready data (PLAN_JSON.md, ``schemaVersion`` 1), secrets and unknowns masked."""
    graph = _Graph(result)
    resources = [{
        "urn": r.urn,
        "type": r.type,
        "name": r.name,
        "parent": r.parent if r.parent in graph.by_urn else None,
        "depth": depth,
        "custom": r.custom,
        "inputs": _mask(r.inputs, "", r.secret_paths),
        "secretInputs": sorted(r.secret_paths),
        "dependsOn": sorted(set(r.dependencies)),
        "protect": r.protect,
        "customTimeouts": dict(sorted(r.custom_timeouts.items())),
    } for depth, r in graph.tree()]
    names = {r.urn: r.name for r in result.resources}
    diagnostics = sorted(({"severity": d.severity, "resource": names.get(d.urn), "urn": d.urn or None,
                           "message": d.message} for d in result.diagnostics),
                         key=lambda d: (str(d["resource"]), d["severity"], d["message"]))
    document = {
        "schemaVersion": SCHEMA_VERSION,
        "project": result.project,
        "stack": result.stack,
        "summary": {"create": len(result.resources),
                    "warnings": sum(d["severity"] == "warning" for d in diagnostics),
                    "connections": len(result.of_type(CONNECTION))},
        "resources": resources,
        **_mask(_topology(graph), "", frozenset()),
        "diagnostics": diagnostics,
        "outputs": _mask(result.outputs, "", result.secret_outputs),
        "secretOutputs": sorted(result.secret_outputs),
    }
    return dict(_scrub(document, _secret_strings(result)))


def render_json(document: Mapping[str, Any]) -> str:
    """Stable JSON: sorted keys, lists in the document's deterministic order, one trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
