"""The pack's rules: metadata (id, what, why, default level) and the pulumi-policy objects.

Each rule's check is a pure function in ``connection_rules``, ``allow_list``,
``gateway_rules`` or ``stack_rules`` over plain ``Resource`` values; the validate callbacks
here only adapt the SDK's arguments to it and report each ``Violation``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceRemediation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import Policy

from vpn_policies import allow_list, connection_rules, gateway_rules, secret_tracking, stack_rules
from vpn_policies.engine_props import (
    CONNECTION_TYPE,
    GATEWAY_TYPE,
    PUBLIC_IP_TYPE,
    Resource,
    as_resource,
    is_unknown_sentinel,
)
from vpn_policies.violations import Violation

PACK_NAME: Final = "azure-ipsec-vpn-policies"
PACK_DESCRIPTION: Final = ("Azure VPN Gateway connections with custom IPsec/IKE policies: Azure's rules, "
                           "RFC 8247/8221 crypto strength, secret shared keys, current gateway SKUs.")
STACK: Final = "stack"

_AZURE_POLICY_DOC: Final = "https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-ipsecikepolicy-rm-powershell"
_RFC8247: Final = "https://www.rfc-editor.org/rfc/rfc8247"
_BUILT_IN: Final = ("https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/"
                    "Network/VPNGateways_CustomIpSecPolicies_Audit.json")
_SKUS_DOC: Final = "https://learn.microsoft.com/azure/vpn-gateway/about-gateway-skus"
_PULUMI_SECRETS: Final = "https://www.pulumi.com/docs/iac/concepts/secrets/"

ResourceCheck = Callable[[Resource, Mapping[str, Any]], list[Violation]]
StackCheck = Callable[[Sequence[Resource]], list[Violation]]


@dataclass(frozen=True, slots=True)
class Rule:
    """What one policy of the pack checks, why, and how strictly by default."""

    name: str
    applies_to: str
    """A resource type, or ``"stack"`` for a rule over all resources."""
    what: str
    why: str
    level: EnforcementLevel
    severity: Severity
    fix: str
    url: str


def _rule(name: str, applies_to: str, what: str, why: str, level: EnforcementLevel, fix: str, url: str,
          severity: Severity = Severity.HIGH) -> Rule:
    return Rule(name, applies_to, what, why, level, severity, fix, url)


MANDATORY, ADVISORY = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY

RULES: Final[tuple[Rule, ...]] = (
    _rule("vpn-connection-ipsec-policy-valid", CONNECTION_TYPE,
          "A connection's custom IPsec/IKE policy is one Azure accepts.",
          "Azure rejects a partial policy, values outside the API enums, GCM IKE integrity, unpaired GCM "
          "IPsec encryption/integrity, SA lifetimes out of range, and more than one policy per connection.",
          MANDATORY, connection_rules.POLICY_FIX, _AZURE_POLICY_DOC),
    _rule("vpn-connection-crypto-forbidden", CONNECTION_TYPE,
          "A connection's policy uses no algorithm the IETF forbids (MUST NOT).",
          "RFC 8247 and RFC 8221 forbid DES, MD5 and DH group 1: they are broken.",
          MANDATORY, "use the suggested algorithm, on the Azure side and the peer device.", _RFC8247,
          Severity.CRITICAL),
    _rule("vpn-connection-crypto-weak", CONNECTION_TYPE,
          "A connection's policy avoids algorithms the IETF advises against.",
          "RFC 8247 and RFC 8221: SHOULD NOT (3DES, DH groups 2 and 24), MUST- (SHA1), no confidentiality "
          "(NULL encryption), no forward secrecy (no DH or PFS group).",
          ADVISORY, "use the suggested algorithm, on the Azure side and the peer device.", _RFC8247,
          Severity.MEDIUM),
    _rule("vpn-connection-algorithms-allowed", CONNECTION_TYPE,
          "A connection's policy uses only the algorithms the organisation allows (config).",
          f"The allow-lists of Azure Policy built-in {allow_list.BUILT_IN_ID}, checked before deployment; "
          "optionally, every IPsec/Vnet2Vnet connection must carry a custom policy.",
          MANDATORY, "use an allowed value, or change the allow-list in the pack config.", _BUILT_IN,
          Severity.MEDIUM),
    _rule("vpn-connection-settings-valid", CONNECTION_TYPE,
          "A connection's DPD timeout, protocol, mode and NAT settings are ones Azure accepts.",
          "Azure's DPD timeout range is 9-3600 s; NAT rules cannot be combined with policy-based traffic "
          "selectors.", MANDATORY, connection_rules.SETTINGS_FIX, _AZURE_POLICY_DOC),
    _rule("vpn-connection-shared-key", CONNECTION_TYPE,
          "An IPsec or Vnet2Vnet connection has a pre-shared key of 1-128 printable ASCII characters.",
          "Without a key Azure generates one you must copy to the peer by hand; Azure rejects other keys.",
          MANDATORY, connection_rules.SHARED_KEY_FIX, _AZURE_POLICY_DOC),
    _rule("vpn-connection-shared-key-secret", CONNECTION_TYPE,
          "A connection's shared key is a Pulumi secret.",
          "azure-native does not mark sharedKey secret, so a plain key lands in the state file and in "
          "preview output in clear text.", MANDATORY, connection_rules.SECRET_FIX, _PULUMI_SECRETS),
    _rule("vpn-gateway-sku-current", GATEWAY_TYPE,
          "A VPN gateway uses a current SKU: not Basic, not legacy, not non-AZ.",
          "Basic supports no custom IPsec/IKE policy; Standard/HighPerformance are migrated in 2026; non-AZ "
          "VpnGw1-5 cannot be created since 2025-01-01.", MANDATORY, gateway_rules.GATEWAY_FIX, _SKUS_DOC),
    _rule("vpn-public-ip-standard-static", PUBLIC_IP_TYPE,
          "A public IP address is Standard SKU with static allocation.",
          "Basic public IPs were retired on 2025-09-30; VPN gateways need a Standard, static IP since 2023-12.",
          MANDATORY, gateway_rules.PUBLIC_IP_FIX, _SKUS_DOC),
    _rule("vpn-gateway-supports-custom-policy", STACK,
          "A connection with a custom policy is on a route-based gateway that is not Basic.",
          "Custom IPsec/IKE policies work on route-based gateways only, never on Basic (seed, Part 5).",
          MANDATORY, stack_rules.CAPABLE_GATEWAY_FIX, _AZURE_POLICY_DOC),
    _rule("vpn-vnet2vnet-pair-consistent", STACK,
          "Both connections of a VNet-to-VNet link carry the same policy and shared key.",
          "Otherwise the tunnel does not establish (seed, Part 4).",
          MANDATORY, stack_rules.PAIR_FIX, _AZURE_POLICY_DOC),
    _rule("vpn-gateway-tunnel-limit", STACK,
          "A gateway carries no more S2S/VNet-to-VNet connections than its SKU allows.",
          "Tunnels per SKU: Basic 10, VpnGw1-3(AZ) 30, VpnGw4-5(AZ) 100.",
          MANDATORY, "use a larger SKU or spread the connections over gateways.", _SKUS_DOC),
)
RULES_BY_NAME: Final = {rule.name: rule for rule in RULES}


# --- adapting the SDK's arguments ----------------------------------------------------------

def resource_of(args: ResourceValidationArgs) -> Resource:
    secret_outputs = getattr(args.opts, "additional_secret_outputs", None) or ()
    return as_resource(args.resource_type, args.name, args.urn, args.props,
                       additional_secret_outputs=secret_outputs)


def stack_resource_of(resource: PolicyResource) -> Resource:
    secret_outputs = getattr(resource.opts, "additional_secret_outputs", None) or ()
    return as_resource(resource.resource_type, resource.name, resource.urn, resource.props,
                       {prop: [dependency.urn for dependency in dependencies]
                        for prop, dependencies in resource.property_dependencies.items()},
                       secret_outputs)


def _resource_policy(rule: Rule, check: ResourceCheck, config_schema: PolicyConfigSchema | None = None,
                     remediate: ResourceRemediation | None = None) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type != rule.applies_to:
            return
        for violation in check(resource_of(args), args.get_config()):
            report_violation(violation.message(), None)

    return ResourceValidationPolicy(
        name=rule.name, description=rule.what, validate=validate, enforcement_level=rule.level,
        config_schema=config_schema, remediate=remediate, severity=rule.severity,
        remediation_steps=rule.fix, url=rule.url)


def _stack_policy(rule: Rule, check: StackCheck) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        for violation in check([stack_resource_of(resource) for resource in args.resources]):
            report_violation(violation.message(), violation.urn)

    return StackValidationPolicy(
        name=rule.name, description=rule.what, validate=validate, enforcement_level=rule.level,
        severity=rule.severity, remediation_steps=rule.fix, url=rule.url)


# --- the shared key secret: detection needs secret_tracking, and it can remediate ------------

TRACKING_OFF_REASON: Final = ("cannot tell whether sharedKey is a secret: pulumi-policy unwraps secrets before "
                              "validation and vpn_policies.install_secret_tracking() was not called.")


def _validate_shared_key_secret(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    if args.resource_type != CONNECTION_TYPE:
        return
    if not secret_tracking.active():
        args.not_applicable(TRACKING_OFF_REASON)
        return
    for violation in connection_rules.shared_key_secret_violations(resource_of(args)):
        report_violation(violation.message(), None)


def mark_shared_key_secret(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
    """Remediation (enforcementLevel "remediate"): wrap a plain sharedKey as a ``Secret``, so the
    engine encrypts it. In Remediate the SDK hands over a secrets-preserving proxy: setting a
    key on it and returning it is how the SDK expects a remediation to change one property."""
    if args.resource_type != CONNECTION_TYPE or not secret_tracking.active() or "sharedKey" not in args.props:
        return None
    key = args.props["sharedKey"]
    if not isinstance(key, str) or is_unknown_sentinel(key) or secret_tracking.is_secret(key):
        return None
    props = cast(Any, args.props)
    props["sharedKey"] = Secret(str(key))
    return cast(Mapping[str, Any], props)


def _shared_key_secret_policy(rule: Rule) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        name=rule.name, description=rule.what, validate=_validate_shared_key_secret,
        remediate=cast(ResourceRemediation, mark_shared_key_secret), enforcement_level=rule.level,
        severity=rule.severity, remediation_steps=rule.fix, url=rule.url)


def _without_config(check: Callable[[Resource], list[Violation]]) -> ResourceCheck:
    return lambda resource, _config: check(resource)


def _allowed_algorithms(resource: Resource, config: Mapping[str, Any]) -> list[Violation]:
    return allow_list.allow_list_violations(resource, allow_list.AllowList.from_config(config))


def build_policies() -> list[Policy]:
    rule = RULES_BY_NAME
    return [
        _resource_policy(rule["vpn-connection-ipsec-policy-valid"],
                         _without_config(connection_rules.ipsec_policy_violations)),
        _resource_policy(rule["vpn-connection-crypto-forbidden"],
                         _without_config(lambda r: connection_rules.crypto_violations(r, "forbidden"))),
        _resource_policy(rule["vpn-connection-crypto-weak"],
                         _without_config(lambda r: connection_rules.crypto_violations(r, "weak"))),
        _resource_policy(rule["vpn-connection-algorithms-allowed"], _allowed_algorithms,
                         config_schema=allow_list.config_schema()),
        _resource_policy(rule["vpn-connection-settings-valid"],
                         _without_config(connection_rules.settings_violations)),
        _resource_policy(rule["vpn-connection-shared-key"], _without_config(connection_rules.shared_key_violations)),
        _shared_key_secret_policy(rule["vpn-connection-shared-key-secret"]),
        _resource_policy(rule["vpn-gateway-sku-current"], _without_config(gateway_rules.gateway_sku_violations)),
        _resource_policy(rule["vpn-public-ip-standard-static"], _without_config(gateway_rules.public_ip_violations)),
        _stack_policy(rule["vpn-gateway-supports-custom-policy"], stack_rules.capable_gateway_violations),
        _stack_policy(rule["vpn-vnet2vnet-pair-consistent"], stack_rules.vnet2vnet_pair_violations),
        _stack_policy(rule["vpn-gateway-tunnel-limit"], stack_rules.tunnel_limit_violations),
    ]


POLICIES: Final[list[Policy]] = build_policies()
POLICIES_BY_NAME: Final[dict[str, Policy]] = {policy.name: policy for policy in POLICIES}
