"""The azure-ipsec-vpn CrossGuard policy pack, importable without starting a server.

``policies/__main__.py`` only builds ``PolicyPack(...)`` from ``POLICIES`` (``PolicyPack``
starts the analyzer's gRPC server and never returns, so tests call each policy's
``validate`` directly). Every rule about IPsec/IKE policies, gateways and connections comes
from ``components.rules`` and ``components.IpsecPolicy``: this package reads resources as the
engine sends them, words violations, and holds the pack's metadata and config schema.
"""

from vpn_policies.catalogue import PACK_DESCRIPTION, PACK_NAME, POLICIES, POLICIES_BY_NAME, RULES, RULES_BY_NAME, Rule
from vpn_policies.secret_tracking import install as install_secret_tracking

__all__ = [
    "PACK_DESCRIPTION",
    "PACK_NAME",
    "POLICIES",
    "POLICIES_BY_NAME",
    "RULES",
    "RULES_BY_NAME",
    "Rule",
    "install_secret_tracking",
]
