"""Tell, inside a validate function, whether a property reached the pack as a Pulumi secret.

How the engine sends secrets: the analyzer plugin marshals a resource's properties with
``KeepSecrets: true`` (pulumi/pulumi ``sdk/go/common/resource/plugin/analyzer_plugin.go``,
``Analyze``, ``AnalyzeStack`` and ``Remediate``), so a secret crosses the wire as the
signature object ``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
"value": <plain value>}`` (constants ``SPECIAL_SIG_KEY``/``SPECIAL_SECRET_SIG`` in
``pulumi_policy/deserialize.py``).

What pulumi-policy 1.21 does with it: ``Analyze`` and ``AnalyzeStack`` call
``deserialize_properties(MessageToDict(request.properties))`` with ``proxy_secrets=False``,
which replaces the signature object by its plain value. The mark is gone before any
validate function runs, and nothing else in ``ResourceValidationArgs`` carries it. Only
``Remediate`` deserializes with ``proxy_secrets=True`` (values wrapped in ``Secret``).

What this module does: ``install()`` wraps that one module-level function,
``pulumi_policy.policy.deserialize_properties``, which every Analyze, AnalyzeStack and
Remediate call looks up at call time. Before delegating to the SDK's own code it re-types
every string found under a secret signature as ``SecretStr``, a ``str`` subclass. The SDK
then deserializes as before (a ``str`` is returned as the same object), so every rule sees
the same equal string and ``is_secret()`` can tell. Nothing else changes: no keys added,
unknown detection intact (``SecretStr`` compares equal to the unknown sentinels).

It depends on one SDK detail (the function's name and module); ``active()`` reports whether
the wrapper is in place, and the shared-key rule declares itself not applicable rather than
guess when it is not. ``tests/policies/test_secret_tracking.py`` drives the SDK's real
Analyze/AnalyzeStack/Remediate with protobuf requests to pin the behaviour.
"""

from __future__ import annotations

from typing import Any, Final, Protocol

from pulumi_policy import deserialize as sdk_deserialize
from pulumi_policy import policy as sdk_policy

#: The one SDK detail this relies on: Analyze, AnalyzeStack and Remediate look this name up
#: in ``pulumi_policy.policy`` at call time (pulumi-policy 1.21, policy.py).
SDK_FUNCTION: Final = "deserialize_properties"
SIG_KEY: Final = sdk_deserialize.SPECIAL_SIG_KEY
SECRET_SIG: Final = sdk_deserialize.SPECIAL_SECRET_SIG


class SecretStr(str):
    """A string that arrived as a Pulumi secret. ``repr`` hides it, so a rule that shows a
    value with ``!r`` (as ``Problem.message()`` does) cannot print it by accident."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<secret>'"


def is_secret(value: object) -> bool:
    return isinstance(value, SecretStr)


def mark_secret_strings(prop: object, inside_secret: bool = False) -> object:
    """A copy of a wire-format property tree (``MessageToDict`` output) in which every string
    under a secret signature is a ``SecretStr``; the signature objects themselves are kept."""
    if isinstance(prop, str):
        return SecretStr(prop) if inside_secret and not isinstance(prop, SecretStr) else prop
    if isinstance(prop, list):
        return [mark_secret_strings(item, inside_secret) for item in prop]
    if isinstance(prop, dict):
        if prop.get(SIG_KEY) == SECRET_SIG and "value" in prop:
            return {**prop, "value": mark_secret_strings(prop["value"], True)}
        return {key: mark_secret_strings(value, inside_secret) for key, value in prop.items()}
    return prop


class _Deserialize(Protocol):
    def __call__(self, props: dict[str, Any], proxy_secrets: bool = False) -> Any: ...


class _SecretMarkingDeserializer:
    """Stands in for ``pulumi_policy.policy.deserialize_properties``."""

    def __init__(self, original: _Deserialize) -> None:
        self.original = original

    def __call__(self, props: dict[str, Any], proxy_secrets: bool = False) -> Any:
        marked = mark_secret_strings(props)
        assert isinstance(marked, dict)
        return self.original(marked, proxy_secrets)


def install() -> bool:
    """Put the secret-marking wrapper in place (idempotent); ``False`` if the SDK has no
    ``deserialize_properties`` to wrap (then ``active()`` stays ``False``)."""
    current = getattr(sdk_policy, SDK_FUNCTION, None)
    if isinstance(current, _SecretMarkingDeserializer):
        return True
    if not callable(current):
        return False
    setattr(sdk_policy, SDK_FUNCTION, _SecretMarkingDeserializer(current))
    return True


def uninstall() -> None:
    """Restore the SDK's own function (tests use it to show the rule's fallback)."""
    current = getattr(sdk_policy, SDK_FUNCTION, None)
    if isinstance(current, _SecretMarkingDeserializer):
        setattr(sdk_policy, SDK_FUNCTION, current.original)


def active() -> bool:
    return isinstance(getattr(sdk_policy, SDK_FUNCTION, None), _SecretMarkingDeserializer)

