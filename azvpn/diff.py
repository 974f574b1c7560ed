"""What a change to the stack does to the VPN: two offline plans compared, policy by policy.

``pulumi preview --diff`` says ``ipsecPolicies[0].ikeEncryption: "AES256" => "AES128"`` and
stops there. ``diff_plans`` says which resources are added, removed, updated in place or
replaced (grouped by the component that owns them), for each connection whose IPsec/IKE
policy changes whether it gets stronger or weaker by RFC 8247/8221 and why, and what the
change asks of the people who run the tunnels. ``plan_at_ref`` plans the same stack as it
was at a git ref, in a throw-away worktree. Rendering lives in ``azvpn.diff_render``.

Secret inputs (``PlannedResource.secret_paths``) are compared but never carried: a changed
shared key becomes ``[secret]`` on both sides before anything leaves this module.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal, TextIO

from azvpn.engine import UNKNOWN, Diagnostic, PlannedResource, PlanResult
from azvpn.plan_report import KNOWN_AFTER_APPLY, SECRET
from components.ipsec_policy import IpsecPolicy, PolicyError
from components.resource_types import (
    CONNECTION,
    GATEWAY_COMPONENT,
    LOCAL_NETWORK_GATEWAY,
    PAIR_COMPONENT,
    PUBLIC_IP,
    RANDOM_PASSWORD,
    RESOURCE_GROUP,
    SITE_COMPONENT,
    VIRTUAL_NETWORK,
    VPN_GATEWAY,
)
from components.rules.ipsec_policy_rules import ARM_NAMES
from components.rules.strength import StrengthFinding, rank, security_bits

#: Bump when a documented key of the JSON document changes meaning or disappears.
SCHEMA_VERSION: Final = 1

#: Components in the order a reader builds the network: gateways, then what hangs off them.
COMPONENT_ORDER: Final = (GATEWAY_COMPONENT, SITE_COMPONENT, PAIR_COMPONENT)

ANY_INPUT: Final = "*"

# Why an input forces a delete-and-create instead of an update. The installed azure-native
# SDK carries no replaceOnChanges (its Python code has none: the provider decides at Diff
# time), so the table is kept here from the provider's three sources:
_PATH = "part of the resource's ARM ID (the URL path): a new value names a different resource"
_LOCATION = "ARM marks `location` create-only (x-ms-mutability read/create) on tracked resources"
_FORCE_NEW = "azure-native's own force-new list (provider/pkg/gen/forcenew.go) for this type"
_AZURE_REFUSES = "Azure refuses to change it on an existing resource; it must be deleted and created again"
_RANDOM = "pulumi_random generates a new value whenever any argument changes (every input is force-new)"

#: Pulumi type -> camelCase input -> why changing it replaces the resource. A changed logical
#: name (URN) is no entry here: the engine sees one resource removed and another added.
REPLACE_ON_CHANGES: Final[Mapping[str, Mapping[str, str]]] = {
    RESOURCE_GROUP: {"resourceGroupName": _PATH, "location": _LOCATION},
    VIRTUAL_NETWORK: {"resourceGroupName": _PATH, "virtualNetworkName": _PATH, "location": _FORCE_NEW},
    PUBLIC_IP: {
        "resourceGroupName": _PATH, "publicIpAddressName": _PATH, "location": _FORCE_NEW, "sku": _FORCE_NEW,
        "publicIPAddressVersion": _FORCE_NEW, "publicIPPrefix": _FORCE_NEW,
        # A public IP's zones are fixed at creation (Azure "Public IP addresses": zone-redundant
        # or zonal is chosen when the address is created).
        "zones": _AZURE_REFUSES,
    },
    VPN_GATEWAY: {
        "resourceGroupName": _PATH, "virtualNetworkGatewayName": _PATH, "location": _LOCATION,
        # A policy-based gateway cannot become route-based, nor VPN ExpressRoute: Azure's
        # "About VPN Gateway configuration settings" says to delete and re-create it.
        "gatewayType": _AZURE_REFUSES, "vpnType": _AZURE_REFUSES,
        # A gateway resizes within its generation only (Azure "About VPN Gateway SKUs":
        # "you can't resize ... to a SKU in another generation").
        "vpnGatewayGeneration": _AZURE_REFUSES,
    },
    LOCAL_NETWORK_GATEWAY: {"resourceGroupName": _PATH, "localNetworkGatewayName": _PATH, "location": _LOCATION},
    CONNECTION: {
        "resourceGroupName": _PATH, "virtualNetworkGatewayConnectionName": _PATH, "location": _LOCATION,
        # REFERENCE: "Connection protocol cannot change after creation". The type and the two
        # ends are fixed too: Set-AzVirtualNetworkGatewayConnection has no parameter for them.
        "connectionProtocol": _AZURE_REFUSES, "connectionType": _AZURE_REFUSES,
        "virtualNetworkGateway1": _AZURE_REFUSES, "virtualNetworkGateway2": _AZURE_REFUSES,
        "localNetworkGateway2": _AZURE_REFUSES,
    },
    RANDOM_PASSWORD: {ANY_INPUT: _RANDOM},
}

# Azure's default proposals (no custom policy) for a route-based gateway, from Azure's "About
# VPN devices and IPsec/IKE parameters": main mode AES256/AES128/3DES with SHA1/SHA256 and
# DH group 2 only; quick mode down to 3DES-SHA1, no PFS. A device may settle on any of them,
# so a removed policy is judged by the weakest combination Azure then accepts.
AZURE_DEFAULTS_WEAKEST: Final = IpsecPolicy(
    ike_encryption="DES3", ike_integrity="SHA1", dh_group="DHGroup2",
    ipsec_encryption="DES3", ipsec_integrity="SHA1", pfs_group="None")
AZURE_DEFAULTS: Final = "Azure's default proposals"

ChangeKind = Literal["add", "remove", "update", "replace"]
CHANGE_KINDS: Final[tuple[ChangeKind, ...]] = ("add", "remove", "update", "replace")
Verdict = Literal["stronger", "weaker", "same", "new", "removed", "unknown"]
Level = Literal["danger", "warning", "info"]


@dataclass(frozen=True)
class PropertyChange:
    """One input that differs; values are display-ready (secrets and unknowns masked)."""

    path: str
    """Dotted camelCase path as the engine writes it (``ipsecPolicies[0].dhGroup``)."""
    old: Any
    """Base value; ``None`` when the input was absent."""
    new: Any
    """Head value; ``None`` when the input is gone."""
    secret: bool
    replaces: bool
    why: str | None = None
    """Why the change forces a replacement, when it does."""


@dataclass(frozen=True)
class ResourceChange:
    kind: ChangeKind
    type: str
    name: str
    urn: str
    properties: tuple[PropertyChange, ...] = ()

    @property
    def short_type(self) -> str:
        return self.type.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class ComponentChange:
    """The resources of one top-level component (a gateway, a site, a pair) that change."""

    type: str
    name: str
    status: Literal["added", "removed", "changed"]
    resources: tuple[ResourceChange, ...]

    @property
    def short_type(self) -> str:
        return self.type.rsplit(":", 1)[-1]


@dataclass(frozen=True)
class FieldChange:
    field: str
    """ARM/camelCase name (``ikeEncryption``), as written in the stack config."""
    old: Any
    new: Any


@dataclass(frozen=True)
class PolicyChange:
    """A connection whose IPsec/IKE policy changes (or that comes or goes with its policy)."""

    connection: str
    """Azure name of the connection (``VNet1toSite6``)."""
    resource: str
    urn: str
    site: str | None
    pair: str | None
    change: Literal["added", "removed", "changed"]
    """``added``/``removed``: the connection itself; ``changed``: its policy."""
    old: IpsecPolicy | None
    new: IpsecPolicy | None
    old_findings: tuple[StrengthFinding, ...]
    new_findings: tuple[StrengthFinding, ...]
    fields: tuple[FieldChange, ...]
    verdict: Verdict
    reason: str

    @property
    def appeared_forbidden(self) -> tuple[StrengthFinding, ...]:
        """Forbidden (RFC MUST NOT) findings the head has and the base did not."""
        before = {_finding_key(f) for f in self.old_findings}
        return tuple(f for f in self.new_findings if f.severity == "forbidden" and _finding_key(f) not in before)


@dataclass(frozen=True)
class Note:
    """What the change asks of operators, most serious first."""

    level: Level
    subject: str
    text: str
    command: str | None = None


@dataclass(frozen=True)
class StackDiff:
    project: str
    stack: str
    base: str
    head: str
    components: tuple[ComponentChange, ...]
    policies: tuple[PolicyChange, ...]
    notes: tuple[Note, ...]
    changed_connections: frozenset[str]
    """URNs of connections that are added, replaced or updated (for the topology diagram)."""
    head_plan: PlanResult
    base_plan: PlanResult

    def resource_changes(self) -> list[ResourceChange]:
        return [r for c in self.components for r in c.resources]

    def counts(self) -> dict[ChangeKind, int]:
        found = dict.fromkeys(CHANGE_KINDS, 0)
        for change in self.resource_changes():
            found[change.kind] += 1
        return found

    @property
    def empty(self) -> bool:
        return not self.components

    def weaker(self) -> list[PolicyChange]:
        """Policies that get weaker, or that bring a forbidden finding: what ``--fail-on-weaker`` fails on."""
        return [p for p in self.policies if p.verdict == "weaker" or p.appeared_forbidden]


# --- comparing inputs -------------------------------------------------------------------


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Flatten to ``path -> scalar`` with the engine's path grammar (``a.b[0].c``)."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out |= _leaves(item, f"{path}.{key}" if path else key)
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out |= _leaves(item, f"{path}[{index}]")
        return out
    return {path: value}


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))


def _top(path: str) -> str:
    for index, char in enumerate(path):
        if char in ".[":
            return path[:index]
    return path


_MISSING: Final = object()


def _differences(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(path, old, new) where two input trees differ, as deep as both sides have structure.

    A list emptied (a policy removed) or a key added with a whole object is one difference at
    that path, not one per leaf, which is how a reviewer reads it.
    """
    if isinstance(old, dict) and isinstance(new, dict) and old and new:
        for key in sorted(old.keys() | new.keys()):
            yield from _differences(old.get(key, _MISSING), new.get(key, _MISSING), f"{path}.{key}" if path else key)
    elif isinstance(old, list) and isinstance(new, list) and old and new:
        for index in range(max(len(old), len(new))):
            yield from _differences(old[index] if index < len(old) else _MISSING,
                                    new[index] if index < len(new) else _MISSING, f"{path}[{index}]")
    elif old != new:  # equal, or unknown on both sides: a preview cannot tell those apart
        yield path, old, new


def _shown(value: Any, path: str, secrets: frozenset[str], leaked: set[str]) -> Any:
    """A value for display: secrets inside it masked, unknowns named, stray secret copies scrubbed."""
    if value is _MISSING:
        return None
    if any(_under(path, s) for s in secrets):
        return SECRET
    if isinstance(value, dict):
        return {k: _shown(v, f"{path}.{k}" if path else k, secrets, leaked) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v, f"{path}[{i}]", secrets, leaked) for i, v in enumerate(value)]
    if value == UNKNOWN:
        return KNOWN_AFTER_APPLY
    if isinstance(value, str) and any(secret in value for secret in leaked):
        return SECRET
    return value


def _property_changes(type_: str, old: PlannedResource, new: PlannedResource,
                      leaked: set[str]) -> list[PropertyChange]:
    secrets = old.secret_paths | new.secret_paths
    replace_on = REPLACE_ON_CHANGES.get(type_, {})
    changes: list[PropertyChange] = []
    for path, a, b in _differences(old.inputs, new.inputs):
        why = replace_on.get(_top(path)) or replace_on.get(ANY_INPUT)
        secret = any(_under(path, s) for s in secrets)
        changes.append(PropertyChange(path, _shown(a, path, secrets, leaked), _shown(b, path, secrets, leaked),
                                      secret, why is not None, why))
    return changes


def _secret_values(*plans: PlanResult) -> set[str]:
    """Every plain secret string in the plans, to mask wherever a component might have copied it."""
    found: set[str] = set()
    for plan in plans:
        for resource in plan.resources:
            for path, value in _leaves(resource.inputs).items():
                if any(_under(path, s) for s in resource.secret_paths) and isinstance(value, str):
                    found.add(value)
    return {s for s in found if s != UNKNOWN and len(s) >= 4}


# --- the component tree -----------------------------------------------------------------


class _Tree:
    def __init__(self, plan: PlanResult) -> None:
        self.plan = plan
        self.by_urn = {r.urn: r for r in plan.resources}

    def root(self, resource: PlannedResource) -> PlannedResource:
        """The top-level component that owns ``resource`` (itself if it has no parent)."""
        seen: set[str] = set()
        while resource.parent and resource.parent in self.by_urn and resource.urn not in seen:
            seen.add(resource.urn)
            resource = self.by_urn[resource.parent]
        return resource

    def ancestor(self, resource: PlannedResource, type_: str) -> PlannedResource | None:
        current = self.by_urn.get(resource.parent) if resource.parent else None
        while current is not None and current.type != type_:
            current = self.by_urn.get(current.parent) if current.parent else None
        return current

    def depends_on(self, resource: PlannedResource, urn: str) -> bool:
        return urn in resource.dependencies or any(urn in urns for urns in resource.property_dependencies.values())


def _component_key(type_: str, name: str) -> tuple[int, str, str]:
    rank_ = COMPONENT_ORDER.index(type_) if type_ in COMPONENT_ORDER else len(COMPONENT_ORDER)
    return (rank_, type_, name)


# --- policies -------------------------------------------------------------------------------

_UNREADABLE: Final = object()


def _policy_of(resource: PlannedResource) -> IpsecPolicy | object | None:
    """The connection's custom policy, ``None`` for Azure's defaults, ``_UNREADABLE`` if secret/unknown."""
    if any(_under(p, "ipsecPolicies") or _under("ipsecPolicies", p) for p in resource.secret_paths):
        return _UNREADABLE
    policies = resource.inputs.get("ipsecPolicies")
    if not policies:
        return None
    try:
        return IpsecPolicy.from_mapping(policies[0])  # Azure allows one custom policy per connection
    except PolicyError:
        return _UNREADABLE  # only an unknown (computed) value gets here: the components validated the rest


def _finding_key(finding: StrengthFinding) -> tuple[str, str, str]:
    return (finding.field, finding.value, finding.severity)


def _finding_text(finding: StrengthFinding) -> str:
    return f"{finding.severity} `{ARM_NAMES.get(finding.field, finding.field)}={finding.value}`"


def _connection_name(resource: PlannedResource) -> str:
    return str(resource.inputs.get("virtualNetworkGatewayConnectionName") or resource.name)


def _judge(old: IpsecPolicy | None, new: IpsecPolicy | None) -> tuple[Verdict, str]:
    """Stronger/weaker/same by (forbidden, weak) finding counts, with the findings that moved."""
    before = list((old or AZURE_DEFAULTS_WEAKEST).assess())
    after = list((new or AZURE_DEFAULTS_WEAKEST).assess())
    old_rank, new_rank = rank(before), rank(after)
    gone = [f for f in before if _finding_key(f) not in {_finding_key(g) for g in after}]
    came = [f for f in after if _finding_key(f) not in {_finding_key(g) for g in before}]
    parts = []
    if came:
        parts.append("adds " + ", ".join(_finding_text(f) for f in came))
    if gone:
        parts.append("drops " + ", ".join(_finding_text(f) for f in gone))
    counts = (f"forbidden {old_rank[0]} → {new_rank[0]}, weak {old_rank[1]} → {new_rank[1]} "
              "(RFC 8247/8221 findings)")
    if new_rank < old_rank:
        verdict: Verdict = "stronger"
    elif new_rank > old_rank:
        verdict = "weaker"
    else:
        # Same findings: a key-size change (AES256 -> AES128, ECP384 -> ECP256) still matters.
        # Any field that loses bits makes the policy weaker, whatever else gains.
        old_bits = security_bits((old or AZURE_DEFAULTS_WEAKEST).algorithms())
        new_bits = security_bits((new or AZURE_DEFAULTS_WEAKEST).algorithms())
        lost = [f"{ARM_NAMES[f]} {old_bits[f]} → {new_bits[f]} bits" for f in old_bits if new_bits[f] < old_bits[f]]
        gained = [f"{ARM_NAMES[f]} {old_bits[f]} → {new_bits[f]} bits" for f in old_bits if new_bits[f] > old_bits[f]]
        verdict = "weaker" if lost else "stronger" if gained else "same"
        if lost or gained:
            parts.append("security strength " + ", ".join(lost + gained) + " (NIST SP 800-57 Part 1)")
    if not parts:
        return verdict, f"no RFC 8247/8221 finding changes; {counts}"
    if new is None:
        parts.append(f"judged by the weakest of {AZURE_DEFAULTS} ({AZURE_DEFAULTS_WEAKEST.summary()})")
    elif old is None:
        parts.append(f"compared with the weakest of {AZURE_DEFAULTS} ({AZURE_DEFAULTS_WEAKEST.summary()})")
    return verdict, "; ".join(parts) + f"; {counts}"


def _field_changes(old: IpsecPolicy | None, new: IpsecPolicy | None) -> tuple[FieldChange, ...]:
    names = old.changed_fields(new) if old is not None and new is not None else list(ARM_NAMES)
    old_values = old.to_dict() if old is not None else {}
    new_values = new.to_dict() if new is not None else {}
    return tuple(FieldChange(ARM_NAMES[name], old_values.get(name), new_values.get(name)) for name in names)


def _policy_change(old_res: PlannedResource | None, new_res: PlannedResource | None,
                   old_tree: _Tree, new_tree: _Tree) -> PolicyChange | None:
    resource = new_res or old_res
    tree = new_tree if new_res is not None else old_tree
    assert resource is not None
    old = _policy_of(old_res) if old_res is not None else None
    new = _policy_of(new_res) if new_res is not None else None
    change: Literal["added", "removed", "changed"]
    if old_res is None:
        change = "added"
    elif new_res is None:
        change = "removed"
    else:
        change = "changed"
        same = (old is None and new is None) or (isinstance(old, IpsecPolicy) and isinstance(new, IpsecPolicy)
                                                 and old == new) or (old is _UNREADABLE and new is _UNREADABLE)
        if same:
            return None
    site = tree.ancestor(resource, SITE_COMPONENT)
    pair = tree.ancestor(resource, PAIR_COMPONENT)
    old_policy = old if isinstance(old, IpsecPolicy) else None
    new_policy = new if isinstance(new, IpsecPolicy) else None
    verdict: Verdict
    if old is _UNREADABLE or new is _UNREADABLE:
        verdict, reason = "unknown", "the policy is secret or known only after apply, so it cannot be judged here"
    elif change == "added":
        verdict = "new"
        findings = new_policy.assess() if new_policy is not None else AZURE_DEFAULTS_WEAKEST.assess()
        reason = ("new connection; " + (", ".join(_finding_text(f) for f in findings) if findings
                                         else "no RFC 8247/8221 findings"))
        if new_policy is None:
            reason = f"new connection with {AZURE_DEFAULTS} (no custom policy)"
    elif change == "removed":
        verdict, reason = "removed", "the connection is deleted with its policy"
    else:
        verdict, reason = _judge(old_policy, new_policy)
    return PolicyChange(
        connection=_connection_name(resource), resource=resource.name, urn=resource.urn,
        site=site.name if site else None, pair=pair.name if pair else None, change=change,
        old=old_policy, new=new_policy,
        old_findings=tuple(old_policy.assess()) if old_policy else (),
        new_findings=tuple(new_policy.assess()) if new_policy else (),
        fields=_field_changes(old_policy, new_policy) if change == "changed" else (),
        verdict=verdict, reason=reason)


# --- what it means to operators -------------------------------------------------------------


def device_config_command(stack: str, site: str) -> str:
    """The command that renders a site's on-premises device configuration (wired by the CLI)."""
    return f"azvpn device-config --stack {stack} --site {site} --vendor <vendor>"


def _notes(stack: str, components: list[ComponentChange], policies: list[PolicyChange],
           base: _Tree, head: _Tree) -> list[Note]:
    notes: list[Note] = []
    changes = [r for c in components for r in c.resources]
    policy_edit = any(p.change == "changed" for p in policies)
    never = " A policy edit must never do this: find out what else this change touches." if policy_edit else ""
    gone_ips = {_tree_root(base, head, r.urn) for r in changes if r.type == PUBLIC_IP and r.kind != "add"
                and r.kind != "update"}

    def connections_on(urn: str) -> str:
        names = sorted({_connection_name(r) for tree in (base, head) for r in tree.plan.of_type(CONNECTION)
                        if tree.depends_on(r, urn)})
        return f" Connections on it: {', '.join(names)}." if names else ""

    for change in changes:
        if change.type == VPN_GATEWAY and change.kind == "replace":
            address = ("it also gets a NEW public IP address (see the public IP)"
                       if _tree_root(base, head, change.urn) in gone_ips
                       else "its static public IP resource stays, so the address should too")
            # A virtual network holds one VPN gateway, so the new one cannot be up before the old is gone.
            notes.append(Note("danger", change.name, (
                "the VPN gateway is DELETED and built again: every connection on it is down for the 30-45+ "
                f"minutes a gateway takes to build; {address}.{connections_on(change.urn)}{never}")))
        elif change.type == VPN_GATEWAY and change.kind == "remove":
            notes.append(Note("danger", change.name, (
                f"the VPN gateway is DELETED: every connection on it goes down.{connections_on(change.urn)}{never}")))
        elif change.type == PUBLIC_IP and change.kind in {"replace", "remove"}:
            notes.append(Note("danger", change.name, (
                "the gateway's public IP address is released and a new one allocated: every on-premises device "
                "must be repointed to the new address (`pulumi stack output gateways` after the update)."
                f"{never}")))
        elif change.type == CONNECTION and change.kind == "replace":
            why = ", ".join(sorted({_top(p.path) for p in change.properties if p.replaces}))
            notes.append(Note("warning", _connection_name(head.by_urn[change.urn]), (
                f"the connection is deleted and created again ({why} cannot change in place): its tunnel is "
                "down until the new connection is up.")))
        elif change.type == RANDOM_PASSWORD and change.kind == "replace":
            notes.append(Note("warning", change.name, (
                "the generated shared key is generated again: every connection using it gets a new key "
                "(read it from the stack state as a secret; it is never printed).")))

    # One note per site or pair: a pair's two connections always change together.
    rekeyed: dict[str, list[str]] = {}
    for change in changes:
        if change.type == CONNECTION and change.kind == "update" and any(
                p.secret and _under(p.path, "sharedKey") for p in change.properties):
            connection = head.by_urn[change.urn]
            site, pair = head.ancestor(connection, SITE_COMPONENT), head.ancestor(connection, PAIR_COMPONENT)
            if site is not None:
                notes.append(Note("warning", _connection_name(connection), (
                    f"the shared key changes (value not shown): the on-premises device of site {site.name} must "
                    "get the same key at the same time, or the tunnel fails authentication."),
                    device_config_command(stack, site.name)))
            else:
                rekeyed.setdefault(pair.name if pair else _connection_name(connection), []).append(
                    _connection_name(connection))
    for pair_name, names in rekeyed.items():
        notes.append(Note("warning", f"pair {pair_name}", (
            f"the shared key changes (value not shown) on {', '.join(sorted(names))}: both directions get it in "
            "the same update and authenticate again.")))

    repolicied: dict[str, list[PolicyChange]] = {}
    for policy in policies:
        fallback = (f" The custom policy is removed: the connection falls back to {AZURE_DEFAULTS} (DH group 2 "
                    "only, SHA1 and 3DES on offer, no PFS)." if policy.change == "changed" and policy.new is None
                    else "")
        if policy.change == "changed" and policy.site:
            notes.append(Note("warning", policy.connection, (
                f"the on-premises device of site {policy.site} must be reconfigured at the same time: the tunnel "
                "renegotiates when Azure applies the new policy (about a minute) and stays down while the two "
                f"ends disagree.{fallback}"), device_config_command(stack, policy.site)))
        elif policy.change == "changed":
            repolicied.setdefault(policy.pair or policy.connection, []).append(policy)
        elif policy.change == "added" and policy.site:
            notes.append(Note("info", policy.connection, (
                f"new site {policy.site}: configure its device before or with this update."),
                device_config_command(stack, policy.site)))
        elif policy.change == "removed" and policy.site:
            notes.append(Note("info", policy.connection, (
                f"site {policy.site} is disconnected: remove the tunnel from its device afterwards.")))
    for pair_name, changed in repolicied.items():
        fallback = (f" The custom policy is removed: the link falls back to {AZURE_DEFAULTS}."
                    if all(p.new is None for p in changed) else "")
        notes.append(Note("warning", f"pair {pair_name}", (
            f"{', '.join(sorted(p.connection for p in changed))} change in the same update; the tunnel "
            f"renegotiates (about a minute) and no on-premises device is involved.{fallback}")))
    order = {"danger": 0, "warning": 1, "info": 2}
    return sorted(notes, key=lambda n: (order[n.level], n.subject, n.text))


def _tree_root(base: _Tree, head: _Tree, urn: str) -> str:
    """The top-level component name of a resource in whichever plan has it."""
    tree = head if urn in head.by_urn else base
    return tree.root(tree.by_urn[urn]).urn


# --- the diff ---------------------------------------------------------------------------------


def diff_plans(base: PlanResult, head: PlanResult, *, base_label: str = "base",
               head_label: str = "working tree") -> StackDiff:
    """Compare two plans of one stack; everything in the result is ordered deterministically."""
    old_tree, new_tree = _Tree(base), _Tree(head)
    leaked = _secret_values(base, head)
    grouped: dict[tuple[str, str], list[ResourceChange]] = {}
    policies: list[PolicyChange] = []
    changed_connections: set[str] = set()
    for urn in sorted(old_tree.by_urn.keys() | new_tree.by_urn.keys()):
        old, new = old_tree.by_urn.get(urn), new_tree.by_urn.get(urn)
        resource = new or old
        assert resource is not None
        if resource.type == CONNECTION:
            policy = _policy_change(old, new, old_tree, new_tree)
            if policy is not None:
                policies.append(policy)
        if not resource.custom:
            continue  # components own resources; they are the groups, not rows
        root = (new_tree if new is not None else old_tree).root(resource)
        key = (root.type, root.name) if root is not resource else ("", "stack")
        if old is None:
            change = ResourceChange("add", resource.type, resource.name, urn)
        elif new is None:
            change = ResourceChange("remove", resource.type, resource.name, urn)
        else:
            properties = _property_changes(resource.type, old, new, leaked)
            if not properties:
                continue
            kind: ChangeKind = "replace" if any(p.replaces for p in properties) else "update"
            change = ResourceChange(kind, resource.type, resource.name, urn, tuple(properties))
        grouped.setdefault(key, []).append(change)
        if resource.type == CONNECTION and change.kind != "remove":
            changed_connections.add(urn)
    old_roots = {(r.type, r.name) for r in base.resources if not r.parent}
    new_roots = {(r.type, r.name) for r in head.resources if not r.parent}
    components = [
        ComponentChange(type_, name,
                        "added" if (type_, name) not in old_roots and (type_, name) in new_roots
                        else "removed" if (type_, name) not in new_roots and (type_, name) in old_roots
                        else "changed",
                        tuple(sorted(changes, key=lambda r: (r.type, r.name))))
        for (type_, name), changes in sorted(grouped.items(), key=lambda item: _component_key(*item[0]))
    ]
    policies.sort(key=lambda p: (p.connection, p.urn))
    return StackDiff(
        project=head.project or base.project, stack=head.stack or base.stack, base=base_label, head=head_label,
        components=tuple(components), policies=tuple(policies),
        notes=tuple(_notes(head.stack or base.stack, components, policies, old_tree, new_tree)),
        changed_connections=frozenset(changed_connections), head_plan=head, base_plan=base)


# --- planning a git ref ---------------------------------------------------------------------

# Runs in a child interpreter: this checkout's azvpn (the mock engine and stack-file reader)
# drives the *base* ref's __main__.py and components, which must not mix with the ones this
# process imported already. The plan comes back as JSON through a file (the program may print).
_PLAN_CHILD: Final = """
import dataclasses, json, sys
from pathlib import Path
tooling, project, stack, out = sys.argv[1:5]
sys.path[:0] = [project, tooling]
from azvpn.plan import plan_stack
result = plan_stack(Path(project), stack)
Path(out).write_text(json.dumps(dataclasses.asdict(result), default=sorted), encoding="utf-8")
"""


class BaseRefError(RuntimeError):
    """The base ref could not be checked out or planned."""


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BaseRefError(f"git {' '.join(args)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout.strip()


def plan_from_json(data: Mapping[str, Any]) -> PlanResult:
    """Rebuild a ``PlanResult`` from ``dataclasses.asdict`` JSON (sets and tuples came back as lists)."""
    resources = [PlannedResource(
        type=r["type"], name=r["name"], urn=r["urn"], parent=r["parent"], custom=r["custom"], inputs=r["inputs"],
        secret_paths=frozenset(r["secret_paths"]), dependencies=tuple(r["dependencies"]),
        property_dependencies={k: tuple(v) for k, v in r["property_dependencies"].items()},
        protect=r["protect"], custom_timeouts=r["custom_timeouts"],
        additional_secret_outputs=tuple(r["additional_secret_outputs"])) for r in data["resources"]]
    return PlanResult(
        project=data["project"], stack=data["stack"], resources=resources, outputs=data["outputs"],
        secret_outputs=frozenset(data["secret_outputs"]),
        diagnostics=[Diagnostic(**d) for d in data["diagnostics"]],
        component_outputs={k: (v[0], frozenset(v[1])) for k, v in data["component_outputs"].items()})


@contextlib.contextmanager
def worktree(repo: Path, ref: str) -> Iterator[Path]:
    """``ref`` checked out (detached) in a temporary worktree, removed again whatever happens."""
    top = Path(_git(repo, "rev-parse", "--show-toplevel"))
    if ref.startswith("-"):  # git would read it as an option
        raise BaseRefError(f"{ref!r} is not a git ref")
    try:
        commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except BaseRefError:
        raise BaseRefError(f"no commit named {ref!r} in {top.name} (git rev-parse)") from None
    holder = Path(tempfile.mkdtemp(prefix="azvpn-diff-"))
    tree = holder / "base"
    try:
        _git(top, "worktree", "add", "--detach", str(tree), commit)
        yield tree
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=top, capture_output=True,
                       check=False)
        shutil.rmtree(holder, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=top, capture_output=True, check=False)


def plan_at_ref(project_dir: Path, ref: str, stack: str) -> PlanResult | None:
    """The plan of ``stack`` as the project was at ``ref``; ``None`` if the stack file did not exist there.

    Raises ``BaseRefError`` when the ref is unknown or the base program fails.
    """
    project_dir = project_dir.resolve()
    top = Path(_git(project_dir, "rev-parse", "--show-toplevel")).resolve()
    inside = project_dir.relative_to(top)
    tooling = Path(__file__).resolve().parents[1]
    with worktree(project_dir, ref) as tree:
        base_project = tree / inside
        if not (base_project / f"Pulumi.{stack}.yaml").exists():
            return None
        out = tree.parent / "plan.json"
        done = subprocess.run([sys.executable, "-c", _PLAN_CHILD, str(tooling), str(base_project), stack, str(out)],
                              cwd=base_project, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
            raise BaseRefError(f"planning stack {stack!r} at {ref} failed: " + "\n".join(lines[-15:]))
        return plan_from_json(json.loads(out.read_text(encoding="utf-8")))


def empty_plan(project: str, stack: str) -> PlanResult:
    return PlanResult(project=project, stack=stack)



# --- the command ------------------------------------------------------------------------------

#: ``azvpn diff`` exit status when ``--fail-on-weaker`` finds a weaker policy or a new forbidden finding.
EXIT_WEAKER: Final = 3
#: ``azvpn diff`` exit status when the base ref cannot be checked out or planned.
EXIT_BASE_ERROR: Final = 2


def run_diff(project_dir: Path, stack: str, base_ref: str, output_format: str, fail_on_weaker: bool,
             out: TextIO, err: TextIO) -> int:
    """``azvpn diff``: plan ``base_ref`` and the working tree, print the report, return the exit status.

    A broken working-tree config raises (the CLI prints it and exits 1, as ``azvpn plan`` does).
    """
    # The renderers import this module, so they are imported when used, not at the top.
    from azvpn.diff_render import render_json, render_markdown
    from azvpn.plan import plan_stack
    from azvpn.plan_report import plan_document
    from azvpn.topology_mermaid import render_mermaid

    try:
        with contextlib.redirect_stdout(err):  # the programs' prints must not corrupt --format json
            base = plan_at_ref(project_dir, base_ref, stack)
    except BaseRefError as error:
        err.write(f"azvpn diff: {error}\n")
        return EXIT_BASE_ERROR
    with contextlib.redirect_stdout(err):
        head = plan_stack(project_dir, stack)
    label = base_ref if base is not None else f"{base_ref} (no Pulumi.{stack}.yaml there)"
    diff = diff_plans(base or empty_plan(head.project, stack), head, base_label=label)
    if output_format == "json":
        text = render_json(diff)
    else:
        changed = {_connection_name(r) for r in head.resources if r.urn in diff.changed_connections}
        topology = render_mermaid(plan_document(head), highlight=changed) if not diff.empty else None
        text = render_markdown(diff, topology)
    # The report has emoji and arrows; a legacy console codepage gets '?' rather than an error.
    encoding = getattr(out, "encoding", None) or "utf-8"
    out.write(text.encode(encoding, errors="replace").decode(encoding))
    weaker = diff.weaker()
    if fail_on_weaker and weaker:
        err.write("azvpn diff: --fail-on-weaker: " + "; ".join(
            f"{p.connection}: {p.verdict}" + (" with forbidden " + ", ".join(
                f"{ARM_NAMES.get(f.field, f.field)}={f.value}" for f in p.appeared_forbidden)
                if p.appeared_forbidden else "") for p in weaker) + "\n")
        return EXIT_WEAKER
    return 0
