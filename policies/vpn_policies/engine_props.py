"""Resource properties as the Pulumi engine hands them to a policy pack, made plain.

What arrives (pulumi-policy 1.21, ``_PolicyAnalyzerServicer.Analyze``): the provider's
camelCase input names, numbers as floats (they travel as a protobuf ``Struct``, so
``27000`` arrives as ``27000.0``), and, during preview, values that are not known yet,
which the SDK's proxy turns into ``UnknownValueError`` on access. A rule that let that
error escape would be skipped whole with an advisory "can't run policy during preview"; so
every rule reads ``plain(props)`` instead, where unknowns are the ``UNKNOWN`` marker and
only the checks that need them are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from pulumi_policy import proxy as sdk_proxy
from pulumi_policy.proxy import UnknownValueError

from components import resource_types

CONNECTION_TYPE: Final = resource_types.CONNECTION
GATEWAY_TYPE: Final = resource_types.VPN_GATEWAY
PUBLIC_IP_TYPE: Final = resource_types.PUBLIC_IP

# The sentinels the engine uses for "known after apply" (pulumi_policy/proxy.py). A plain
# dict (tests, or a caller that skipped the SDK proxy) carries them as bare strings.
_UNKNOWN_SENTINELS: Final = frozenset({
    sdk_proxy.UNKNOWN_BOOLEAN_VALUE,
    sdk_proxy.UNKNOWN_NUMBER_VALUE,
    sdk_proxy.UNKNOWN_STRING_VALUE,
    sdk_proxy.UNKNOWN_ARRAY_VALUE,
    sdk_proxy.UNKNOWN_ASSET_VALUE,
    sdk_proxy.UNKNOWN_ARCHIVE_VALUE,
    sdk_proxy.UNKNOWN_OBJECT_VALUE,
})


class Unknown:
    """A value the engine does not know yet (an output of a resource still to be created)."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<unknown until the update runs>"


UNKNOWN: Final = Unknown()


def is_unknown_sentinel(value: object) -> bool:
    return isinstance(value, str) and value in _UNKNOWN_SENTINELS


def _number(value: float) -> int | float:
    """``27000.0`` is the integer 27000 that was sent; ``27000.5`` stays a float so the
    integer rules can say so."""
    if math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def plain(value: object) -> object:
    """Plain dicts, lists and scalars from the SDK's proxies, with ``UNKNOWN`` for unknowns.

    Strings are returned as the same object, so a ``SecretStr`` keeps its secret mark.
    """
    if is_unknown_sentinel(value):
        return UNKNOWN
    if isinstance(value, Mapping):
        result: dict[str, object] = {}
        for key in value:
            try:
                item = value[key]
            except UnknownValueError:
                result[str(key)] = UNKNOWN
                continue
            result[str(key)] = plain(item)
        return result
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        items: list[object] = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index]))
            except UnknownValueError:
                items.append(UNKNOWN)
        return items
    if isinstance(value, float):
        return _number(value)
    return value


def contains_unknown(value: object) -> bool:
    if value is UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return False


def lookup(props: Mapping[str, object], *path: str) -> object:
    """``props[a][b]...``; ``None`` when a step is missing, ``UNKNOWN`` when one is unknown."""
    current: object = props
    for key in path:
        if current is UNKNOWN:
            return UNKNOWN
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current


def short_type(resource_type: str) -> str:
    """``azure-native:network:PublicIPAddress`` -> ``PublicIPAddress``."""
    return resource_type.rsplit(":", 1)[-1]


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource as the rules see it: plain props, plus what the SDK tells besides props."""

    type: str
    name: str
    urn: str
    props: Mapping[str, object]
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Top-level input name -> URNs of the resources its value came from."""
    additional_secret_outputs: Sequence[str] = ()

    @property
    def subject(self) -> str:
        """How a message names the resource: ``VirtualNetworkGatewayConnection 'vnet1-to-site6'``."""
        return f"{short_type(self.type)} {self.name!r}"


def as_resource(resource_type: str, name: str, urn: str, props: Mapping[str, object],
                property_dependencies: Mapping[str, Iterable[str]] | None = None,
                additional_secret_outputs: Iterable[str] = ()) -> Resource:
    plain_props = plain(props)
    assert isinstance(plain_props, dict)
    return Resource(
        type=resource_type, name=name, urn=urn, props=plain_props,
        property_dependencies={k: tuple(v) for k, v in (property_dependencies or {}).items()},
        additional_secret_outputs=tuple(additional_secret_outputs),
    )
