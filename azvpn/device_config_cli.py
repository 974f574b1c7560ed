"""``azvpn device-config``: a site's on-premises device configuration, offline.

The policy, prefixes, selectors and DPD come from the stack's config, checked by the same
``load_stack`` the program runs. Two values only exist after ``pulumi up``: the Azure
gateway's public IP and (for a generated or ``secure:`` key) the shared key. Unless given,
they are written as placeholders that no device accepts, with a header saying where to read
them; the deployed stack also exports the finished config (``pulumi stack output sites
--show-secrets``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from azvpn.check import check_stack
from components.device_config import VENDORS, DeviceSite, render_device_config
from components.rules.problems import Problem
from components.stack_config import ConfigError

# Rendered with stand-ins that pass the renderers' checks, then replaced by text no device
# accepts, so a config with a placeholder can never be pasted and half-work.
_IP_STANDIN: Final = "192.0.2.254"  # TEST-NET-1 (RFC 5737), never a real gateway
_KEY_STANDIN: Final = "azvpnSharedKeyStandIn0000"
IP_PLACEHOLDER: Final = "<AZURE_GATEWAY_PUBLIC_IP>"
KEY_PLACEHOLDER: Final = "<PRE_SHARED_KEY>"


@dataclass(frozen=True)
class DeviceConfigRequest:
    site: str
    vendor: str
    azure_gateway_ip: str | None = None
    shared_key_env: str | None = None
    """Name of an environment variable holding the key (never a command-line argument: shell
    history and process lists would keep it)."""


def _comment(vendor: str) -> str:
    return "!" if vendor == "cisco-iosxe" else "#"


def render_site_device_config(project_dir: Path, stack: str, request: DeviceConfigRequest) -> str:
    """The device config of ``request.site`` for ``request.vendor``; raises ``ConfigError``
    (bad config, unknown site or vendor) or ``DeviceConfigError`` (the platform cannot
    express the policy)."""
    checked = check_stack(project_dir, stack)
    spec = checked.spec
    problems: list[Problem] = []
    if request.site not in spec.sites:
        problems.append(Problem("device.site", "--site", request.site, ", ".join(spec.sites) or "(no sites)",
                                "device configs are rendered for the stack's sites."))
    if request.vendor not in VENDORS:
        problems.append(Problem("device.vendor", "--vendor", request.vendor, ", ".join(VENDORS),
                                "device configurations are rendered for these platforms only."))
    key = os.environ.get(request.shared_key_env) if request.shared_key_env else None
    if request.shared_key_env and key is None:
        problems.append(Problem("device.shared-key-env", "--shared-key-env", request.shared_key_env,
                                "the name of a set environment variable", "the variable is not set."))
    if problems:
        raise ConfigError(problems, subject="azvpn device-config")
    site = spec.sites[request.site]
    gateway_space = (spec.gateways[site.gateway].address_space if site.gateway in spec.gateways
                     else spec.existing_gateways[site.gateway].address_space)
    known_ip = request.azure_gateway_ip
    if known_ip is None and site.gateway in spec.existing_gateways:
        known_ip = str(spec.existing_gateways[site.gateway].public_ip_address) or None
    settings = site.settings
    text = render_device_config(request.vendor, DeviceSite(
        name=request.site, policy=settings.ipsec_policy, azure_gateway_ip=known_ip or _IP_STANDIN,
        onprem_public_ip=site.config.gateway_ip_address or site.config.fqdn or "",
        onprem_prefixes=tuple(site.config.address_prefixes), azure_prefixes=tuple(gateway_space),
        shared_key=key or _KEY_STANDIN,
        use_policy_based_traffic_selectors=settings.use_policy_based_traffic_selectors,
        dpd_timeout_seconds=settings.dpd_timeout_seconds, connection_protocol=settings.connection_protocol))
    notes: list[str] = []
    if known_ip is None:
        text = text.replace(_IP_STANDIN, IP_PLACEHOLDER)
        notes.append(f"{IP_PLACEHOLDER}: the gateway's public IP, known after `pulumi up` "
                     f"(pulumi stack output gateways --stack {stack})")
    if key is None:
        text = text.replace(_KEY_STANDIN, KEY_PLACEHOLDER)
        notes.append(f"{KEY_PLACEHOLDER}: the shared key (pulumi stack output sites --show-secrets --stack {stack}, "
                     "or pass --shared-key-env VAR)")
    if not notes:
        return text
    mark = _comment(request.vendor)
    header = [f"{mark} Replace before use:"] + [f"{mark}   {note}" for note in notes]
    return "\n".join(header) + "\n" + text
