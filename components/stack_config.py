"""The stack config schema (``Pulumi.<stack>.yaml``) and its translation into component args.

Structure is checked by pydantic (types, required keys, unknown keys); meaning by the same
rule functions the components run, with every message naming the config key path
(``sites.Site6.policy.ikeEncryption``). Everything is checked before anything is created:
``load_stack`` either returns a complete ``StackSpec`` or raises with every problem.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from components import skus
from components.fields import under_config
from components.ipsec_policy import IpsecPolicy, PolicyError
from components.policy_connection import ConnectionSettings, connection_problems
from components.rules import network_rules as rules
from components.rules.problems import Problem, RuleViolation, errors
from components.vpn_gateway import (
    ExistingGatewayArgs,
    GatewayFacts,
    VpnGatewayArgs,
    existing_gateway_problems,
    gateway_problems,
)
from components.vpn_site import site_problems

#: Top-level config keys (each ``<project>:<key>`` in Pulumi.<stack>.yaml).
CONFIG_KEYS: Final = ("policies", "gateways", "existingGateways", "sites", "pairs", "sharedKeys", "tags")
SECRET_KEY: Final = "sharedKeys"
_RENAMES: Final = {"ipsec_policy": "policy"}


class ConfigError(RuleViolation):
    """The stack config has problems; each names its key path."""


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, extra="forbid", strict=True, frozen=True)


class GatewayConfig(_Model):
    """``gateways.<name>``: a VPN gateway with its VNet and public IP (see ``VpnGatewayArgs``)."""

    address_space: list[str]
    subnets: dict[str, str]
    location: str | None = None
    resource_group_name: str | None = None
    create_resource_group: bool = True
    vnet_name: str | None = None
    gateway_name: str | None = None
    public_ip_name: str | None = None
    ip_configuration_name: str = "default"
    sku: str = skus.DEFAULT_SKU
    generation: str | None = None
    vpn_type: str = "RouteBased"
    public_ip_sku: str = skus.PUBLIC_IP_SKU
    public_ip_allocation: str = skus.PUBLIC_IP_ALLOCATION
    zones: list[str] = ["1", "2", "3"]
    enable_bgp: bool = False
    asn: int | None = None
    dns_servers: list[str] = []
    protect: bool = False


class ExistingGatewayConfig(_Model):
    """``existingGateways.<name>``: a gateway managed elsewhere (see ``ExistingGatewayArgs``)."""

    gateway_id: str
    sku: str
    address_space: list[str]
    location: str
    vpn_type: str = "RouteBased"
    public_ip_address: str = ""
    existing_connections: int = 0


class ConnectionConfig(_Model):
    """The connection keys shared by sites and pairs (see ``ConnectionSettings``)."""

    policy: str | dict[str, Any] | None = None
    use_policy_based_traffic_selectors: bool = False
    dpd_timeout_seconds: int = rules.DPD_TIMEOUT_DEFAULT
    connection_protocol: str = "IKEv2"
    connection_mode: str = "Default"
    enable_bgp: bool = False


class SiteConfig(ConnectionConfig):
    """``sites.<name>``: an on-premises site and its connection (see ``VpnSiteArgs``)."""

    gateway: str
    address_prefixes: list[str]
    gateway_ip_address: str | None = None
    fqdn: str | None = None
    bgp_asn: int | None = None
    bgp_peering_address: str | None = None
    local_network_gateway_name: str | None = None
    connection_name: str | None = None


class PairConfig(ConnectionConfig):
    """``pairs.<name>``: a VNet-to-VNet link between two gateways (see ``VNetPairArgs``)."""

    gateways: Annotated[list[str], Field(min_length=2, max_length=2)]
    # Keyed by the gateway a connection starts from, not by position: swapping `gateways`
    # must not swap (and so replace) the two connections.
    connection_names: dict[str, str] = {}


class StackConfig(_Model):
    policies: dict[str, dict[str, Any]] = {}
    gateways: dict[str, GatewayConfig] = {}
    existing_gateways: dict[str, ExistingGatewayConfig] = {}
    sites: dict[str, SiteConfig] = {}
    pairs: dict[str, PairConfig] = {}
    shared_keys: dict[str, str] = {}
    tags: dict[str, str] = {}


@dataclass(frozen=True)
class SiteSpec:
    name: str
    gateway: str
    config: SiteConfig
    settings: ConnectionSettings


@dataclass(frozen=True)
class PairSpec:
    name: str
    left: str
    right: str
    config: PairConfig
    settings: ConnectionSettings


@dataclass(frozen=True)
class StackSpec:
    """A fully checked stack: args for every component, in config order."""

    gateways: dict[str, VpnGatewayArgs] = field(default_factory=dict)
    existing_gateways: dict[str, ExistingGatewayArgs] = field(default_factory=dict)
    sites: dict[str, SiteSpec] = field(default_factory=dict)
    pairs: dict[str, PairSpec] = field(default_factory=dict)
    policies: dict[str, IpsecPolicy] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    shared_key_names: frozenset[str] = frozenset()
    tags: dict[str, str] = field(default_factory=dict)


def _loc_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in {"str", "dict[str,any]", "none"} or part.startswith(("tuple[", "list[", "dict[")):
            continue  # pydantic names the union branch it tried; the user never wrote it
        else:
            path += f".{part}" if path else part
    return path


def _schema_problems(error: ValidationError, raw: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for item in error.errors():
        path = _loc_path(item["loc"])
        if path in seen:
            continue  # a union reports once per branch; once per key is enough
        seen.add(path)
        secret = path.startswith(SECRET_KEY)
        kind = item["type"]
        if kind == "extra_forbidden":
            allowed, why = "the keys documented in README (Config reference)", "unknown key (a typo?)."
        elif kind == "missing":
            allowed, why = "a value", "this key is required."
        else:
            allowed, why = item["msg"], "wrong type for this key."
        problems.append(Problem("config.schema", path, None if secret else item.get("input"), allowed, why,
                                show_value=not secret and kind != "missing"))
    return problems


def _policy(ref: str | dict[str, Any] | None, path: str, named: Mapping[str, IpsecPolicy],
            problems: list[Problem], defined: set[str]) -> IpsecPolicy | None:
    if ref is None:
        return None
    if isinstance(ref, str):
        if ref in named:
            return named[ref]
        if ref not in defined:  # a broken definition was reported already
            problems.append(Problem("config.policy-ref", path, ref,
                                    ", ".join(sorted(defined)) or "a name under `policies`, or an inline policy",
                                    "a policy is named from the `policies` map or written inline."))
        return None
    try:
        return IpsecPolicy.from_mapping(ref, path=path)
    except PolicyError as error:
        problems.extend(error.problems)
        return None


def _settings(config: ConnectionConfig, policy: IpsecPolicy | None) -> ConnectionSettings:
    return ConnectionSettings(
        ipsec_policy=policy, use_policy_based_traffic_selectors=config.use_policy_based_traffic_selectors,
        dpd_timeout_seconds=config.dpd_timeout_seconds, connection_protocol=config.connection_protocol,
        connection_mode=config.connection_mode, enable_bgp=config.enable_bgp)


def load_stack(raw: Mapping[str, Any]) -> StackSpec:
    """Check a stack config (top-level keys -> values) and turn it into component args.

    Raises ``ConfigError`` with every problem found; warnings are returned in the spec.
    """
    try:
        config = StackConfig.model_validate({k: v for k, v in raw.items() if v is not None})
    except ValidationError as error:
        raise ConfigError(_schema_problems(error, raw), subject="stack config") from None
    problems: list[Problem] = []
    named: dict[str, IpsecPolicy] = {}
    for name, body in config.policies.items():
        policy = _policy(body, f"policies.{name}", {}, problems, set())
        if policy is not None:
            named[name] = policy

    gateways: dict[str, VpnGatewayArgs] = {}
    facts: dict[str, GatewayFacts] = {}
    for name, gateway in config.gateways.items():
        args = VpnGatewayArgs(**gateway.model_dump(), tags=config.tags)
        problems += gateway_problems(args, under_config(f"gateways.{name}"))
        gateways[name] = args
        facts[name] = GatewayFacts(name, gateway.sku, gateway.vpn_type, tuple(gateway.address_space))
    existing: dict[str, ExistingGatewayArgs] = {}
    for name, ex in config.existing_gateways.items():
        ex_args = ExistingGatewayArgs(**ex.model_dump())
        if name in gateways:
            problems.append(Problem("config.duplicate-gateway", f"existingGateways.{name}", name,
                                    "a name not used under `gateways`", "gateway names must be unique."))
        problems += existing_gateway_problems(ex_args, under_config(f"existingGateways.{name}"))
        existing[name] = ex_args
        facts[name] = GatewayFacts(name, ex.sku, ex.vpn_type, tuple(ex.address_space))
    gateway_names = ", ".join(facts) or "(none defined)"
    counts = dict.fromkeys(facts, 0) | {name: ex.existing_connections for name, ex in existing.items()}
    defined = set(config.policies)

    def gateway_ref(path: str, ref: str) -> GatewayFacts | None:
        if ref in facts:
            return facts[ref]
        problems.append(Problem("config.gateway-ref", path, ref, gateway_names,
                                "a site or pair names a gateway from `gateways` or `existingGateways`."))
        return None

    sites: dict[str, SiteSpec] = {}
    for name, site in config.sites.items():
        at = under_config(f"sites.{name}", _RENAMES)
        policy = _policy(site.policy, f"sites.{name}.policy", named, problems, defined)
        settings = _settings(site, policy)
        own = site_problems(site.gateway_ip_address, site.fqdn, site.bgp_asn, site.bgp_peering_address, at)
        own += rules.parse_prefixes(at("address_prefixes"), list(site.address_prefixes))[1]
        problems += own
        gw = gateway_ref(at("gateway"), site.gateway)
        if gw is not None and not errors(own):
            problems += connection_problems(f"sites.{name}", gw, counts[gw.name], "IPsec", site.address_prefixes,
                                            settings, at, peer_field="address_prefixes", key_generated=True)
        if gw is not None:
            counts[gw.name] += 1
        sites[name] = SiteSpec(name, site.gateway, site, settings)

    pairs: dict[str, PairSpec] = {}
    for name, pair in config.pairs.items():
        at = under_config(f"pairs.{name}", _RENAMES)
        policy = _policy(pair.policy, f"pairs.{name}.policy", named, problems, defined)
        settings = _settings(pair, policy)
        left, right = (gateway_ref(f"pairs.{name}.gateways[{i}]", ref) for i, ref in enumerate(pair.gateways))
        if left is not None and right is not None:
            if left.name == right.name:
                problems.append(Problem("pair.same-gateway", f"pairs.{name}.gateways[1]", right.name,
                                        f"a gateway other than {left.name!r}",
                                        "a VNet-to-VNet link joins two different gateways."))
            else:
                for gateway_name in pair.connection_names:
                    if gateway_name not in pair.gateways:
                        problems.append(Problem(
                            "config.connection-name-key", f"pairs.{name}.connectionNames.{gateway_name}",
                            gateway_name, " or ".join(pair.gateways),
                            "each connection is named after the gateway it starts from."))
                problems += rules.address_spaces_disjoint(
                    f"gateways.{left.name}.addressSpace", rules.parse_prefixes("", list(left.address_space))[0],
                    f"gateways.{right.name}.addressSpace", rules.parse_prefixes("", list(right.address_space))[0])
                for gw, peer in ((left, right), (right, left)):
                    problems += [p for p in connection_problems(
                        f"pairs.{name} ({gw.name} to {peer.name})", gw, counts[gw.name], "Vnet2Vnet",
                        peer.address_space, settings, at, key_generated=True)
                        if p.rule != "network.address-overlap"]
                    counts[gw.name] += 1
        pairs[name] = PairSpec(name, pair.gateways[0], pair.gateways[1], pair, settings)

    for name, key in config.shared_keys.items():
        if name not in sites and name not in pairs:
            problems.append(Problem("config.shared-key-ref", f"sharedKeys.{name}", name,
                                    ", ".join([*sites, *pairs]) or "a site or pair name",
                                    "each shared key belongs to a site or a pair of the same name."))
        problems += rules.shared_key_format(f"sharedKeys.{name}", key)

    if errors(problems):
        raise ConfigError(errors(problems), subject="stack config")
    return StackSpec(gateways=gateways, existing_gateways=existing, sites=sites, pairs=pairs, policies=named,
                     warnings=tuple(p for p in problems if p.severity == "warning"),
                     shared_key_names=frozenset(config.shared_keys), tags=dict(config.tags))


def read_pulumi_config(namespace: str | None = None) -> dict[str, Any]:
    """The stack's config keys as the running program sees them (inside a Pulumi program).

    ``sharedKeys`` is read only to know which keys exist and to check their form; the values
    reach resources through ``shared_key_output``, as secrets.
    """
    import pulumi

    config = pulumi.Config(namespace)
    raw: dict[str, Any] = {}
    for key in CONFIG_KEYS:
        if key == SECRET_KEY:
            text = pulumi.runtime.get_config(f"{config.name}:{key}")
            try:
                raw[key] = json.loads(text) if isinstance(text, str) else text
            except json.JSONDecodeError:
                # One secure value for the whole map (not per key): only an offline plan, which
                # never decrypts, sees it so; it cannot tell which sites have keys.
                raise ConfigError([Problem(
                    "config.shared-keys-shape", SECRET_KEY, None,
                    "a map of site or pair name -> key, each set with "
                    "`pulumi config set --secret --path 'sharedKeys.<name>' <key>`",
                    "the whole map is one encrypted value, so which sites have a key is unknown "
                    "until it is decrypted.", show_value=False)], subject="stack config") from None
        else:
            raw[key] = config.get_object(key)
    return raw
