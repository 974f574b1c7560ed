"""Rules on one ``VirtualNetworkGatewayConnection``, read as the engine sends it (camelCase).

Every check about the policy itself is ``components.IpsecPolicy.from_mapping`` (which runs
``components.rules.ipsec_policy_rules``) and ``IpsecPolicy.assess()``; every connection
setting check is ``components.rules.network_rules``. This module only finds the values in
the engine's props and words the result for a violation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from components.ipsec_policy import IpsecPolicy, PolicyError
from components.rules import network_rules
from components.rules.ipsec_policy_rules import ARM_NAMES
from components.rules.problems import Problem
from components.rules.strength import Severity
from vpn_policies.engine_props import UNKNOWN, Resource, contains_unknown
from vpn_policies.secret_tracking import is_secret
from vpn_policies.violations import Violation, from_finding, from_problem

POLICY_FIX: Final = ("give the field a value Azure accepts (see 'allowed'); building the policy with "
                     "components.IpsecPolicy checks the same rules before any preview.")
SETTINGS_FIX: Final = "change the field to a value in 'allowed'."
_SETTINGS_FIXES: Final = {
    "connection.nat-with-policy-based-selectors": ("remove the NAT rules from this connection, or set "
                                                    "usePolicyBasedTrafficSelectors to false."),
    "connection.policy-based-needs-policy": ("add a custom policy to ipsecPolicies (the device must match it), "
                                             "or set usePolicyBasedTrafficSelectors to false."),
}
SHARED_KEY_FIX: Final = ("set sharedKey to 1-128 printable ASCII characters, as a Pulumi secret "
                         "(for example random.RandomPassword(...).result).")
SECRET_FIX: Final = ("pass the key as a secret: pulumi.Output.secret(key), pulumi.Config().require_secret(...) "
                     "after `pulumi config set --secret`, or random.RandomPassword(...).result; or set this "
                     "policy's enforcementLevel to 'remediate' to have the pack mark it secret.")


@dataclass(frozen=True, slots=True)
class ConnectionPolicy:
    """One valid ``ipsecPolicies`` entry and where it is."""

    path: str
    policy: IpsecPolicy


def read_policies(resource: Resource) -> tuple[list[ConnectionPolicy], list[Problem]]:
    """The valid policies of a connection, and the problems of the others.

    An entry holding a value not known yet (preview) is neither: it is checked when the
    update runs with the value known.
    """
    entries = resource.props.get("ipsecPolicies")
    if entries is None or entries is UNKNOWN:
        return [], []
    if not isinstance(entries, list):
        return [], [Problem("pack.ipsec-policies-list", "ipsecPolicies", entries, "a list of policies",
                            "the API takes ipsecPolicies as an array of IpsecPolicy objects.")]
    valid: list[ConnectionPolicy] = []
    problems: list[Problem] = []
    if len(entries) > 1:
        problems.append(Problem(
            "pack.one-policy-per-connection", "ipsecPolicies", len(entries), "at most 1 policy",
            "Azure applies one custom IPsec/IKE policy combination per connection (Azure docs, "
            "'About cryptographic requirements and Azure VPN gateways'; REFERENCE.md)."))
    for index, entry in enumerate(entries):
        path = f"ipsecPolicies[{index}]"
        if contains_unknown(entry):
            continue
        if not isinstance(entry, dict):
            problems.append(Problem("pack.ipsec-policy-object", path, entry, "an IpsecPolicy object",
                                    "each ipsecPolicies entry is an object with the eight policy fields."))
            continue
        try:
            valid.append(ConnectionPolicy(path, IpsecPolicy.from_mapping(entry, path=path)))
        except PolicyError as error:
            problems += error.problems
    return valid, problems


def ipsec_policy_violations(resource: Resource) -> list[Violation]:
    """Policies Azure would reject: the shared rule module, via ``IpsecPolicy.from_mapping``."""
    _, problems = read_policies(resource)
    return [from_problem(resource, problem, POLICY_FIX) for problem in problems]


def crypto_violations(resource: Resource, severity: Severity) -> list[Violation]:
    """``IpsecPolicy.assess()`` findings (RFC 8247/8221) of one severity."""
    policies, _ = read_policies(resource)
    return [from_finding(resource, f"{entry.path}.{ARM_NAMES[finding.field]}", finding)
            for entry in policies for finding in entry.policy.assess() if finding.severity == severity]


def _count(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def settings_violations(resource: Resource) -> list[Violation]:
    """Connection settings Azure rejects: DPD timeout range, protocol and mode values, NAT
    rules together with policy-based traffic selectors."""
    props = resource.props
    problems: list[Problem] = []
    dpd = props.get("dpdTimeoutSeconds")
    if dpd is not None and dpd is not UNKNOWN:
        problems += network_rules.dpd_timeout_range("dpdTimeoutSeconds", dpd)
    protocol = props.get("connectionProtocol")
    if protocol is not None and protocol is not UNKNOWN:
        problems += network_rules.connection_protocol_allowed("connectionProtocol", protocol)
    mode = props.get("connectionMode")
    if mode is not None and mode is not UNKNOWN:
        problems += network_rules.connection_mode_allowed("connectionMode", mode)
    policy_based = props.get("usePolicyBasedTrafficSelectors")
    ingress, egress = props.get("ingressNatRules"), props.get("egressNatRules")
    if policy_based is True and UNKNOWN not in (ingress, egress):
        problems += network_rules.nat_rules_without_policy_based_selectors(
            "ingressNatRules + egressNatRules", _count(ingress) + _count(egress), True)
    policies = props.get("ipsecPolicies")
    if policy_based is True and policies is not UNKNOWN:
        problems += network_rules.policy_based_selectors_need_policy(
            "usePolicyBasedTrafficSelectors", True, bool(policies))
    return [from_problem(resource, problem, _SETTINGS_FIXES.get(problem.rule, SETTINGS_FIX)) for problem in problems]


def shared_key_violations(resource: Resource) -> list[Violation]:
    """An IPsec or Vnet2Vnet connection has a key, and the key is one Azure accepts."""
    props = resource.props
    connection_type, key = props.get("connectionType"), props.get("sharedKey")
    problems: list[Problem] = []
    if connection_type is not UNKNOWN:
        problems += network_rules.shared_key_present("sharedKey", connection_type, key is not None)
    if isinstance(key, str):
        problems += network_rules.shared_key_format("sharedKey", key)
    return [from_problem(resource, problem, SHARED_KEY_FIX) for problem in problems]


def shared_key_secret_violations(resource: Resource) -> list[Violation]:
    """A known shared key that did not arrive as a secret (needs ``secret_tracking.active()``)."""
    key = resource.props.get("sharedKey")
    if not isinstance(key, str) or is_secret(key):
        return []
    why = ("the azure-native SDK does not mark sharedKey secret (only the ARM spec's x-ms-secret "
           "does), so a plain key is stored unencrypted in the stack state and shown in preview diffs.")
    if "sharedKey" in resource.additional_secret_outputs:
        why += (" additionalSecretOutputs=['sharedKey'] encrypts the output only; the plain input is "
                "still stored and shown (pulumi/pulumi#9581).")
    detail = f"sharedKey: given in plain text (value not shown); allowed: a Pulumi secret. Why: {why}"
    return [Violation(resource.subject, detail, SECRET_FIX)]
