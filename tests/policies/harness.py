"""Feed resources to the pack's policies exactly as pulumi-policy 1.21's analyzer does.

Props go through the same steps as in ``_PolicyAnalyzerServicer.Analyze``: a protobuf
``Struct`` (so numbers become floats), secrets wrapped in the engine's secret signature,
``deserialize_properties`` (the SDK's, wrapped by ``secret_tracking`` when installed) and the
SDK's unknown-checking proxy. Every message is checked never to contain a shared key.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import policy as sdk_policy
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy
from vpn_policies import POLICIES_BY_NAME, secret_tracking

#: A shared key value that must never appear in any violation message.
SHARED_KEY = "Sup3r-S3cret-PSK-0f-Site6"
#: What the engine sends for a value known only after apply (e.g. a generated password).
UNKNOWN = UNKNOWN_STRING_VALUE
PROJECT = "azure-ipsec-vpn"


def urn(resource_type: str, name: str) -> str:
    return f"urn:pulumi:dev::{PROJECT}::{resource_type}::{name}"


def secret_wire(value: object) -> dict[str, object]:
    """How the engine marshals a secret (``KeepSecrets: true``)."""
    return {SPECIAL_SIG_KEY: SPECIAL_SECRET_SIG, "value": value}


def wire_struct(props: Mapping[str, Any], secrets: Collection[str] = ()) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update({key: secret_wire(value) if key in secrets else value for key, value in props.items()})
    return struct


def sdk_props(props: Mapping[str, Any], secrets: Collection[str] = ()) -> Any:
    """``args.props`` as a validate function receives it in ``Analyze``."""
    deserialize = getattr(sdk_policy, secret_tracking.SDK_FUNCTION)
    return unknown_checking_proxy(deserialize(json_format.MessageToDict(wire_struct(props, secrets))))


def options(additional_secret_outputs: Sequence[str] = ()) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect=False, ignore_changes=[], delete_before_replace=None, aliases=[],
                                 custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
                                 additional_secret_outputs=list(additional_secret_outputs))


def _assert_no_key_shown(messages: Sequence[str], *keys: object) -> None:
    for message in messages:
        assert SHARED_KEY not in message
        for key in keys:
            if isinstance(key, str) and len(key) >= 6:
                assert key not in message, "a shared key appeared in a violation message"


def violations(policy_name: str, resource_type: str, props: Mapping[str, Any], *, name: str = "vnet1-to-site6",
               secrets: Collection[str] = (), config: Mapping[str, Any] | None = None,
               additional_secret_outputs: Sequence[str] = ()) -> list[str]:
    """The messages one resource policy reports for one resource."""
    policy = POLICIES_BY_NAME[policy_name]
    assert isinstance(policy, ResourceValidationPolicy)
    args = ResourceValidationArgs(resource_type, sdk_props(props, secrets), urn(resource_type, name), name,
                                  options(additional_secret_outputs), None, config)
    messages: list[str] = []
    result = policy.validate(args, lambda message, urn=None: messages.append(message))
    assert result is None
    _assert_no_key_shown(messages, props.get("sharedKey"))
    return messages


@dataclass
class StackEntry:
    """One resource of a stack under test; ``depends`` maps an input to the names it came from."""

    type: str
    name: str
    props: dict[str, Any]
    secrets: Collection[str] = ()
    depends: dict[str, list[str]] = field(default_factory=dict)


def stack_violations(policy_name: str, entries: Sequence[StackEntry],
                     config: Mapping[str, Any] | None = None) -> list[tuple[str, str | None]]:
    """(message, urn) pairs one stack policy reports."""
    policy = POLICIES_BY_NAME[policy_name]
    assert isinstance(policy, StackValidationPolicy)
    by_name = {entry.name: PolicyResource(entry.type, sdk_props(entry.props, entry.secrets),
                                          urn(entry.type, entry.name), entry.name, options(), None, None, [], {})
               for entry in entries}
    for entry in entries:
        resource = by_name[entry.name]
        for prop, names in entry.depends.items():
            resource.property_dependencies[prop] = [by_name[n] for n in names]
            resource.dependencies.extend(by_name[n] for n in names)
    reported: list[tuple[str, str | None]] = []
    result = policy.validate(StackValidationArgs(list(by_name.values()), config),
                             lambda message, urn=None: reported.append((message, urn)))
    assert result is None
    _assert_no_key_shown([m for m, _ in reported], *(e.props.get("sharedKey") for e in entries))
    return reported
