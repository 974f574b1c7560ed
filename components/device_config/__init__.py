"""On-premises VPN device configuration rendered from the same ``IpsecPolicy`` Azure gets.

``render_device_config(vendor, site)`` writes one platform's configuration for the tunnel
to an Azure VPN gateway, or raises ``DeviceConfigError`` naming every field the platform
cannot express; it never renders a different algorithm than the policy's. The strongSwan
output is proved against real IKEv2 peers (tests/interop/test_device_config_interop.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from components.device_config import cisco_iosxe, paloalto_panos, strongswan
from components.device_config.site import DeviceConfigError, DeviceSite
from components.device_config.tunnel import Tunnel, tunnel
from components.rules.problems import Problem

__all__ = ["VENDORS", "DeviceConfigError", "DeviceSite", "render_device_config"]

_RENDERERS: Final[Mapping[str, Callable[[Tunnel], str]]] = {
    strongswan.VENDOR: strongswan.render,
    cisco_iosxe.VENDOR: cisco_iosxe.render,
    paloalto_panos.VENDOR: paloalto_panos.render,
}

#: Platforms ``render_device_config`` can write, by the name callers pass.
VENDORS: Final[tuple[str, ...]] = tuple(_RENDERERS)


def render_device_config(vendor: str, site: DeviceSite) -> str:
    """The device configuration of ``site`` for ``vendor`` (one of ``VENDORS``).

    Raises ``DeviceConfigError`` for an unknown vendor, an invalid site, or a policy the
    platform cannot express (a DH group, cipher or lifetime it lacks).
    """
    renderer = _RENDERERS.get(vendor)
    if renderer is None:
        raise DeviceConfigError(str(vendor), [Problem(
            "device.vendor", "vendor", vendor, ", ".join(VENDORS),
            "device configurations are rendered for these platforms only.")])
    return renderer(tunnel(vendor, site))
