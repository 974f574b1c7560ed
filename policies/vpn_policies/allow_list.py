"""Organisation allow-lists, configured with the parameters of Azure Policy's built-in
definition 50b83b09-03da-41c1-b656-c293c914862b, "A custom IPsec/IKE policy must be applied
to all Azure virtual network gateway connections" (Azure/azure-policy,
``built-in-policies/policyDefinitions/Network/VPNGateways_CustomIpSecPolicies_Audit.json``).

The six array parameters keep the built-in's names, so one list of approved algorithms can
feed both the Azure Policy assignment and this pack. Two differences, both deliberate:
a parameter left out here restricts nothing (the built-in requires all six), and the
spellings of one Diffie-Hellman group count as one (``DHGroup14`` allows ``DHGroup2048``,
``PFS2048`` allows ``PFS14``, ``PFSMM`` counts as the main-mode group), because they
negotiate the same group (``components.dh_groups``). ``requireCustomPolicy`` adds the
built-in's other half: a connection without a custom policy is a violation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pulumi_policy import PolicyConfigSchema

from components import dh_groups
from components.rules import network_rules
from components.rules.ipsec_policy_rules import ARM_NAMES, sdk_values
from components.rules.problems import Problem
from vpn_policies.engine_props import UNKNOWN, Resource
from vpn_policies.violations import Violation, from_problem

BUILT_IN_ID: Final = "50b83b09-03da-41c1-b656-c293c914862b"
BUILT_IN_NAME: Final = "A custom IPsec/IKE policy must be applied to all Azure virtual network gateway connections"

#: Built-in parameter name -> policy field (snake_case, as in ``components``).
PARAMETERS: Final[Mapping[str, str]] = {
    "IKEEncryption": "ike_encryption",
    "IKEIntegrity": "ike_integrity",
    "DHGroup": "dh_group",
    "IPsecEncryption": "ipsec_encryption",
    "IPsecIntegrity": "ipsec_integrity",
    "PFSGroup": "pfs_group",
}
REQUIRE_CUSTOM_POLICY: Final = "requireCustomPolicy"

_GROUP_FIELDS: Final = frozenset({"dh_group", "pfs_group"})
_FIXES: Final = {
    "pack.allow-list": ("use a value from 'allowed' (and the same on the peer device), or change the "
                        "allow-list in the pack config."),
    "pack.custom-policy-required": ("add a custom policy to ipsecPolicies (components.IpsecPolicy, e.g. "
                                    "RECOMMENDED_POLICY), or set requireCustomPolicy to false in the pack config."),
}


def config_schema() -> PolicyConfigSchema:
    """JSON schema of this policy's config; ``enum`` lets the CLI reject a misspelt value."""
    properties: dict[str, dict[str, Any]] = {
        name: {
            "type": "array",
            "items": {"type": "string", "enum": list(sdk_values(field))},
            "uniqueItems": True,
            "description": f"Allowed {ARM_NAMES[field]} values (Azure Policy built-in {BUILT_IN_ID} "
                           f"parameter {name}). Leave out to allow every value.",
        }
        for name, field in PARAMETERS.items()
    }
    properties[REQUIRE_CUSTOM_POLICY] = {
        "type": "boolean",
        "default": False,
        "description": "Every IPsec and Vnet2Vnet connection must carry a custom IPsec/IKE policy.",
    }
    return PolicyConfigSchema(properties=properties)


@dataclass(frozen=True, slots=True)
class AllowList:
    allowed: Mapping[str, tuple[str, ...]]
    """Policy field -> allowed values, for the parameters that were configured."""
    require_custom_policy: bool = False

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> AllowList:
        """Read the policy's config; a malformed value is an error, not a silent pass."""
        allowed: dict[str, tuple[str, ...]] = {}
        for name, field in PARAMETERS.items():
            values = config.get(name)
            if values is None:
                continue
            if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
                raise ValueError(f"policy config {name}: expected a list of strings, got {values!r}")
            allowed[field] = tuple(values)
        require = config.get(REQUIRE_CUSTOM_POLICY, False)
        if not isinstance(require, bool):
            raise ValueError(f"policy config {REQUIRE_CUSTOM_POLICY}: expected true or false, got {require!r}")
        return cls(allowed=allowed, require_custom_policy=require)


def _group(name: str, main_mode: str | None) -> int | str | None:
    """The IANA group a DhGroup/PfsGroup value negotiates; the name itself if it has none."""
    try:
        return dh_groups.group_number(name, main_mode)
    except (KeyError, ValueError):
        return name


def is_allowed(field: str, value: str, allowed: tuple[str, ...], main_mode: str | None = None) -> bool:
    if value in allowed:
        return True
    if field not in _GROUP_FIELDS:
        return False
    group = _group(value, main_mode)
    return any(_group(name, main_mode) == group for name in allowed)


def allow_list_violations(resource: Resource, allow: AllowList) -> list[Violation]:
    problems: list[Problem] = []
    entries = resource.props.get("ipsecPolicies")
    connection_type = resource.props.get("connectionType")
    if (allow.require_custom_policy and connection_type in network_rules.CONNECTION_TYPES
            and entries is not UNKNOWN and not entries):
        problems.append(Problem(
            "pack.custom-policy-required", "ipsecPolicies", entries, "one custom IPsec/IKE policy",
            f"this pack's config sets {REQUIRE_CUSTOM_POLICY}: every {connection_type} connection "
            f"carries a custom policy, as Azure Policy built-in {BUILT_IN_ID} ('{BUILT_IN_NAME}') "
            "requires; without one Azure offers its default proposals, which include weak ones."))
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not isinstance(entry, dict):
            continue
        main_mode = entry.get("dhGroup")
        for name, field in PARAMETERS.items():
            value = entry.get(ARM_NAMES[field])
            if field not in allow.allowed or not isinstance(value, str):
                continue
            if is_allowed(field, value, allow.allowed[field], main_mode if isinstance(main_mode, str) else None):
                continue
            problems.append(Problem(
                "pack.allow-list", f"ipsecPolicies[{index}].{ARM_NAMES[field]}", value,
                f"{', '.join(allow.allowed[field]) or 'nothing'} (pack config {name})",
                f"the organisation's allow-list in this pack's config, parameter {name} of Azure "
                f"Policy built-in {BUILT_IN_ID} ('{BUILT_IN_NAME}')."))
    return [from_problem(resource, problem, _FIXES[problem.rule]) for problem in problems]
