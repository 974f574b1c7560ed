"""Do two plans register the same custom resources with the same inputs?

The plan-time comparison is only meaningful if the component program and the raw program ask
the engine for the same thing. Resources are matched by (type, logical name), not by URN: a
URN encodes the parent chain (``VpnSite$PolicyConnection$...``), which is exactly what differs.
Component resources and parents are left out; everything the engine acts on is compared:
inputs, which inputs are secret, dependencies, options.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azvpn.engine import PlanResult

ResourceKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class CustomView:
    """One custom resource as the engine acts on it, with URNs replaced by (type, name)."""

    inputs: Mapping[str, Any]
    secret_paths: frozenset[str]
    dependencies: frozenset[ResourceKey]
    property_dependencies: Mapping[str, frozenset[ResourceKey]]
    custom_timeouts: Mapping[str, str]
    protect: bool
    additional_secret_outputs: frozenset[str]


def custom_views(plan: PlanResult) -> dict[ResourceKey, CustomView]:
    """Every custom resource of ``plan`` keyed by (type, logical name)."""
    keys = {r.urn: (r.type, r.name) for r in plan.resources}
    custom = {r.urn for r in plan.resources if r.custom}

    def named(urns: tuple[str, ...]) -> frozenset[ResourceKey]:
        # Component URNs (if the SDK ever lists one) are structure, not a real dependency.
        return frozenset(keys[u] for u in urns if u in custom)

    views: dict[ResourceKey, CustomView] = {}
    for r in plan.resources:
        if not r.custom:
            continue
        key = (r.type, r.name)
        if key in views:
            raise ValueError(f"two custom resources named {key}: logical names must be unique per type")
        views[key] = CustomView(
            inputs=r.inputs, secret_paths=r.secret_paths, dependencies=named(r.dependencies),
            # Inputs without dependencies are listed by some SDK paths and not others: compare
            # the dependencies that exist, not the empty entries.
            property_dependencies={k: named(v) for k, v in r.property_dependencies.items() if named(v)},
            custom_timeouts=r.custom_timeouts, protect=r.protect,
            additional_secret_outputs=frozenset(r.additional_secret_outputs))
    return views


def differences(left: Mapping[ResourceKey, CustomView], right: Mapping[ResourceKey, CustomView],
                *, left_label: str = "components", right_label: str = "raw") -> list[str]:
    """Human-readable differences between two sets of views; empty when they match."""
    found: list[str] = []
    for key in sorted(left.keys() - right.keys()):
        found.append(f"{key[0]} {key[1]!r}: only in {left_label}")
    for key in sorted(right.keys() - left.keys()):
        found.append(f"{key[0]} {key[1]!r}: only in {right_label}")
    for key in sorted(left.keys() & right.keys()):
        a, b = left[key], right[key]
        for field in CustomView.__slots__:
            va, vb = getattr(a, field), getattr(b, field)
            if va != vb:
                found.append(f"{key[0]} {key[1]!r}: {field} differs: {left_label}={va!r} {right_label}={vb!r}")
    return found


def assert_same_resources(components: PlanResult, raw: PlanResult) -> int:
    """Raise ``AssertionError`` listing every difference; return the number of custom resources."""
    left, right = custom_views(components), custom_views(raw)
    found = differences(left, right)
    if found:
        raise AssertionError("the two programs do not register the same resources:\n  " + "\n  ".join(found))
    return len(left)
