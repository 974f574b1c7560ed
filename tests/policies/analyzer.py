"""The pack's real analyzer servicer, called in-process with the protobuf requests the engine
sends (pulumi/pulumi ``analyzer_plugin.go``): properties in a ``Struct`` with secrets in the
secret signature and unknowns as sentinels, config reconciled as the CLI does
(``ReconcilePolicyPackConfig``: policy defaults, schema defaults, then ``all``, then each
policy). What comes back is what ``pulumi preview`` would print.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel
from pulumi_policy.policy import _PolicyAnalyzerServicer
from vpn_policies import PACK_NAME, POLICIES

from .harness import secret_wire

_LEVELS = {proto.ADVISORY: "advisory", proto.MANDATORY: "mandatory", proto.DISABLED: "disabled",
           proto.REMEDIATE: "remediate"}
_TO_PROTO = {level: number for number, level in _LEVELS.items()}
_PATH_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    level: str
    message: str
    urn: str


@dataclass
class WireResource:
    """A resource as the engine marshals it; ``secret_paths`` are dotted (``sharedKey``,
    ``ipsecPolicies[0].dhGroup``) like ``azvpn.engine.PlannedResource.secret_paths``."""

    type: str
    name: str
    urn: str
    inputs: Mapping[str, Any]
    secret_paths: Collection[str] = ()
    additional_secret_outputs: Sequence[str] = ()
    parent: str = ""
    dependencies: Sequence[str] = ()
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)


def _wrap_secret(data: Any, path: str) -> Any:
    """``data`` with the value at ``path`` in the engine's secret signature."""
    tokens = [name or int(index) for name, index in _PATH_TOKEN.findall(path)]
    if not tokens:
        return data
    container: Any = data
    for token in tokens[:-1]:
        container = container[token]
    last = tokens[-1]
    container[last] = secret_wire(container[last])
    return data


def properties(inputs: Mapping[str, Any], secret_paths: Collection[str] = ()) -> struct_pb2.Struct:
    data = json_format.MessageToDict(_struct(inputs))  # a deep copy, numbers as the wire has them
    for path in sorted(secret_paths, key=len, reverse=True):  # innermost first
        data = _wrap_secret(data, path)
    return _struct(data)


def _struct(data: Mapping[str, Any]) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(dict(data))
    return struct


def _options(resource: WireResource) -> Any:
    return proto.AnalyzerResourceOptions(additionalSecretOutputs=list(resource.additional_secret_outputs),
                                         parent=resource.parent)


def reconcile(config: Mapping[str, Any] | None) -> dict[str, tuple[str, dict[str, Any]]]:
    """policy -> (enforcement level, properties), the way the CLI prepares ``Configure``."""
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for policy in POLICIES:
        level = (policy.enforcement_level or EnforcementLevel.ADVISORY).value
        defaults = {name: schema["default"] for name, schema in
                    (policy.config_schema.properties if policy.config_schema else {}).items() if "default" in schema}
        result[policy.name] = (level, defaults)
    config = dict(config or {})
    all_level = config.pop("all", None)
    if all_level:
        result = {name: (str(all_level), props) for name, (_, props) in result.items()}
    for name, given in config.items():
        level, props = result[name]
        if isinstance(given, str):
            result[name] = (given, props)
        else:
            given = dict(given)
            result[name] = (str(given.pop("enforcementLevel", level)), {**props, **given})
    return result


class InProcessAnalyzer:
    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.servicer = _PolicyAnalyzerServicer(PACK_NAME, "0.1.0", POLICIES, EnforcementLevel.ADVISORY)
        request = proto.ConfigureAnalyzerRequest()
        for name, (level, props) in reconcile(config).items():
            request.policyConfig[name].CopyFrom(
                proto.PolicyConfig(enforcementLevel=_TO_PROTO[level], properties=_struct(props)))
        self.servicer.Configure(request, None)

    def _diagnostics(self, response: Any) -> list[Diagnostic]:
        return [Diagnostic(d.policyName, _LEVELS[d.enforcementLevel], d.message, d.urn) for d in response.diagnostics]

    def analyze(self, resource: WireResource) -> tuple[list[Diagnostic], dict[str, str]]:
        """Diagnostics, and policy -> reason for the policies that declared themselves not applicable."""
        response = self.servicer.Analyze(proto.AnalyzeRequest(
            type=resource.type, name=resource.name, urn=resource.urn,
            properties=properties(resource.inputs, resource.secret_paths), options=_options(resource)), None)
        return self._diagnostics(response), {n.policy_name: n.reason for n in response.not_applicable}

    def analyze_stack(self, resources: Sequence[WireResource]) -> list[Diagnostic]:
        request = proto.AnalyzeStackRequest()
        for resource in resources:
            request.resources.append(proto.AnalyzerResource(
                type=resource.type, name=resource.name, urn=resource.urn,
                properties=properties(resource.inputs, resource.secret_paths), options=_options(resource),
                parent=resource.parent, dependencies=list(resource.dependencies),
                propertyDependencies={key: proto.AnalyzerPropertyDependencies(urns=list(urns))
                                      for key, urns in resource.property_dependencies.items() if urns}))
        return self._diagnostics(self.servicer.AnalyzeStack(request, None))

    def remediate(self, resource: WireResource) -> Any:
        return self.servicer.Remediate(proto.AnalyzeRequest(
            type=resource.type, name=resource.name, urn=resource.urn,
            properties=properties(resource.inputs, resource.secret_paths), options=_options(resource)), None)

    def preview(self, resources: Sequence[WireResource]) -> list[Diagnostic]:
        """Every resource through Analyze, then the stack through AnalyzeStack."""
        found: list[Diagnostic] = []
        for resource in resources:
            found += self.analyze(resource)[0]
        return found + self.analyze_stack(resources)
