"""What one change to the config touches: the registered resources that differ between two plans.

Resources are matched by URN, as the engine matches them against state: a resource whose URN
is in both plans and whose inputs (or secret markings, or options) differ is an update or a
replacement; a URN in one plan only is a create or a delete. Anything else the engine leaves
alone. Values unknown during preview compare equal, so give the plan known values (explicit
shared keys rather than generated ones) where the change is in such a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from azvpn.engine import PlannedResource, PlanResult

ChangeKind = Literal["create", "delete", "update"]


@dataclass(frozen=True, slots=True)
class Change:
    urn: str
    type: str
    name: str
    kind: ChangeKind
    fields: tuple[str, ...]
    """Top-level inputs (or options, as ``options.protect``) that differ; empty for create/delete."""


def _changed_fields(before: PlannedResource, after: PlannedResource) -> tuple[str, ...]:
    fields = {key for key in before.inputs.keys() | after.inputs.keys()
              if before.inputs.get(key) != after.inputs.get(key)}
    # A value that stays the same but stops (or starts) being secret is a change of state too.
    for path in before.secret_paths ^ after.secret_paths:
        fields.add(path.split(".", 1)[0].split("[", 1)[0])
    options: Mapping[str, tuple[Any, Any]] = {
        "protect": (before.protect, after.protect),
        "custom_timeouts": (before.custom_timeouts, after.custom_timeouts),
        "additional_secret_outputs": (before.additional_secret_outputs, after.additional_secret_outputs),
        "parent": (before.parent, after.parent),
    }
    fields.update(f"options.{name}" for name, (a, b) in options.items() if a != b)
    return tuple(sorted(fields))


def blast_radius(before: PlanResult, after: PlanResult) -> list[Change]:
    """Every resource the engine would create, delete or update going from ``before`` to ``after``."""
    old = {r.urn: r for r in before.resources}
    new = {r.urn: r for r in after.resources}
    changes = [Change(urn, new[urn].type, new[urn].name, "create", ()) for urn in new.keys() - old.keys()]
    changes += [Change(urn, old[urn].type, old[urn].name, "delete", ()) for urn in old.keys() - new.keys()]
    for urn in old.keys() & new.keys():
        fields = _changed_fields(old[urn], new[urn])
        if fields:
            changes.append(Change(urn, new[urn].type, new[urn].name, "update", fields))
    return sorted(changes, key=lambda c: (c.type, c.name))
