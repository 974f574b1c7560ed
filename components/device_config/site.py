"""``DeviceSite``: what an on-premises VPN device needs to know, checked before rendering.

Every renderer starts from the same validated site, so a bad prefix or DPD value is
reported once, with the field that holds it, whatever the platform. Problems use the
project's one shape (``components.rules.problems.Problem``), and the shared key is never
echoed: not in ``repr``, not in an error.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Final

from components.ipsec_policy import IpsecPolicy
from components.rules import network_rules
from components.rules.problems import Problem, RuleViolation

#: The only protocol the renderers write. Azure also offers IKEv1, but the device
#: configurations here are IKEv2 (CHILD_SAs, traffic selectors, CREATE_CHILD_SA rekeys).
IKEV2: Final = "IKEv2"

# An RFC 1123 host name, for an on-premises device known by DNS name rather than address.
_HOSTNAME: Final = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
                              r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")


class DeviceConfigError(RuleViolation):
    """A device configuration that cannot be rendered: a bad site, or a policy the platform
    cannot express. ``vendor`` names the platform; ``problems`` lists every reason at once,
    each naming the field, the value given and what the platform supports."""

    def __init__(self, vendor: str, problems: list[Problem]) -> None:
        self.vendor = vendor
        super().__init__(problems, subject=f"device config for {vendor}")


@dataclass(frozen=True)
class DeviceSite:
    """One on-premises site as its VPN device sees the tunnel to an Azure VPN gateway."""

    name: str
    """(Required) Site name; config object names are derived from it (sanitised per platform)."""
    policy: IpsecPolicy | None
    """(Required) The connection's custom IPsec/IKE policy, or ``None`` for Azure's default
    proposals (route-based selectors only: Azure needs a custom policy for policy-based ones)."""
    azure_gateway_ip: str
    """(Required) Public IPv4 address of the Azure VPN gateway (the IKE peer)."""
    onprem_public_ip: str
    """(Required) The device's own public IPv4 address, or its DNS name; the local IKE identity."""
    onprem_prefixes: tuple[str, ...]
    """(Required) IPv4 prefixes behind the device (the local network gateway's address space)."""
    azure_prefixes: tuple[str, ...]
    """(Required) IPv4 prefixes of the virtual network(s) reached through Azure."""
    shared_key: str = field(repr=False)
    """(Required, secret) The connection's pre-shared key; never shown in errors or ``repr``."""
    use_policy_based_traffic_selectors: bool = False
    """(Optional) One CHILD_SA / proxy ID per (on-premises, Azure) prefix pair. Defaults to False."""
    dpd_timeout_seconds: int = network_rules.DPD_TIMEOUT_DEFAULT
    """(Optional) Azure's DPD timeout for the connection, 9-3600 s. Defaults to 45."""
    connection_protocol: str = IKEV2
    """(Optional) The connection's protocol; only ``IKEv2`` can be rendered. Defaults to IKEv2."""


def _ipv4_address(path: str, text: object, what: str) -> list[Problem]:
    try:
        address = ipaddress.ip_address(text) if isinstance(text, str) else None
    except ValueError:
        address = None
    if isinstance(address, ipaddress.IPv4Address):
        return []
    why = ("Azure VPN gateways terminate site-to-site tunnels on IPv4 public addresses."
           if isinstance(address, ipaddress.IPv6Address) else f"it does not parse as {what}.")
    allowed = "an IPv4 address such as 203.0.113.10" + ("" if what == "an IPv4 address" else ", or a DNS host name")
    return [Problem("device.address", path, text, allowed, why)]


def _local_address(path: str, text: object) -> list[Problem]:
    """The device's own address, or a DNS name for a device known by FQDN."""
    if isinstance(text, str) and _HOSTNAME.match(text) and not text.replace(".", "").isdigit():
        return []
    return _ipv4_address(path, text, "an IPv4 address or a DNS host name")


def _prefixes(path: str, texts: object) -> tuple[list[ipaddress.IPv4Network], list[Problem]]:
    if isinstance(texts, str) or not isinstance(texts, (tuple, list)):
        return [], [Problem("device.prefixes", path, texts, "a tuple of CIDR prefixes",
                            "a single string would be read one character at a time.")]
    problems: list[Problem] = []
    if not texts:
        problems += network_rules.parse_prefixes(path, [])[1]  # "at least one CIDR prefix"
    ipv4: list[ipaddress.IPv4Network] = []
    for index, text in enumerate(texts):
        network, found = network_rules.parse_prefix(f"{path}[{index}]", text)
        problems += found
        if network is None:
            continue
        if not isinstance(network, ipaddress.IPv4Network):
            problems.append(Problem("device.prefix-family", f"{path}[{index}]", str(network),
                                    "IPv4 prefixes", "the renderers write IPv4 traffic selectors "
                                    "(access lists, proxy IDs) only."))
        elif network in ipv4:
            problems.append(Problem("device.prefix-duplicate", f"{path}[{index}]", str(network),
                                    "each prefix once", "a repeated prefix would repeat its "
                                    "traffic selectors and routes."))
        else:
            ipv4.append(network)
    return ipv4, problems


def site_problems(site: DeviceSite) -> list[Problem]:
    """Every problem of ``site`` that makes it unrenderable on any platform."""
    problems: list[Problem] = []
    if not isinstance(site.name, str) or not site.name.strip():
        problems.append(Problem("device.name", "name", site.name, "a non-empty site name",
                                "config object names are derived from it."))
    if site.policy is not None and not isinstance(site.policy, IpsecPolicy):
        problems.append(Problem("device.policy", "policy", type(site.policy).__name__,
                                "an IpsecPolicy, or None for Azure's default proposals",
                                "only a validated IpsecPolicy is known to be one Azure accepts."))
    problems += _ipv4_address("azure_gateway_ip", site.azure_gateway_ip, "an IPv4 address")
    problems += _local_address("onprem_public_ip", site.onprem_public_ip)
    onprem, found = _prefixes("onprem_prefixes", site.onprem_prefixes)
    problems += found
    azure, found = _prefixes("azure_prefixes", site.azure_prefixes)
    problems += found
    if onprem and azure:
        problems += network_rules.address_spaces_disjoint("onprem_prefixes", onprem, "azure_prefixes", azure)
    problems += network_rules.shared_key_format("shared_key", site.shared_key)
    problems += network_rules.dpd_timeout_range("dpd_timeout_seconds", site.dpd_timeout_seconds)
    if not isinstance(site.use_policy_based_traffic_selectors, bool):
        problems.append(Problem("device.policy-based", "use_policy_based_traffic_selectors",
                                site.use_policy_based_traffic_selectors, "True or False",
                                "it switches between one selector pair and one per prefix pair."))
    problems += network_rules.connection_protocol_allowed("connection_protocol", site.connection_protocol)
    if site.connection_protocol == "IKEv1":
        problems.append(Problem("device.ikev1", "connection_protocol", "IKEv1", IKEV2,
                                "the generated device configurations are IKEv2 (CHILD_SAs, traffic "
                                "selectors, CREATE_CHILD_SA rekeys); an IKEv1 connection needs an "
                                "IKEv1 (main mode / quick mode) device config.", suggestion=IKEV2))
    problems += network_rules.policy_based_selectors_need_policy(
        "policy", site.use_policy_based_traffic_selectors is True, site.policy is not None)
    if isinstance(site.policy, IpsecPolicy) and site.policy.dh_group_number is None:
        problems.append(Problem("device.ikev2-dh", "policy.dh_group", site.policy.dh_group,
                                "a Diffie-Hellman group (DHGroup14, ECP256, ...)",
                                "IKEv2 always runs a Diffie-Hellman exchange in IKE_SA_INIT "
                                "(RFC 7296 section 1.2), so no IKEv2 device can be configured "
                                "without a group."))
    return problems
