"""Run a Pulumi program under the SDK's mock runtime and record what the engine would see.

``pulumi preview`` needs the CLI, a backend and the azure-native provider; none is needed to
know what a program *registers*. The SDK's mock monitor receives every RegisterResource
request; this module keeps the parts a reviewer cares about (type, name, parent, camelCase
inputs, which inputs are secret, dependencies, options), the stack outputs (secrets marked)
and the diagnostics the program logged. Values the real engine would only know after
apply (ids of new resources, generated passwords, public IPs) stay unknown, as in a preview.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from google.protobuf import json_format  # type: ignore[import-untyped]
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

from components import resource_types as types

#: What the SDK sends for a value that is not known until apply.
UNKNOWN = rpc.UNKNOWN
_SIG = rpc._special_sig_key
_SECRET = rpc._special_secret_sig
_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"

# Pulumi type -> (ARM type, input holding the Azure name). Enough for realistic ARM IDs.
_ARM_TYPES: Mapping[str, tuple[str, str]] = {
    types.RESOURCE_GROUP: ("", "resourceGroupName"),
    types.VIRTUAL_NETWORK: ("Microsoft.Network/virtualNetworks", "virtualNetworkName"),
    types.PUBLIC_IP: ("Microsoft.Network/publicIPAddresses", "publicIpAddressName"),
    types.VPN_GATEWAY: ("Microsoft.Network/virtualNetworkGateways", "virtualNetworkGatewayName"),
    types.LOCAL_NETWORK_GATEWAY: ("Microsoft.Network/localNetworkGateways", "localNetworkGatewayName"),
    types.CONNECTION: ("Microsoft.Network/connections", "virtualNetworkGatewayConnectionName"),
}


@dataclass(frozen=True)
class PlannedResource:
    """One resource as the engine would receive it."""

    type: str
    name: str
    urn: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    """camelCase inputs; secret values unwrapped (see ``secret_paths``); unknowns are ``UNKNOWN``."""
    secret_paths: frozenset[str]
    """Dotted paths of inputs that were secrets (``sharedKey``, ``ipsecPolicies[0].x``)."""
    dependencies: tuple[str, ...]
    property_dependencies: dict[str, tuple[str, ...]]
    protect: bool
    custom_timeouts: dict[str, str]
    additional_secret_outputs: tuple[str, ...]
    alias_count: int = 0
    """How many aliases the SDK sent with the registration."""

    def is_secret(self, path: str) -> bool:
        return path in self.secret_paths


@dataclass(frozen=True)
class Diagnostic:
    severity: str
    message: str
    urn: str


@dataclass
class PlanResult:
    project: str
    stack: str
    resources: list[PlannedResource] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: frozenset[str] = frozenset()
    diagnostics: list[Diagnostic] = field(default_factory=list)
    component_outputs: dict[str, tuple[dict[str, Any], frozenset[str]]] = field(default_factory=dict)
    """URN -> (outputs a component registered, which of them are secret)."""

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def by_name(self, name: str) -> PlannedResource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(f"no resource named {name!r}; have {sorted(r.name for r in self.resources)}")

    def children_of(self, urn: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == urn]

    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def _unwrap(value: Any, path: str, secrets: set[str]) -> Any:
    """JSON from the wire -> plain values, noting where secrets were."""
    if isinstance(value, dict):
        if value.get(_SIG) == _SECRET:
            secrets.add(path)
            return _unwrap(value.get("value"), path, secrets)
        if _SIG in value:  # a resource reference or asset: keep its plain form
            return {k: v for k, v in value.items() if k != _SIG}
        return {k: _unwrap(v, f"{path}.{k}" if path else k, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v, f"{path}[{i}]", secrets) for i, v in enumerate(value)]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # protobuf Struct carries every number as a double
    return value


def _plain(struct: Any) -> tuple[dict[str, Any], frozenset[str]]:
    secrets: set[str] = set()
    data = json_format.MessageToDict(struct) if struct is not None else {}
    return _unwrap(data, "", secrets), frozenset(secrets)


class _PlanMocks(pulumi_mocks.Mocks):
    """Echo inputs as outputs, with ARM-shaped ids and the Azure name as ``name``."""

    def __init__(self) -> None:
        self._addresses = 0

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        state = dict(args.inputs)
        arm_type, name_key = _ARM_TYPES.get(args.typ, ("", ""))
        azure_name = state.get(name_key) or args.name
        group = state.get("resourceGroupName") or args.name
        if args.typ == types.RESOURCE_GROUP:
            resource_id = f"/subscriptions/{_SUBSCRIPTION}/resourceGroups/{azure_name}"
        elif arm_type:
            resource_id = f"/subscriptions/{_SUBSCRIPTION}/resourceGroups/{group}/providers/{arm_type}/{azure_name}"
        else:
            resource_id = f"{args.name}-id"
        if arm_type or args.typ == types.RESOURCE_GROUP:
            state.setdefault("name", azure_name)
        if args.typ == types.PUBLIC_IP and not settings.is_dry_run():
            # Only a deployment (not a preview) knows the address: TEST-NET-3, one per IP.
            self._addresses += 1
            state.setdefault("ipAddress", f"203.0.113.{self._addresses}")
        return resource_id, state

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi_mocks.Mocks, result: PlanResult, stack_urn: list[str]) -> None:
        super().__init__(mocks)
        self.result = result
        self.stack_urn = stack_urn

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        urn = response.urn
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn.append(urn)
            return response
        inputs, secrets = _plain(request.object)
        timeouts = request.customTimeouts
        self.result.resources.append(PlannedResource(
            type=request.type,
            name=request.name,
            urn=urn,
            parent=request.parent if request.parent and request.parent not in self.stack_urn else None,
            custom=bool(request.custom),
            inputs=inputs,
            secret_paths=secrets,
            dependencies=tuple(request.dependencies),
            property_dependencies={k: tuple(v.urns) for k, v in request.propertyDependencies.items()},
            protect=bool(request.protect),
            custom_timeouts={k: v for k, v in (("create", timeouts.create), ("update", timeouts.update),
                                                 ("delete", timeouts.delete)) if v},
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
            alias_count=len(request.aliases) + len(request.aliasURNs),
        ))
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs, secrets = _plain(request.outputs)
        if request.urn in self.stack_urn:
            self.result.outputs = outputs
            self.result.secret_outputs = secrets
        else:
            self.result.component_outputs[request.urn] = (outputs, secrets)
        return super().RegisterResourceOutputs(request)  # type: ignore[no-untyped-call]


class _RecordingEngine:
    _SEVERITIES: ClassVar[dict[int, str]] = {0: "debug", 1: "info", 2: "warning", 3: "error"}

    def __init__(self, result: PlanResult) -> None:
        self.result = result

    def Log(self, request: Any) -> None:
        severity = self._SEVERITIES.get(request.severity, "info")
        if severity != "debug":
            self.result.diagnostics.append(Diagnostic(severity, request.message, request.urn))


def run_program(program: Callable[[], None], *, project: str, stack: str,
                config: Mapping[str, str] | None = None, secret_keys: Sequence[str] = (),
                preview: bool = True) -> PlanResult:
    """Run ``program`` as ``pulumi preview`` (or ``up`` with ``preview=False``) would, under mocks.

    ``config`` is the flat map the CLI hands a program: ``project:key`` -> string (objects as
    JSON). Exceptions from the program propagate after the runtime has settled.
    """
    result = PlanResult(project=project, stack=stack)
    stack_urn: list[str] = []
    monitor = _RecordingMonitor(_PlanMocks(), result, stack_urn)
    settings.ROOT.set(None)
    settings.configure(pulumi_mocks.MockSettings(
        monitor=monitor,
        monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),  # type: ignore[no-untyped-call]
        engine=_RecordingEngine(result),
        project=project, stack=stack, dry_run=preview, organization="organization",
        callbacks=None))
    set_all_config(dict(config or {}), list(secret_keys))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        _sync_await(run_in_stack(program))
    finally:
        settings.ROOT.set(None)
        asyncio.set_event_loop(None)
        loop.close()
    return result
