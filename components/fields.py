"""How a component's argument names are shown in messages.

A component names its own arguments (``address_space[1]``); the stack config names the same
value by its key path (``gateways.VNet1GW.addressSpace[1]``). Rules take the rendered path,
so one check serves both and its message points at what the user actually wrote.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

FieldNamer = Callable[[str], str]


def to_camel(name: str) -> str:
    """``address_space`` -> ``addressSpace``; a path's other parts are left alone."""
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def as_argument(field: str) -> str:
    return field


def under_config(prefix: str, renames: Mapping[str, str] | None = None) -> FieldNamer:
    """Field names as config keys under ``prefix`` (``sites.Site6``): camelCase, with the
    few keys the config spells differently (``ipsec_policy`` is ``policy``) renamed."""
    table = dict(renames or {})

    def name(field: str) -> str:
        head, dot, rest = field.partition(".")
        key = table.get(head, to_camel(head))
        return f"{prefix}.{key}{dot}{rest}"
    return name
